/**
 * What the core believes about one inverter between polls: the limit in force, a write on its way,
 * the last reading, and whether that reading showed the limit binding ("clipped": the panels could
 * give more) or the sun ("free": the reading is what the panels give).
 *
 * Output estimate: min(what the panels give, the limit in force). A new limit is in force from its
 * write result on, reached along a ramp (RAMP_SHARE_PER_S of the inverter's maximum per second, the
 * value the project's simulator uses; unverified on real hardware).
 */
import type { LimiterInverter } from "./types.ts";

export const RAMP_SHARE_PER_S = 0.1;
/** After a write's ramp, how long the meter needs to show its effect, ms. */
export const SETTLE_MS = 5_000;
/**
 * A "free" reading (output below the limit: the sun gave less) is news about the sun, which moves:
 * after this long without a newer reading the panels may well be back above the limit.
 */
export const FREE_EXPIRES_MS = 60_000;

export interface InverterSpec extends Required<LimiterInverter> {
  /** The range as multiples of stepW (minW rounded up, maxW down). */
  loW: number;
  hiW: number;
}

export function normalise(inv: LimiterInverter, where: string): InverterSpec {
  const { serial, minW, maxW, stepW } = inv;
  const bad = (what: string) =>
    new RangeError(`export limiter: ${where} (${serial}): ${what}; fix the inverter's limit range`);
  if (!(Number.isFinite(stepW) && stepW > 0)) throw bad(`stepW must be > 0, got ${stepW}`);
  if (!(Number.isFinite(minW) && minW >= 0)) throw bad(`minW must be ≥ 0, got ${minW}`);
  if (!(Number.isFinite(maxW) && maxW >= minW)) throw bad(`maxW must be ≥ minW (${minW}), got ${maxW}`);
  const loW = Math.ceil(minW / stepW - 1e-9) * stepW;
  const hiW = Math.floor(maxW / stepW + 1e-9) * stepW;
  if (hiW < loW) throw bad(`no multiple of ${stepW} W lies within ${minW}–${maxW} W`);
  return { serial, minW, maxW, stepW, priority: inv.priority ?? 0, loW, hiW };
}

/** Round down to a multiple of stepW inside the range. */
export function quantiseDown(spec: InverterSpec, w: number): number {
  const q = Math.floor(w / spec.stepW + 1e-9) * spec.stepW;
  return Math.min(spec.hiW, Math.max(spec.loW, q));
}

interface Change {
  fromW: number;
  toW: number;
  /** When the write result came (the limit is stored); undefined while the write is on its way. */
  atMs: number | undefined;
  /** A landed change still ramping when this one was asked: the inverter follows it until this lands. */
  prior?: Change;
}

export class InverterTrack {
  /** The limit in force as far as we know (verified, adopted from a read-back, or written by us). */
  limitW: number | undefined;
  /** A write asked and not yet answered. */
  pendingW: number | undefined;
  pendingAtMs: number | undefined;
  /** When our last write to it was asked. */
  askedAtMs = Number.NEGATIVE_INFINITY;
  readingW: number | undefined;
  readingAtMs: number | undefined;
  /** What the panels give when the last reading was "free"; undefined when the limit was binding. */
  freeW: number | undefined;
  /** A limit read back that is not ours: we leave this inverter alone until it matches again. */
  foreignW: number | undefined;
  private change: Change | undefined;

  constructor(readonly spec: InverterSpec) {}

  private get rampWPerMs(): number {
    return (RAMP_SHARE_PER_S * this.spec.maxW) / 1000;
  }

  /** The limit the output is heading to: the write on its way, else the one in force. */
  get targetLimitW(): number {
    return this.pendingW ?? this.limitW ?? this.spec.hiW;
  }

  /** The limit shaping the output at `tMs`, ramping after a change. */
  effectiveLimitW(tMs: number): number {
    const c = this.change;
    if (!c) return this.limitW ?? this.spec.hiW;
    return this.rampAt(c, tMs);
  }

  private rampAt(c: Change, tMs: number): number {
    if (c.atMs === undefined) return c.prior ? this.rampAt(c.prior, tMs) : c.fromW;
    const moved = (tMs - c.atMs) * this.rampWPerMs;
    if (c.toW >= c.fromW) return Math.min(c.toW, c.fromW + moved);
    // A cut starts from what the inverter gives, not from the old limit above it.
    const from = Math.min(c.fromW, this.freeW ?? c.fromW);
    return Math.max(c.toW, from - moved);
  }

  /** Estimated output at `tMs`. */
  outputW(tMs: number): number {
    if (this.readingW === undefined) return 0;
    const limit = this.foreignW ?? this.effectiveLimitW(tMs);
    return Math.min(this.freeW ?? Number.POSITIVE_INFINITY, limit);
  }

  /** Estimated output once every change on its way has happened. */
  settledOutputW(): number {
    if (this.readingW === undefined) return 0;
    return Math.min(this.freeW ?? Number.POSITIVE_INFINITY, this.foreignW ?? this.targetLimitW);
  }

