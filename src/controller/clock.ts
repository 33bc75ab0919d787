/**
 * Clocks for the controller. The real one is the radio's system clock; the demo runs on a scaled clock so a
 * simulated day passes in minutes: now() is simulated time and every timer waits ms / speed of real time.
 */
import { type Clock, systemClock } from "../radio/clock.ts";

export type { Clock };
export { systemClock };

export interface ScaledClock extends Clock {
  readonly speed: number;
}

export function scaledClock(startMs: number, speed: number, realNow: () => number = Date.now): ScaledClock {
  if (!(speed > 0)) throw new RangeError(`clock speed must be positive, got ${speed}`);
  const realStart = realNow();
  return {
    speed,
    now: () => startMs + (realNow() - realStart) * speed,
    setTimeout: (fn, ms) => {
      const t = setTimeout(fn, Math.max(0, ms / speed));
      t.unref?.();
      return t;
    },
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
}
