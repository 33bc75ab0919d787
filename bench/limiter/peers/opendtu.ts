/**
 * The OpenDTU-OnBattery dynamic power limiter law, re-implemented from its documentation (wiki
 * "Dynamic Power Limiter"): new limit = inverter output + grid consumption − target consumption,
 * clamped to the inverters' range, left alone while the meter is within target ± hysteresis, and
 * recomputed only once the commanded inverters have reported data newer than the last command.
 *
 * Set up as a homeowner would for our allowed export: the same 50 W band as ours (target
 * consumption = hysteresis/2 above −allowed, hysteresis = half the band). Several inverters: the
 * total is split like each one's last reported output.
 */
import type {
  LimiterInput,
  LimiterInverter,
  LimiterSettings,
  LimitWrite,
} from "../../../src/automations/export-limit/types.ts";
import type { BenchController } from "../types.ts";
import { PeerState } from "./common.ts";

export class OpenDtuOnBattery implements BenchController {
  readonly name = "opendtu_onbattery";
  private readonly p: PeerState;
  /** Serial → when we last commanded it; a new command waits for newer data from each. */
  private readonly commanded = new Map<number, number>();

  constructor(inverters: LimiterInverter[], settings: LimiterSettings) {
    this.p = new PeerState(inverters, settings);
  }

  input(i: LimiterInput): LimitWrite[] {
    this.p.see(i);
    if (i.kind !== "meter" && i.kind !== "reading") return [];
    if (!this.p.daylight || this.p.gridW === undefined) return [];
    for (const [k, at] of this.commanded) if (this.p.readingAtMs[k]! <= at) return [];
    const half = this.p.settings.hysteresisW / 2;
    const targetConsumption = -this.p.allowedW + half;
    if (Math.abs(this.p.gridW - targetConsumption) <= half) return [];
    const writes = this.p.writesFor(this.p.production + this.p.gridW - targetConsumption, "output");
    this.commanded.clear();
    for (const wr of writes) this.commanded.set(this.p.index(wr.serial), i.atMs);
    return writes;
  }
}
