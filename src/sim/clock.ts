/**
 * Simulated time. The physics never reads a clock: callers pass epoch ms. These map the real
 * world onto simulated time for the demo (SimClock) and give tests full control (ManualClock).
 */

export interface Clock {
  /** Simulated time, epoch ms. */
  now(): number;
}

export interface SimClockOptions {
  /** Simulated time at the moment the clock is created. */
  startMs: number;
  /** Simulated ms per real ms (60 = one simulated hour per real minute). */
  speed: number;
  /** Real time source, injectable for tests; default Date.now. */
  realNow?: () => number;
}

export class SimClock implements Clock {
  private readonly realNow: () => number;
  private anchorReal: number;
  private anchorSim: number;
  private rate: number;

  constructor(opts: SimClockOptions) {
    if (!Number.isFinite(opts.startMs))
      throw new RangeError(`SimClock: startMs must be epoch ms, got ${opts.startMs}`);
    SimClock.checkSpeed(opts.speed);
    this.realNow = opts.realNow ?? Date.now;
    this.anchorReal = this.realNow();
    this.anchorSim = opts.startMs;
    this.rate = opts.speed;
  }

  get speed(): number {
    return this.rate;
  }

  now(): number {
    return this.anchorSim + (this.realNow() - this.anchorReal) * this.rate;
  }

  /** Changes the speed from now on without a jump in simulated time. */
  setSpeed(speed: number): void {
    SimClock.checkSpeed(speed);
    this.anchorSim = this.now();
    this.anchorReal = this.realNow();
    this.rate = speed;
  }

  private static checkSpeed(speed: number): void {
    if (!(Number.isFinite(speed) && speed > 0)) {
      throw new RangeError(`SimClock: speed must be a positive number (1 = real time), got ${speed}`);
    }
  }
}

/** A clock that moves only when told to; never backwards, because the physics cannot. */
export class ManualClock implements Clock {
  private t: number;

  constructor(startMs: number) {
    if (!Number.isFinite(startMs))
      throw new RangeError(`ManualClock: startMs must be epoch ms, got ${startMs}`);
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  set(tMs: number): void {
    if (!(Number.isFinite(tMs) && tMs >= this.t)) {
      throw new RangeError(
        `ManualClock: cannot move from ${this.t} to ${tMs}; simulated time only goes forward`,
      );
    }
    this.t = tMs;
  }

  advance(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0))
      throw new RangeError(`ManualClock: advance needs ms ≥ 0, got ${ms}`);
    this.t += ms;
  }
}
