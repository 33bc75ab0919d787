/**
 * The write budget: limit writes per inverter in any sliding hour (flash wear). The core counts a
 * write when it asks for it, whatever the outcome, because a failed write may still have reached
 * the inverter's flash.
 */
const HOUR_MS = 3_600_000;

export class WriteBudget {
  private readonly times = new Map<string, number[]>();

  constructor(readonly perHour: number) {}

  /** Writes asked for `serial` in the hour up to `nowMs`. */
  used(serial: string, nowMs: number): number {
    const list = this.times.get(serial);
    if (!list) return 0;
    while (list.length > 0 && list[0]! <= nowMs - HOUR_MS) list.shift();
    return list.length;
  }

  /** Whether one more write fits, keeping `reserve` writes back (for cuts). */
  allows(serial: string, nowMs: number, reserve = 0): boolean {
    return this.used(serial, nowMs) + reserve < this.perHour;
  }

  record(serial: string, nowMs: number): void {
    const list = this.times.get(serial) ?? [];
    list.push(nowMs);
    this.times.set(serial, list);
  }

  /** When the oldest write of the hour ages out (a write is possible again), ms; nowMs if one is. */
  freeAtMs(serial: string, nowMs: number, reserve = 0): number {
    const used = this.used(serial, nowMs);
    if (used + reserve < this.perHour) return nowMs;
    const list = this.times.get(serial)!;
    return list[used + reserve - this.perHour]! + HOUR_MS;
  }

  /** Writes asked in the hour, all inverters. */
  total(nowMs: number): number {
    let n = 0;
    for (const serial of this.times.keys()) n += this.used(serial, nowMs);
    return n;
  }
}
