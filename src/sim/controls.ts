/**
 * An inverter's command state: the stored max-power limit (applied after a delay, then ramped),
 * on/off, and when output may resume after a power-up, switch-on or cleared fault.
 */
import type { ModelInfo } from "../protocol/models.ts";
import { LIMIT_RAMP_SHARE_PER_S, START_RAMP_SHARE_PER_S } from "./inverter-model.ts";
import type { OutputCaps } from "./output.ts";
import { Ramp } from "./ramp.ts";

const WIRE_SLACK_W = 1;

export class InverterControls {
  private stored: number;
  private readonly ramp: Ramp;
  private pending: { w: number; applyAtMs: number } | undefined;
  private switchedOn = true;
  private resumeAtMs = Number.NEGATIVE_INFINITY;
  /** Physical ceiling of one limit unit: a panel's share of the rating, or the whole rating. */
  private readonly unitMaxW: number;

  constructor(
    private readonly serial: string,
    private readonly model: ModelInfo,
    private readonly ratingW: number,
    initialLimitW: number | undefined,
  ) {
    this.unitMaxW = model.limitPer === "panel" ? ratingW / model.channels : ratingW;
    this.stored = this.check(initialLimitW ?? model.limitRangeW[1]);
    this.ramp = new Ramp(this.stored);
  }

  /** The stored limit: W per panel (QS1/YC600) or per inverter (DS3). */
  get limitW(): number {
    return this.stored;
  }

  get on(): boolean {
    return this.switchedOn;
  }

  /**
   * The limit the inverter stores for a commanded `w`. Wire values decode to fractions of a watt
   * (20 W → 0x0241 → 19.97 W; DS3 0x474C → 1100.05 W), so up to 1 W past an end counts as that end;
   * anything further is a caller's mistake and throws.
   */
  check(w: number): number {
    const [lo, hi] = this.model.limitRangeW;
    if (!(Number.isFinite(w) && w >= lo - WIRE_SLACK_W && w <= hi + WIRE_SLACK_W)) {
      throw new RangeError(
        `InverterSim ${this.serial}: ${this.model.model} accepts a limit of ${lo}–${hi} W per ${this.model.limitPer}, got ${w}`,
      );
    }
    return Math.min(hi, Math.max(lo, w));
  }

  /** A newer command replaces one still waiting, as the last write wins on the inverter. */
  schedule(w: number, applyAtMs: number): void {
    this.pending = { w: this.check(w), applyAtMs };
  }

  /**
   * A saved state carried into a new run: the stored limit (kept in flash) and on/off, with no ramp and no
   * start delay — the inverter never stopped, only the simulation did.
   */
  restore(limitW: number, on: boolean): void {
    this.stored = this.check(limitW);
    this.pending = undefined;
    this.ramp.moveTo(this.stored, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, this.stored);
    this.switchedOn = on;
  }

  /** Lost on power-down: the command never reached flash. */
  dropPending(): void {
    this.pending = undefined;
  }

  /** When the pending command applies, if inside (fromMs, toMs); else toMs. Steps end there. */
  stepEnd(fromMs: number, toMs: number): number {
    const p = this.pending;
    return p && p.applyAtMs > fromMs && p.applyAtMs < toMs ? p.applyAtMs : toMs;
  }

  /** Stores a pending limit whose time has come; the output then ramps from where it is. */
  commitDue(tMs: number): void {
    const p = this.pending;
    if (!p || p.applyAtMs > tMs) return;
    this.pending = undefined;
    this.stored = p.w;
    const from = Math.min(this.ramp.at(p.applyAtMs), this.unitMaxW);
    this.ramp.moveTo(p.w, p.applyAtMs, LIMIT_RAMP_SHARE_PER_S * this.unitMaxW, from);
  }

  setOn(on: boolean, tMs: number): void {
    if (on && !this.switchedOn) this.resumeNoEarlierThan(tMs);
    this.switchedOn = on;
  }

  /** Output stays at 0 W until `tMs`, then rises along the start ramp. */
  resumeNoEarlierThan(tMs: number): void {
    this.resumeAtMs = Math.max(this.resumeAtMs, tMs);
  }

  /** Whether commands allow output at `tMs` (faults are checked by the caller). */
  allowsOutput(tMs: number): boolean {
    return this.switchedOn && tMs >= this.resumeAtMs;
  }

  caps(tMs: number): OutputCaps {
    const limit = this.ramp.at(tMs);
    const perPanel = this.model.limitPer === "panel";
    const startCap = ((tMs - this.resumeAtMs) / 1000) * START_RAMP_SHARE_PER_S * this.ratingW;
    return {
      perChannelAcW: perPanel ? limit : Number.POSITIVE_INFINITY,
      totalAcW: Math.min(this.ratingW, perPanel ? Number.POSITIVE_INFINITY : limit, startCap),
    };
  }
}