  /** True when the limit binds: more sun would give more output only after a raise. */
  get clipped(): boolean {
    return this.readingW !== undefined && this.freeW === undefined;
  }

  /**
   * Worth a raise when there is room: the limit binds, or the last reading showed the sun just
   * under it (at least half the limit) more than FREE_EXPIRES_MS ago (with 5-minute polls the sun
   * comes back long before the next reading says so). Once per reading: a raise that found the
   * inverter still free is not repeated until a poll says more.
   */
  mayBeClipped(tMs: number): boolean {
    if (this.clipped) return true;
    if (this.freeW === undefined || this.readingAtMs === undefined) return false;
    return (
      tMs - this.readingAtMs > FREE_EXPIRES_MS &&
      this.askedAtMs < this.readingAtMs &&
      this.freeW >= this.targetLimitW / 2
    );
  }

  /** Whether a change is still under way (write on its way, or ramping) at `tMs`. */
  settling(tMs: number, settleMs: number): boolean {
    const c = this.change;
    if (!c) return false;
    if (c.atMs === undefined) return true;
    const rampMs = Math.abs(c.toW - c.fromW) / this.rampWPerMs;
    return tMs < c.atMs + rampMs + settleMs;
  }

  /** Output when the present change was asked: a cut on its way removes (this − settled output). */
  outputAtAskW = 0;

  /** What a cut on its way will still remove, W (its whole planned drop until it has settled). */
  inflightDropW(tMs: number, settleMs: number): number {
    if (!this.settling(tMs, settleMs)) return 0;
    return Math.max(0, this.outputAtAskW - this.settledOutputW());
  }

  asked(limitW: number, tMs: number): void {
    // Until this write lands the inverter keeps following a landed change still ramping (a raise
    // that a load switching off overtook): the output may still climb to that target first.
    const prior = this.change?.atMs !== undefined ? this.change : undefined;
    const climbTo = prior && prior.toW > prior.fromW ? prior.toW : 0;
    this.outputAtAskW = Math.max(
      this.outputW(tMs),
      Math.min(this.freeW ?? Number.POSITIVE_INFINITY, climbTo),
    );
    this.pendingW = limitW;
    this.pendingAtMs = tMs;
    this.askedAtMs = tMs;
    this.change = { fromW: this.effectiveLimitW(tMs), toW: limitW, atMs: undefined, prior };
  }

  /** Our write's outcome. ok: the limit is stored (the command queue verified it by read-back). */
  result(limitW: number, ok: boolean, tMs: number): void {
    if (this.pendingW !== undefined && limitW !== this.pendingW) {
      // An older write of ours landed while a newer one is on its way: the inverter heads for the
      // older value until the newer one lands, and the meter will show that.
      if (ok) {
        this.limitW = limitW;
        this.change = { fromW: limitW, toW: this.pendingW, atMs: undefined };
        this.outputAtAskW = Math.max(this.outputAtAskW, this.outputW(tMs));
      }
      return;
    }
    if (ok) {
      this.limitW = limitW;
      if (this.change) this.change = { fromW: this.effectiveLimitW(tMs), toW: this.change.toW, atMs: tMs };
      else this.change = { fromW: limitW, toW: limitW, atMs: tMs };
    } else {
      this.change = undefined;
    }
    this.pendingW = undefined;
    this.pendingAtMs = undefined;
  }

  /**
   * A polled AC output. Clipped when it sits at the limit in force (within a tolerance of wire
   * rounding and inverter accuracy). During a raise's ramp only a reading below what even half the
   * modelled ramp speed would give says the panels give less (the ramp speed is unverified).
   */
  reading(acPowerW: number, tMs: number, settleMs: number): void {
    this.readingW = acPowerW;
    this.readingAtMs = tMs;
    const tol = Math.max(3 * this.spec.stepW, 0.03 * this.spec.maxW, 10);
    const c = this.change;
    const rising = c !== undefined && c.toW > c.fromW && this.settling(tMs, settleMs);
    let limit = this.foreignW ?? this.effectiveLimitW(tMs);
    if (rising && this.foreignW === undefined) {
      const climbed = c!.atMs === undefined ? 0 : ((tMs - c!.atMs) * this.rampWPerMs) / 2;
      limit = Math.min(c!.toW, c!.fromW + climbed);
    }
    if (acPowerW >= limit - tol) this.freeW = undefined;
    else this.freeW = acPowerW;
    if (this.change && !this.settling(tMs, settleMs)) this.change = undefined;
  }

  /**
   * What the meter implies this inverter gives (meter-check.ts): below its limit, that is what its
   * panels give; at or above it, the limit binds.
   */
  implied(outputW: number): void {
    const limit = this.foreignW ?? this.targetLimitW;
    const tol = Math.max(3 * this.spec.stepW, 0.03 * this.spec.maxW, 10);
    this.freeW = outputW < limit - tol ? Math.max(0, outputW) : undefined;
  }

  /** Adopts a limit as the one in force (start-up read-back, or the user re-enabling after an alarm). */
  adopt(limitW: number): void {
    this.limitW = limitW;
    this.foreignW = undefined;
    this.change = undefined;
  }
}
