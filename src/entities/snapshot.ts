/**
 * What the sinks know about one inverter at a moment: the last decoded reading, the accounted energy,
 * the link and the controls. Built by the site layer; read by the entity catalog.
 */
import type { ModelInfo } from "../protocol/models.ts";
import type { ProtectionReading } from "../protocol/protection/types.ts";
import type { StatusFlags, Telemetry } from "../protocol/types.ts";
import type { FaultRecord } from "../site/store/faults.ts";

/** producing: replying with output; sleeping: silent at night / no DC; the rest need attention. */
export type InverterStatus =
  | "producing"
  | "idle"
  | "sleeping"
  | "off"
  | "fault"
  | "unreachable"
  | "encrypted"
  | "unpaired"
  /** Not polled yet since the controller started: power is unknown, not 0 (no dip in HA's graphs). */
  | "starting";

export interface ChannelEnergy {
  lifetimeWh: number;
  todayWh: number;
}

export interface InverterSnapshot {
  serial: string;
  name: string;
  model: ModelInfo;
  status: InverterStatus;
  /** Last reading; at night it stays, but power entities read 0 (see catalog). */
  telemetry?: Telemetry;
  /** AC power from energy-counter deltas when available, else the telemetry estimate. */
  acPowerW?: number;
  lifetimeWh: number;
  todayWh: number;
  channels: ChannelEnergy[];
  linkQuality?: number;
  lastSeenMs?: number;
  /** Verified max power (read back), W per panel or per inverter as the model says. */
  maxPowerW?: number;
  on?: boolean;
  /** Firmware version from the info reply, when known (HA's sw_version). */
  firmware?: string;
  /** ZigBee short address from pairing, when known (z2m's network_address). */
  shortAddress?: number;
  /** The panel on each input as site.yaml names it (A first), for entity names. */
  panels?: (string | undefined)[];
  /** Grid-protection settings read from the inverter, and when (read only; src/radio/protection.ts). */
  protection?: ProtectionReading;
  protectionAtMs?: number;
}

export interface SiteSnapshot {
  name: string;
  powerW: number;
  lifetimeWh: number;
  todayWh: number;
  producing: number;
  inverters: number;
}

/** The controller itself, as Home Assistant's bridge device shows it. */
export interface BridgeSnapshot {
  state: "online" | "offline";
}

export type FaultKey = keyof StatusFlags;

/** The export limiter as the site device shows it (present only when site.yaml has export_limit). */
export interface LimiterSnapshot {
  /** The user's switch: off = the limiter decides nothing and writes nothing. */
  enabled: boolean;
  /** Allowed export, W. */
  targetW: number;
  mode: "export_limit" | "zero_export" | "monitor";
  state: "off" | "idle" | "limiting" | "fallback" | "alarm";
  /** Why, in words (the state sensor's attribute). */
  reason: string;
  /** Σ of the inverters' limits, W; undefined until every limit is known. */
  totalLimitW?: number;
  /** Limit writes since local midnight. */
  writesToday: number;
  /** Upper end of the allowed-export control: Σ of the inverters' highest limits, W. */
  maxTargetW: number;
}

/** The schedule's state as the site device shows it (src/automations/schedule/module.ts). */
export interface ScheduleSnapshot {
  /** What the inverters are meant to be: on, off, limit, or mixed when they differ. */
  state: "on" | "off" | "limit" | "mixed";
  /** Why, in words, with whose cap binds when the export limiter also limits. */
  reason: string;
  /** Every inverter's last poll shows its target. */
  verified: boolean;
  /** The next foreseen change (epoch ms) and what it will be, in words; undefined when none is foreseen. */
  nextAtMs?: number;
  next?: string;
  /** The override in force: auto = rules and price decide. */
  override: "auto" | "on" | "off" | "limit";
  overrideLimitW?: number;
  overrideUntilMs?: number;
}

/**
 * A fault finding as the entities show it: the stored record without its bookkeeping (the shape of
 * src/automations/faults/types.ts Finding; the entities do not depend on the diagnosis).
 */
export type FindingView = Omit<FaultRecord, "notifiedAtMs">;

/**
 * A value or command path a source of readings never delivers. The stick delivers everything; the vendor
 * ECU's port 8899 gives per-input power but no DC voltage or current, no status bits, no protection pages,
 * no reading on demand, and commands only where its web pages were found at start.
 */
export type SourceGap =
  | "dc_voltage"
  | "dc_current"
  | "status_bits"
  | "protection"
  | "poll"
  | "max_power"
  | "on_off";

/** The source of readings as the entities see it (one per controller). */
export interface SourceView {
  kind: "stick" | "ecu";
  /** What it never delivers, each with why in words; empty for the stick. */
  gaps: Readonly<Partial<Record<SourceGap, string>>>;
  /**
   * How commands reach the inverters when not over our own radio (the vendor ECU's pages): never confirmed,
   * with the evidence and what to expect. Absent: each model's own claim applies.
   */
  commands?: { evidence: string; note: string };
}
