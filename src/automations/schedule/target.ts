/**
 * From "off / on / limit" to what an inverter is actually set to, and whether a poll shows it. Off is the
 * on/off command only where the site enables it and the model's control is confirmed on air; elsewhere
 * it is max power at the model's minimum (QS1: 20 W per panel = 80 W: a trickle, not zero).
 */
import type { ScheduleInverter, Target, Want } from "./types.ts";

export interface InverterSpec {
  inv: ScheduleInverter;
  label: string;
  /** Limit units making the whole inverter: its inputs for per-panel models, else 1. */
  units: number;
  minW: number;
  maxW: number;
  offMethod: "on-off" | "max-power";
  offMethodWhy: string;
}

export function specOf(inv: ScheduleInverter): InverterSpec {
  const m = inv.model;
  const units = m.limitPer === "panel" ? m.channels : 1;
  const [lo, hi] = m.limitRangeW;
  const minW = lo * units;
  const maxW = hi * units;
  const onOff = m.controls.onOff;
  const per = units > 1 ? ` (${units} × ${lo} W)` : "";
  const maxPower =
    m.controls.maxPower.status === "confirmed"
      ? "max power is confirmed on air"
      : `max power is itself unverified on the ${m.model} (${m.controls.maxPower.evidence})`;
  let offMethod: InverterSpec["offMethod"] = "max-power";
  let offMethodWhy: string;
  if (onOff.status === "confirmed" && inv.onOffEnabled) {
    offMethod = "on-off";
    offMethodWhy = `the on/off command: confirmed on the ${m.model} (${onOff.evidence}) and enabled`;
  } else if (onOff.status === "confirmed") {
    offMethodWhy = `max power to the ${m.model}'s minimum ${minW} W${per}: its on/off command is confirmed but not enabled for this inverter; ${maxPower}`;
  } else {
    offMethodWhy = `max power to the ${m.model}'s minimum ${minW} W${per}: its on/off command is unverified (${onOff.evidence}); ${maxPower}`;
  }
  return { inv, label: inv.label ?? inv.serial, units, minW, maxW, offMethod, offMethodWhy };
}

/** A limit in the model's unit (like the rules and max_power) → whole-inverter W within its range. */
export function wholeW(spec: InverterSpec, unitW: number): number {
  return Math.min(spec.maxW, Math.max(spec.minW, Math.round(unitW) * spec.units));
}

export function targetOf(spec: InverterSpec, want: Want, limitW?: number): Target {
  if (want === "on") return { on: true, limitW: spec.maxW };
  if (want === "off")
    return spec.offMethod === "on-off" ? { on: false, limitW: spec.maxW } : { on: true, limitW: spec.minW };
  return { on: true, limitW: limitW ?? spec.minW };
}

/** Whole-inverter W the target lets through at most: what "more restrictive" compares. */
export function ceilingW(t: Target): number {
  return t.on ? t.limitW : 0;
}

export interface Reported {
  atMs: number;
  on?: boolean;
  limitW?: number;
}

/**
 * Does the last poll show the target? Limits read back a fraction of a watt off per unit (0x21DB reads
 * 299.99 W), so a difference up to one watt per unit (at least 2 W) counts as equal.
 */
export function verify(
  spec: Pick<InverterSpec, "units">,
  target: Target,
  r: Reported | undefined,
): { verified: boolean; why: string } {
  if (!r) return { verified: false, why: "not polled yet" };
  if (!target.on) {
    if (r.on === false) return { verified: true, why: "the last poll shows it switched off" };
    return {
      verified: false,
      why: r.on === true ? "the last poll shows it still on" : "the last poll did not say whether it is on",
    };
  }
  if (r.on === false) return { verified: false, why: "the last poll shows it switched off" };
  if (r.limitW === undefined) return { verified: false, why: "its limit has not been read back yet" };
  const tol = Math.max(spec.units, 2);
  if (Math.abs(r.limitW - target.limitW) <= tol)
    return { verified: true, why: `the last poll read back ${Math.round(r.limitW)} W` };
  return {
    verified: false,
    why: `the last poll read back ${Math.round(r.limitW)} W, not ${target.limitW} W`,
  };
}
