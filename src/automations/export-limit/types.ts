/**
 * The export limiter's contract: what its pure core (core.ts) takes and decides. The start/stop module
 * (module.ts), the benchmark (bench/limiter) and the Node-RED limiter node all drive the same core through
 * these types, so nothing here may import MQTT, Home Assistant, the radio or a clock.
 *
 * Units: every power is whole-inverter AC watts. Per-panel limits (QS1, YC600) are converted at the edge
 * (the module), using `panels`: the core never sees per-panel values.
 * Sign: `gridW` is positive when the house imports from the grid, negative when it exports.
 */

/** One inverter the limiter may command. */
export interface LimiterInverter {
  serial: string;
  /** Lowest and highest limit it accepts, whole-inverter W (per-panel range × panels for QS1/YC600). */
  minW: number;
  maxW: number;
  /** Limits are multiples of this (QS1: 4 panels × 1 W per panel = 4 W). */
  stepW: number;
  /** Higher = cut last, raised first (default 0). */
  priority?: number;
}

export type LimiterMode =
  /** Keep export at or below `targetW`. */
  | "export_limit"
  /** Keep export at or below 0 W, whatever `targetW` says. */
  | "zero_export"
  /** Decide and report, but never write: for trying the limiter out next to another one. */
  | "monitor";

export type Fallback = "hold" | "full" | "min";

export interface LimiterSettings {
  /** Allowed export, W (0 = zero export). */
  targetW: number;
  /** Dead band around the target within which no limit changes, W. */
  hysteresisW: number;
  /** Shortest time between two raises (cuts are never delayed by it), s. */
  intervalS: number;
  /** A meter silent this long is stale → fallback, s. */
  meterTimeoutS: number;
  fallback: Fallback;
  /** Limit writes per inverter per hour (flash wear); the core never asks for more. */
  maxWritesPerHour: number;
  mode: LimiterMode;
  enabled: boolean;
}

export type LimiterInput =
  /** A grid meter sample (already in W and the right sign). */
  | { kind: "meter"; atMs: number; gridW: number }
  /** An inverter's polled AC output. */
  | { kind: "reading"; atMs: number; serial: string; acPowerW: number }
  /** A limit read back from the inverter (DE query), whole-inverter W: the only proof of what is set. */
  | { kind: "limit"; atMs: number; serial: string; limitW: number }
  /** The outcome of a write the core asked for. */
  | { kind: "write-result"; atMs: number; serial: string; limitW: number; ok: boolean; detail?: string }
  /** A link the limiter depends on (the meter's source: HA or the broker) went up or down. */
  | { kind: "link"; atMs: number; link: string; up: boolean; detail?: string }
  /** Time passing with nothing else to say; `daylight` from src/site/sun.ts (idle at night). */
  | { kind: "tick"; atMs: number; daylight: boolean }
  /** A user changed a setting (HA entity, MQTT, Node-RED). */
  | {
      kind: "settings";
      atMs: number;
      changes: Partial<Pick<LimiterSettings, "enabled" | "targetW" | "mode">>;
    };

export type LimiterStateName = "off" | "idle" | "limiting" | "fallback" | "alarm";

export interface LimitWrite {
  serial: string;
  /** Whole-inverter W, a multiple of stepW, within [minW, maxW]. */
  limitW: number;
}

export interface LimiterDecision {
  state: LimiterStateName;
  /** Why, in words a homeowner understands ("export 230 W above the allowed 0 W: cut 2 inverters"). */
  reason: string;
  /** Limits to write now; empty = nothing to do. Never more than the write budget allows. */
  writes: LimitWrite[];
  /** Σ of the limits the core holds (written or read back); undefined until every limit is known. */
  totalLimitW: number | undefined;
  /** The core's estimate of the inverters' present AC output, W. */
  estimatedOutputW: number;
  /** True when state or reason differ from the previous decision: log it once. */
  changed: boolean;
}

/**
 * What core.ts exports as `class ExportLimiter implements ExportLimiterCore`, constructed with
 * `(inverters: LimiterInverter[], settings: LimiterSettings)`. Time comes only from the inputs' `atMs`.
 */
export interface ExportLimiterCore {
  update(input: LimiterInput): LimiterDecision;
  readonly settings: Readonly<LimiterSettings>;
}
