/**
 * Two small policies shared by the transports, the air queue and the command queue:
 * a sliding-window budget ("at most N per window") and capped, jittered exponential backoff.
 */

export class RateWindow {
  private readonly stamps: number[] = [];

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {
    if (!(max >= 1)) throw new RangeError(`a rate budget needs max ≥ 1, got ${max}`);
  }

  /** Earliest time (≥ now) at which one more event fits the budget. */
  nextSlotAt(now: number): number {
    this.prune(now);
    if (this.stamps.length < this.max) return now;
    return this.stamps[this.stamps.length - this.max]! + this.windowMs;
  }

  record(now: number): void {
    this.prune(now);
    this.stamps.push(now);
  }

  used(now: number): number {
    this.prune(now);
    return this.stamps.length;
  }

  private prune(now: number): void {
    while (this.stamps.length > 0 && this.stamps[0]! + this.windowMs <= now) this.stamps.shift();
  }
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor?: number;
  /** 0…1: the delay is spread uniformly over ±jitter of its nominal value. */
  jitter?: number;
}

/** Delay before retry number `attempt` (1-based). `random` is injectable for tests. */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const nominal = Math.min(o.maxMs, o.initialMs * (o.factor ?? 2) ** Math.max(0, attempt - 1));
  const j = o.jitter ?? 0.2;
  const spread = nominal * (1 - j + 2 * j * random());
  return Math.round(Math.min(o.maxMs, Math.max(0, spread)));
}
