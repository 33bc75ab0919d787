/**
 * Types and small value helpers shared by the catalog tables (inverter.ts, site.ts).
 * Import the tables through catalog.ts.
 */
import type { ControlInfo, ControlStatus, ModelInfo } from "../../protocol/models.ts";
import { protectionReadInfo } from "../../protocol/protection/evidence.ts";
import { statusReported } from "../../protocol/status.ts";
import type { FaultKey, InverterSnapshot } from "../snapshot.ts";

export type Platform = "sensor" | "binary_sensor" | "number" | "switch" | "button" | "event" | "select";
export type StateClass = "measurement" | "total" | "total_increasing";
/** The radio command a control entity sends. */
export type ControlCommand = "max_power" | "on_off" | "poll" | "read_grid_profile";

/** `R` is what a number's range depends on: the model for inverter controls, the site's limiter for its own. */
export interface EntityDescription<S, R = ModelInfo> {
  key: string;
  name: string;
  platform: Platform;
  unit?: string;
  deviceClass?: string;
  stateClass?: StateClass;
  entityCategory?: "diagnostic" | "config";
  icon?: string;
  /** suggested_display_precision */
  precision?: number;
  enabledByDefault?: boolean;
  description: string;
  /** sensor device_class enum, and a select's choices */
  options?: readonly string[];
  /** Value for the state payload; undefined = unknown (published as null). */
  value?: (s: S) => number | string | boolean | null | undefined;
  /** Controls: which radio command and how sure we are it works on hardware. */
  control?: { command: ControlCommand; status: (s: S) => ControlStatus };
  /** Number entities: the range depends on the model only (discovery and exposes know no snapshot). */
  number?: {
    min: (r: R) => number;
    max: (r: R) => number;
    step: number;
    mode: "box" | "slider";
  };
  /** event entities */
  eventTypes?: readonly string[];
  /**
   * Binary sensors whose state value is a string (the bridge's "online"/"offline"). Without it the value is
   * a JSON boolean, which HA's template renders as "True"/"False".
   */
  binaryStates?: { on: string; off: string };
  /** Sensors whose state payload key carries attributes for HA (e.g. the limiter's reason). */
  attributesKey?: string;
  /** The attribute's name in HA for `attributesKey`; default `reason`. */
  attributesName?: string;
  /** The value under `attributesKey` in the state payload, when the table builds it (undefined = null). */
  attributes?: (s: S) => unknown;
}

export interface ChannelContext {
  snapshot: InverterSnapshot;
  /** 0-based channel index */
  index: number;
}

/** The model's claim (status + evidence) behind a control command: shown next to the control everywhere. */
export function controlInfo(model: ModelInfo, command: ControlCommand): ControlInfo {
  switch (command) {
    case "max_power":
      return model.controls.maxPower;
    case "on_off":
      return model.controls.onOff;
    case "poll":
      return model.controls.poll;
    case "read_grid_profile":
      return protectionReadInfo(model.model);
  }
}

export const round = (v: number, d: number) => Number(v.toFixed(d));
export const kWh = (wh: number | undefined) => (wh === undefined ? undefined : round(wh / 1000, 4));
export const maybe = (v: number | undefined, digits: number) =>
  v === undefined ? undefined : round(v, digits);

/** Awake = the last reading is current; sleeping/off/unreachable inverters read 0 W, not stale power. */
export const awake = (s: InverterSnapshot) =>
  s.status === "producing" || s.status === "idle" || s.status === "fault";
export const tel = (s: InverterSnapshot) => (awake(s) ? s.telemetry : undefined);
/**
 * Output is not known yet (not polled since start, or never paired): power reads unknown, not 0 W, so a
 * restart or a pairing draws no dip in Home Assistant's graphs.
 */
export const outputUnknown = (s: InverterSnapshot) => s.status === "starting" || s.status === "unpaired";
/** Unknown without status bytes (the vendor ECU passes none on): no "no fault" made up from nothing. */
export const fault =
  (...keys: FaultKey[]) =>
  (s: InverterSnapshot) =>
    s.telemetry === undefined || !statusReported(s.telemetry)
      ? undefined
      : keys.some((k) => s.telemetry!.status[k]);

/**
 * The two energy sensors every level has (inverter, panel, site): kWh, energy dashboard ready. Lifetime
 * never decreases; "today" restarts at local midnight, which total_increasing reads as a meter reset.
 */
export function energySensors<S>(
  what: { lifetime: string; today: string },
  value: { lifetimeWh: (s: S) => number | undefined; todayWh: (s: S) => number | undefined },
): EntityDescription<S>[] {
  const base = {
    platform: "sensor",
    unit: "kWh",
    deviceClass: "energy",
    stateClass: "total_increasing",
    precision: 2,
  } as const;
  return [
    {
      ...base,
      key: "energy",
      name: "Lifetime energy",
      description: what.lifetime,
      value: (s) => kWh(value.lifetimeWh(s)),
    },
    {
      ...base,
      key: "energy_today",
      name: "Energy today",
      description: what.today,
      value: (s) => kWh(value.todayWh(s)),
    },
  ];
}
