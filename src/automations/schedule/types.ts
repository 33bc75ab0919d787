/**
 * The schedule's contract: what its pure core (core.ts) takes and decides. The start/stop module, HA
 * entities and tests drive the same core through these types, so nothing here may import MQTT, Home
 * Assistant, the radio or a clock: time, the price and the override arrive as inputs.
 *
 * Units: limits in inputs (rules, overrides) are in the model's own unit, like the max_power control
 * (W per panel for QS1/YC600, per inverter for DS3); everything the core decides is whole-inverter W, the
 * export limiter's unit, so the two can be merged (combine.ts).
 */
import type { ModelInfo } from "../../protocol/models.ts";

export interface ScheduleInverter {
  serial: string;
  /** For reasons; the serial when absent. */
  label?: string;
  model: ModelInfo;
  /**
   * The site allows the on/off command for this inverter. Off uses it only when this is set AND the
   * model's onOff control is confirmed on air; otherwise max power goes to the model's minimum.
   */
  onOffEnabled?: boolean;
}

export interface ScheduleSite {
  /** IANA zone the rules' times are read in (site.timezone). */
  timezone: string;
  latitude?: number;
  longitude?: number;
}

export type OverrideMode = "on" | "off" | "limit" | "auto";

export type ScheduleInput =
  /** Time passing. Every input carries the time; a tick carries nothing else. */
  | { kind: "tick"; atMs: number }
  /** The price entity's state: a number in its unit (e.g. €/kWh), or unavailable/unknown. */
  | { kind: "price"; atMs: number; price: number | "unavailable"; unit?: string }
  /**
   * A grid operator's request or a person's wish (HA switch, MQTT). `auto` clears it. `limitW` is in the
   * model's unit, like the rules. Without `inverters` it applies to every inverter.
   */
  | {
      kind: "override";
      atMs: number;
      mode: OverrideMode;
      limitW?: number;
      untilMs?: number;
      /** Who asked, for the reason: "user", "grid operator" (default "user"). */
      by?: string;
      inverters?: string[];
    }
  /** What the last poll showed: on/off where known, and the read-back limit in whole-inverter W. */
  | { kind: "state"; atMs: number; serial: string; on?: boolean; limitW?: number };

export type Want = "on" | "off" | "limit";

/** What the inverter should be set to. */
export interface Target {
  /** False only when the on/off command switches it off. */
  on: boolean;
  /** Max power, whole-inverter W: the model's maximum for "on", its minimum for "off" by max power. */
  limitW: number;
}

export type Source = "override" | "rule" | "price" | "default";

export interface Transition {
  atMs: number;
  want: Want;
  /** Whole-inverter W for "limit". */
  limitW?: number;
  target: Target;
  reason: string;
}

export interface InverterDecision {
  serial: string;
  want: Want;
  /** Whole-inverter W for "limit". */
  limitW?: number;
  target: Target;
  /** How this inverter is switched off: the on/off command, or max power to its minimum. */
  offMethod: "on-off" | "max-power";
  /** Why that method ("on/off is unverified on the QS1 …: max power to its minimum 80 W instead"). */
  offMethodWhy: string;
  source: Source;
  /** Why this state, in words ("rule 'night' 22:00–06:00", "negative price −0.03 €/kWh below 0.00"). */
  reason: string;
  /** The last poll shows the target. */
  verified: boolean;
  verifiedWhy: string;
  /** The next change of target the core can foresee (rules, override expiry, price minimum times). */
  next?: Transition;
}

export interface ScheduleDecision {
  atMs: number;
  /** "mixed" when inverters want different things. */
  state: Want | "mixed";
  reason: string;
  inverters: InverterDecision[];
  /** The earliest foreseen change over all inverters, and which inverters it concerns. */
  next?: Transition & { serials: string[] };
  /** True when any inverter's want, limit or reason differs from the previous decision: log it once. */
  changed: boolean;
}
