/**
 * The HoymilesZeroExport law, re-implemented from its documented configuration
 * (HoymilesZeroExport_Config.ini): a loop every 20 s (LOOP_INTERVAL_IN_SECONDS) on the latest meter
 * value; within target ± 25 W (POWERMETER_TOLERANCE) nothing; above the max point the limit jumps to
 * 100 % (ON_GRID_USAGE_JUMP_TO_LIMIT_PERCENT); export below the band is cut at once by the whole
 * difference; import above the band raises towards the target, at most 20 % of the maximum per loop
 * (SLOW_APPROX_LIMIT_IN_PERCENT), from the last reported output.
 *
 * Its documented target, −75 W, sits 75 W on the safe side of its owner's goal (a meter that does
 * not count export): mirrored for an allowed export, the band is 75 ± 25 W on the import side of it,
 * and the max point (documented 0 W, 75 W past the target) is 150 W of import past it.
 */
import type {
  LimiterInput,
  LimiterInverter,
  LimiterSettings,
  LimitWrite,
} from "../../../src/automations/export-limit/types.ts";
import type { BenchController } from "../types.ts";
import { PeerState } from "./common.ts";

const LOOP_MS = 20_000;
const TARGET_OFFSET_W = 75;
const TOLERANCE_W = 25;
const SLOW_APPROX_SHARE = 0.2;

export class HoymilesZeroExport implements BenchController {
  readonly name = "hoymiles_zero_export";
  private readonly p: PeerState;
  private lastLoopMs = Number.NEGATIVE_INFINITY;

  constructor(inverters: LimiterInverter[], settings: LimiterSettings) {
    this.p = new PeerState(inverters, settings);
  }

  input(i: LimiterInput): LimitWrite[] {
    this.p.see(i);
    if (i.kind !== "tick" || !this.p.daylight || this.p.gridW === undefined) return [];
    if (i.atMs - this.lastLoopMs < LOOP_MS) return [];
    this.lastLoopMs = i.atMs;
    const grid = this.p.gridW;
    const target = -this.p.allowedW + TARGET_OFFSET_W;
    const maxPoint = target + 2 * TARGET_OFFSET_W;
    if (grid > maxPoint) return this.p.writesFor(this.p.maxTotal, "output");
    if (Math.abs(grid - target) <= TOLERANCE_W) return [];
    const diff = grid - target;
    const step = diff > 0 ? Math.min(diff, SLOW_APPROX_SHARE * this.p.maxTotal) : diff;
    return this.p.writesFor(this.p.production + step, "output");
  }
}
