/**
 * The naive Home Assistant automation: every 10 s, limit = last known production − export
 * (+ the allowed export), split equally over the inverters. No dead band, no estimate.
 */
import type {
  LimiterInput,
  LimiterInverter,
  LimiterSettings,
  LimitWrite,
} from "../../../src/automations/export-limit/types.ts";
import type { BenchController } from "../types.ts";
import { PeerState } from "./common.ts";

const EVERY_MS = 10_000;

export class NaiveHa implements BenchController {
  readonly name = "naive_ha";
  private readonly p: PeerState;
  private lastRunMs = Number.NEGATIVE_INFINITY;

  constructor(inverters: LimiterInverter[], settings: LimiterSettings) {
    this.p = new PeerState(inverters, settings);
  }

  input(i: LimiterInput): LimitWrite[] {
    this.p.see(i);
    if (i.kind !== "tick" || !this.p.daylight || this.p.gridW === undefined) return [];
    if (i.atMs - this.lastRunMs < EVERY_MS) return [];
    this.lastRunMs = i.atMs;
    // grid = import − export, so production − export = production + grid.
    return this.p.writesFor(this.p.production + this.p.gridW + this.p.allowedW, "equal");
  }
}
