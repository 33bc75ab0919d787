/**
 * Clocks for the controller. The real one is the radio's system clock; the demo runs on a scaled clock so a
 * simulated day passes in minutes: now() is simulated time and long timers wait ms / speed of real time.
 * The emulated stick answers in real time (its own timers), like a real stick would.
 */
import { type Clock, systemClock } from "../radio/clock.ts";

export type { Clock };
export { systemClock };

export interface ScaledClock extends Clock {
  readonly speed: number;
}

/**
 * Timers shorter than this (in real ms) are not compressed below it: protocol timeouts guard against real
 * I/O and scheduling latency, which does not speed up with the simulation. Long waits (poll intervals,
 * midnight) still pass `speed` times faster.
 */
export const MIN_REAL_TIMER_MS = 1000;

export function scaledClock(startMs: number, speed: number, realNow: () => number = Date.now): ScaledClock {
  if (!(speed > 0)) throw new RangeError(`clock speed must be positive, got ${speed}`);
  const realStart = realNow();
  return {
    speed,
    now: () => startMs + (realNow() - realStart) * speed,
    setTimeout: (fn, ms) => {
      const t = setTimeout(fn, Math.max(0, ms / speed, Math.min(ms, MIN_REAL_TIMER_MS)));
      t.unref?.();
      return t;
    },
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
}
