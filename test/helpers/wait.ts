/**
 * Polls `probe` until it returns something other than undefined/false, or fails naming what it waited for.
 * For end-to-end tests that watch MQTT or a child process: no fixed sleeps, and a slow CI only waits longer.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
