/**
 * A simulated household's electrical load, for playing a grid meter against the export limiter
 * (the demo's meter, the limiter benchmark). Seeded and a pure function of time at 1 s resolution:
 * `load(t)` is the same whatever order it is asked in, so two controllers in one benchmark see the
 * same house.
 *
 * Made of: a standby base (router, fridge-freezer electronics, heating pump, ~100–200 W with slow drift
 * and second-to-second noise), lights and screens in the morning and evening, a fridge compressor
 * cycling, and appliance runs drawn per day (src/sim/appliances.ts).
 */
import { type ApplianceRun, planDay, runPowerW } from "./appliances.ts";
import { OuNoise } from "./noise.ts";
import { deriveSeed, gaussianAt, hash32, unitFromHash } from "./random.ts";

export interface HouseholdOptions {
  seed: number;
  /** A small or mostly-away household: lower standby, no oven or hob, fewer kettle and washer runs. */
  lowLoad?: boolean;
  /**
   * Local time = UTC + this many minutes (default 0). Appliance hours are local: pass 60 for CET.
   */
  utcOffsetMin?: number;
}

const DAY_MS = 86_400_000;
const HOUR = 3_600_000;
/** Fridge: one compressor cycle every ~40–55 min, running ~30 % of it at ~90 W. */
const FRIDGE_PERIOD_S = 2_700;
const STREAM_BASE_NOISE = 1;
const STREAM_BASE_DRIFT = 2;
const STREAM_FRIDGE = 3;

export class Household {
  readonly lowLoad: boolean;
  private readonly seed: number;
  private readonly offsetMs: number;
  private readonly baseW: number;
  private readonly drift: OuNoise;
  private readonly days = new Map<number, ApplianceRun[]>();

  constructor(opts: HouseholdOptions) {
    if (!Number.isFinite(opts.seed))
      throw new RangeError(`Household: seed must be a finite number, got ${opts.seed}`);
    const offset = opts.utcOffsetMin ?? 0;
    if (!Number.isFinite(offset) || Math.abs(offset) > 14 * 60)
      throw new RangeError(
        `Household: utcOffsetMin must be between -840 and 840 minutes, got ${opts.utcOffsetMin}`,
      );
    this.seed = deriveSeed(opts.seed, "household");
    this.lowLoad = opts.lowLoad ?? false;
    this.offsetMs = offset * 60_000;
    const u = unitFromHash(hash32(this.seed, 0));
    this.baseW = this.lowLoad ? 70 + 30 * u : 110 + 50 * u;
    this.drift = new OuNoise(this.seed, STREAM_BASE_DRIFT, { tauMs: 30 * 60_000, knotMs: 5 * 60_000 });
  }

  /** The house's consumption at `tMs` (epoch ms), W, constant within each second. */
  load(tMs: number): number {
    if (!Number.isFinite(tMs)) throw new RangeError(`Household.load: time must be epoch ms, got ${tMs}`);
    const s = Math.floor(tMs / 1000);
    const local = s * 1000 + this.offsetMs;
    const day = Math.floor(local / DAY_MS);
    const sinceMidnight = local - day * DAY_MS;
    let w = this.standbyW(s, sinceMidnight) + this.fridgeW(s);
    // A run that starts late in the evening may continue past midnight: look at yesterday too.
    for (const d of [day - 1, day]) {
      const offsetInDay = sinceMidnight + (day - d) * DAY_MS;
      for (const run of this.runs(d)) w += runPowerW(run, offsetInDay - run.startMs);
    }
    return Math.round(w);
  }

  /** The appliance runs of the local day containing `tMs` (start times in ms since local midnight). */
  appliances(tMs: number): readonly ApplianceRun[] {
    return this.runs(Math.floor((tMs + this.offsetMs) / DAY_MS));
  }

  /** Standby plus lights and screens: more in the morning and evening, little at night. */
  private standbyW(s: number, sinceMidnightMs: number): number {
    const h = sinceMidnightMs / HOUR;
    const scale = this.lowLoad ? 0.4 : 1;
    let activity = 0;
    if (h >= 6.5 && h < 8.5) activity = 120;
    else if (h >= 17 && h < 23) activity = 180;
    else if (h >= 8.5 && h < 17) activity = 40;
    const drift = 20 * this.drift.at(s * 1000);
    const noise = 6 * gaussianAt(this.seed, STREAM_BASE_NOISE, s);
    return Math.max(40, this.baseW + scale * activity + drift + noise);
  }

  /** Compressor cycles of seeded length; a short start surge as the motor spins up. */
  private fridgeW(s: number): number {
    const cycle = Math.floor(s / FRIDGE_PERIOD_S);
    const into = s - cycle * FRIDGE_PERIOD_S;
    const onS = 600 + 400 * unitFromHash(hash32(this.seed, STREAM_FRIDGE, cycle));
    const startS = Math.floor(
      (FRIDGE_PERIOD_S - onS) * unitFromHash(hash32(this.seed, STREAM_FRIDGE, -cycle - 1)),
    );
    if (into < startS || into >= startS + onS) return 0;
    return into - startS < 2 ? 350 : 85;
  }

  private runs(day: number): ApplianceRun[] {
    let plan = this.days.get(day);
    if (!plan) {
      if (this.days.size > 8) this.days.clear();
      plan = planDay(hash32(this.seed, day), this.lowLoad);
      this.days.set(day, plan);
    }
    return plan;
  }
}
