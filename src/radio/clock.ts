/**
 * Time for the radio, injected so tests can drive it. The default reads the globals at call time,
 * which is what lets vitest's fake timers take over without any wiring.
 */
export type TimerHandle = unknown;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * Milliseconds on a clock nobody sets (monotonic), for budgets over real elapsed time; a wall clock that
   * NTP moves must not refill or freeze them. Clocks without jumps (simulated, scaled) leave it out: now().
   */
  elapsedMs?(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending radio timer must never keep a CLI process alive on its own.
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  elapsedMs: () => performance.now(),
};

/** Resolves after `ms` on the given clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
