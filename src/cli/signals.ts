/**
 * Ctrl-C / SIGTERM for the long-running commands. Call it before starting and printing anything: a signal
 * that arrives before the listener exists kills the process outright (no clean stop, no "offline"), and
 * a user or a supervisor may send one the moment "running" appears. A second signal means "now": exit at
 * once with the conventional 128 + signal number.
 */
import { constants } from "node:os";

export function untilStopSignal(
  onSecond: (signal: NodeJS.Signals) => void = defaultSecond,
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first: NodeJS.Signals | undefined;
    const handle = (signal: NodeJS.Signals) => {
      if (first === undefined) {
        first = signal;
        resolve(signal);
      } else onSecond(signal);
    };
    process.on("SIGINT", handle);
    process.on("SIGTERM", handle);
  });
}

function defaultSecond(signal: NodeJS.Signals): void {
  process.stderr.write(`localecu: ${signal} again, exiting without a clean stop\n`);
  process.exit(128 + (constants.signals[signal] ?? 0));
}
