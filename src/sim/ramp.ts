/** A value that moves linearly towards a target: limits and power ramps as pure functions of time. */
export class Ramp {
  private fromValue: number;
  private toValue: number;
  private startMs = Number.NEGATIVE_INFINITY;
  private ratePerMs = Number.POSITIVE_INFINITY;

  constructor(value: number) {
    this.fromValue = value;
    this.toValue = value;
  }

  get target(): number {
    return this.toValue;
  }

  at(tMs: number): number {
    if (tMs <= this.startMs) return this.fromValue;
    const moved = (tMs - this.startMs) * this.ratePerMs;
    const gap = this.toValue - this.fromValue;
    return Math.abs(gap) <= moved ? this.toValue : this.fromValue + Math.sign(gap) * moved;
  }

  /** From `fromValue` (default: where the ramp is at `startMs`) to `target` at `ratePerS` units/s. */
  moveTo(target: number, startMs: number, ratePerS: number, fromValue = this.at(startMs)): void {
    this.fromValue = fromValue;
    this.toValue = target;
    this.startMs = startMs;
    this.ratePerMs = ratePerS / 1000;
  }
}
