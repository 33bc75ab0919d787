/**
 * The wall clock as the OS keeps it, for clock-jump tests: NTP may set it anywhere (set, jump), while
 * timers and elapsed (monotonic) time run on untouched, as Node's do.
 */
import type { Clock } from "../../src/radio/clock.ts";

export class WallClock implements Clock {
  private offset: number;

  constructor(startMs = Date.now()) {
    this.offset = startMs - Date.now();
  }

  now(): number {
    return Date.now() + this.offset;
  }

  set(ms: number): void {
    this.offset = ms - Date.now();
  }

  jump(ms: number): void {
    this.offset += ms;
  }

  elapsedMs(): number {
    return performance.now();
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  }

  clearTimeout(h: unknown): void {
    clearTimeout(h as NodeJS.Timeout);
  }
}
