/**
 * Fault diagnosis: what its pure core (core.ts) takes and what it reports. The start/stop module, the
 * benchmark (bench/faults) and the tests drive the same core through these types, so nothing here may
 * import MQTT, Home Assistant, the radio, the store or a clock: time is always an input's `atMs`.
 */
import type { GridCodeId } from "../../commission/grid-codes.ts";
import type { ModelInfo } from "../../protocol/models.ts";
import type { ProtectionCode, ProtectionReading } from "../../protocol/protection/types.ts";
import type { Input, Telemetry } from "../../protocol/types.ts";

/** Where the homeowner should look first: the manual's troubleshooting order as categories. */
export type Cause = "communication" | "inverter" | "grid" | "dc" | "installation" | "controller";

/** info: worth knowing; warning: losing energy or heading for trouble; fault: not producing; danger: unsafe. */
export type Severity = "info" | "warning" | "fault" | "danger";

export type FindingKind =
  | "ground_fault"
  | "not_producing"
  | "no_data"
  | "erratic_data"
  | "encrypted"
  | "site_silent"
  | "grid"
  | "grid_site"
  | "dc_open"
  | "dc_voltage"
  | "dc_danger"
  | "over_temperature"
  | "hot_heatsink"
  | "underperforming"
  | "stick_link"
  | "stick_reset"
  | "store_error"
  | "grid_settings";

export interface Finding {
  /** `<kind>:<subject>` (subject = serial, panel id or "site"): stable across restarts, one per problem. */
  key: string;
  kind: FindingKind;
  serial?: string;
  /** Panel id (site.yaml) for panel findings. */
  panel?: string;
  cause: Cause;
  severity: Severity;
  /** Short, for a list: "Ground fault: South top left". */
  title: string;
  /** What an installer would say: where, what is seen since when, what to check, in order. */
  advice: string;
  /**
   * False when the finding rests on a status-bit meaning taken from others' source code and never seen
   * on hardware (src/protocol/status.ts); true when it rests on measured values or on silence.
   */
  verified: boolean;
  openedAtMs: number;
  clearedAtMs?: number;
  /** When it was last reported (opened or repeated). */
  notifiedAtMs: number;
}

export interface FaultChanges {
  opened: Finding[];
  cleared: Finding[];
  /** Still open after `repeatHours`: report again. */
  repeated: Finding[];
  /** Every open finding after this input, oldest first. */
  open: Finding[];
  /**
   * Serials whose suspected problem needs another look before it counts: poll them again soon (about a
   * minute) and send a `round`, so a fault is confirmed within one poll interval instead of several.
   */
  recheck: string[];
}

/** A panel as the diagnosis needs it: which input, its name and orientation (for sibling comparisons). */
export interface LayoutPanel {
  id: string;
  input: Input;
  /** Display name, e.g. "S1"; defaults to the id. */
  name?: string;
  tiltDeg?: number;
  azimuthDeg?: number;
  /** Module rating at STC; lets panels of different ratings be compared per Wp. */
  wp?: number;
}

export interface LayoutInverter {
  serial: string;
  /** What the homeowner calls it ("South top left"); defaults to the serial. */
  label?: string;
  /** Where it is on the map, e.g. "south roof, row 1 col 1". */
  position?: string;
  model?: ModelInfo;
  /** Connected panels; empty = unknown wiring (an input then counts as connected once it has shown voltage). */
  panels: LayoutPanel[];
}

/**
 * Where the readings come from (src/controller/source.ts `ReadingSource.kind`): the stick localecu drives,
 * or the vendor ECU on the LAN, which polls its inverters itself. The findings are the same; what to check
 * is not (an ECU owner has no stick to unplug), so the words follow the source.
 */
export type FaultSource = "stick" | "ecu";

export interface FaultLayout {
  inverters: LayoutInverter[];
  /** Default "stick". */
  source?: FaultSource;
  /** IANA zone for times in advice ("since 10:42"), e.g. Europe/Amsterdam. */
  timezone: string;
  /**
   * What the protection settings are held to (site.yaml site.grid_code / site.grid_overrides). Without a
   * code the inverters are still compared with each other.
   */
  grid?: { code?: GridCodeId; overrides?: Partial<Record<ProtectionCode, number>> };
}

/** The core's settings, resolved (settings.ts fills them from site.yaml automations.faults). */
export interface DiagnosisSettings {
  /**
   * Looks (polls or rechecks) a suspected condition must persist before a finding opens; silence needs two
   * more (a lost poll is common). Status bits the inverter raises itself open at the first look.
   */
  confirmPolls: number;
  /** Daylight silence before a lone inverter (none to compare with) counts as lost, min. */
  noDataMinutes: number;
  /** A panel below this % of its same-orientation siblings over a sunny day is underperforming. */
  lowOutputPct: number;
  /** Panel comparisons use only polls where the sibling group gives at least this, W. */
  minArrayPowerW: number;
  /** Report an open finding again after this many hours; 0 = never. */
  repeatHours: number;
}

export type FaultInput =
  /** An inverter answered a poll; the decoded telemetry. */
  | { kind: "reading"; atMs: number; telemetry: Telemetry }
  /**
   * An inverter was polled and did not answer (or answered AES-scrambled: `encrypted`, stick only). With
   * the ECU: the ECU's last round listed it offline, or the ECU had no inverter data at all.
   */
  | { kind: "no-reply"; atMs: number; serial: string; encrypted?: boolean }
  /**
   * A poll round (or a recheck) is over: judge the inverters polled since the last round. `sunElevationDeg`
   * from src/site/sun.ts solarPosition at the site. Send one per round, also while the stick is down.
   */
  | { kind: "round"; atMs: number; sunElevationDeg: number }
  /**
   * The source's link (radio link events): the stick's serial/TCP link, or whether the vendor ECU answers
   * (its poller says "not answering" only after several failed polls, so no grace is added for it).
   */
  | { kind: "stick-link"; atMs: number; up: boolean; detail?: string }
  /** The stick rebooted by itself (SYS_RESET_IND outside our own bring-up). */
  | { kind: "stick-reset"; atMs: number; detail?: string }
  /** The store failed a write (`ok: false`) or works again (`ok: true`). */
  | { kind: "store"; atMs: number; ok: boolean; detail?: string }
  /** A command switched an inverter off or on, or a limit was set (whole-inverter W): not a fault. */
  | { kind: "control"; atMs: number; serial: string; on?: boolean; limitW?: number }
  /** An inverter's grid-protection pages were read (the controller reads them once after start or pairing). */
  | { kind: "protection"; atMs: number; reading: ProtectionReading };

/** What core.ts exports as `class FaultDiagnosis implements FaultDiagnosisCore`. */
export interface FaultDiagnosisCore {
  update(input: FaultInput): FaultChanges;
  /** Puts findings the store kept back as open (after a restart), so they are not reported again. */
  restore(open: readonly Finding[]): void;
  readonly settings: Readonly<DiagnosisSettings>;
}
