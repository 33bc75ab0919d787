/**
 * The edge between the inverters' own limit units and the core's: QS1 and YC600 take a limit per panel
 * (every input gets the same cap), DS3 one per inverter. The core only ever sees whole-inverter watts, so a
 * QS1's 4 inputs × 300 W per panel is 1200 W to the core, and the core's 1000 W comes back as 250 W per panel.
 */
import type { ModelInfo } from "../../protocol/models.ts";
import type { ExportLimitSettings, InverterConfig } from "../../site/config/types.ts";
import type { LimiterInverter } from "./types.ts";

export interface LimitedInverter extends LimiterInverter {
  model: ModelInfo;
  /** How many limit units make the whole inverter: its inputs for a per-panel model, else 1. */
  units: number;
}

/**
 * The inverters the limiter may command, with site.yaml's min_limit_w/max_limit_w (in the model's own
 * unit, like the max_power control) narrowing the model's range. Models whose output we cannot
 * read (YC1000: no telemetry decoder) and unknown models are left out.
 */
export function limiterInverters(
  inverters: readonly Pick<InverterConfig, "serial" | "model">[],
  s: Pick<ExportLimitSettings, "minLimitW" | "maxLimitW" | "priority">,
): LimitedInverter[] {
  const out: LimitedInverter[] = [];
  for (const inv of inverters) {
    const model = inv.model;
    // Without decoded telemetry (YC1000) the limiter could never see what an inverter gives.
    if (!model || model.telemetryCmd === undefined) continue;
    const units = model.limitPer === "panel" ? model.channels : 1;
    const [lo, hi] = model.limitRangeW;
    const minUnit = Math.ceil(clamp(s.minLimitW ?? lo, lo, hi));
    const maxUnit = Math.floor(clamp(s.maxLimitW ?? hi, minUnit, hi));
    const li: LimitedInverter = {
      serial: inv.serial,
      model,
      units,
      minW: minUnit * units,
      maxW: maxUnit * units,
      // Whole watts per unit: the wire resolution is finer (QS1 ≈ 0.035 W, DS3 0.06 W), but a watt is plenty.
      stepW: units,
    };
    const priority = s.priority?.[inv.serial];
    if (priority !== undefined) li.priority = priority;
    out.push(li);
  }
  return out;
}

/** The core's whole-inverter write → the value for the max_power command (W per panel or per inverter). */
export function toUnitW(inv: Pick<LimitedInverter, "units">, wholeW: number): number {
  return Math.round(wholeW / inv.units);
}

/**
 * A limit read back from the inverter (per unit, a fraction of a watt off: 0x21DB reads as 299.99 W) →
 * whole-inverter W, rounded to the whole watt per unit the limiter writes, so our own write reads back equal.
 */
export function toWholeW(inv: Pick<LimitedInverter, "units">, unitW: number): number {
  return Math.round(unitW) * inv.units;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
