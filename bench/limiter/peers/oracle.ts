/**
 * The oracle: knows the true load and what each inverter could give, every second, but writes
 * through the same queue (same latency, ramp and budget) and cannot see the future. It aims at the
 * same point as ours (half the dead band inside the allowed export), cuts the moment the true
 * export would pass the allowed value, and raises the moment there is room, sharing the total in
 * proportion to what each inverter can give. Raises smaller than half the band are skipped, and
 * raises keep the same budget reserve for cuts as ours.
 */
import {
  type InverterSpec,
  normalise,
  quantiseDown,
} from "../../../src/automations/export-limit/estimate.ts";
import type {
  LimiterInput,
  LimiterInverter,
  LimiterSettings,
  LimitWrite,
} from "../../../src/automations/export-limit/types.ts";
import type { BenchController } from "../types.ts";
import { waterFill } from "./common.ts";

const HOUR_MS = 3_600_000;

export class Oracle implements BenchController {
  readonly name = "oracle";
  private readonly specs: InverterSpec[];
  private readonly targetW: number[];
  private readonly writeTimes: number[][];
  private lastRaiseMs = Number.NEGATIVE_INFINITY;
  private daylight = true;

  constructor(
    inverters: LimiterInverter[],
    private readonly settings: LimiterSettings,
  ) {
    this.specs = inverters.map((inv, i) => normalise(inv, `oracle inverter ${i}`));
    this.targetW = this.specs.map((s) => s.hiW);
    this.writeTimes = this.specs.map(() => []);
  }

  input(i: LimiterInput): LimitWrite[] {
    if (i.kind === "tick") this.daylight = i.daylight;
    return [];
  }

  private budgetLeft(k: number, tMs: number): number {
    const list = this.writeTimes[k]!;
    while (list.length > 0 && list[0]! <= tMs - HOUR_MS) list.shift();
    return this.settings.maxWritesPerHour - list.length;
  }

  truth(tMs: number, loadW: number, availW: readonly number[]): LimitWrite[] {
    if (!this.daylight) return [];
    const s = this.settings;
    const allowed = s.mode === "zero_export" ? 0 : s.targetW;
    const aim = allowed - s.hysteresisW / 2;
    const future = this.specs.reduce((sum, _, k) => sum + Math.min(availW[k]!, this.targetW[k]!), 0) - loadW;
    const clipped = this.specs.some((sp, k) => this.targetW[k]! < sp.hiW && availW[k]! > this.targetW[k]!);
    let cut: boolean;
    if (future > allowed) cut = true;
    else if (future < allowed - s.hysteresisW && clipped && tMs - this.lastRaiseMs >= s.intervalS * 1000)
      cut = false;
    else return [];
    const want = loadW + aim;
    const share = waterFill(
      Math.max(0, want),
      availW.map((a) => Math.max(a, 1)),
      this.specs.map((sp) => sp.loW),
      this.specs.map((sp, k) => Math.max(sp.loW, Math.min(sp.hiW, cut ? this.targetW[k]! : sp.hiW))),
    );
    const reserve = cut ? 0 : Math.max(1, Math.ceil(s.maxWritesPerHour / 4));
    const writes: LimitWrite[] = [];
    this.specs.forEach((sp, k) => {
      const limitW = quantiseDown(sp, share[k]!);
      const moves = cut ? limitW < this.targetW[k]! : limitW > this.targetW[k]!;
      if (!moves || (!cut && limitW - this.targetW[k]! < s.hysteresisW / 2)) return;
      if (this.budgetLeft(k, tMs) <= reserve) return;
      this.writeTimes[k]!.push(tMs);
      this.targetW[k] = limitW;
      writes.push({ serial: sp.serial, limitW });
    });
    if (!cut && writes.length > 0) this.lastRaiseMs = tMs;
    return writes;
  }
}
