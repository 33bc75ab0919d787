/**
 * The typed, resolved site configuration: camelCase, defaults filled in, references resolved.
 * Every object that came from the file carries `path` (e.g. `inverters[2]`) so later checks and
 * error messages can point back at the YAML.
 */
import type { GridCodeId } from "../../commission/grid-codes.ts";
import type { ModelInfo, ModelName } from "../../protocol/models.ts";
import type { ProtectionCode } from "../../protocol/protection/types.ts";
import type { Input } from "../../protocol/types.ts";

export type { Input };

/** Where a secret comes from. `value` (inline) is non-enumerable so loggers never serialise it. */
export interface SecretRef {
  file?: string;
  env?: string;
  value?: string;
}

export interface StickConfig {
  /** As written: a serial device path or tcp://host:port. */
  port: string;
  transport: "serial" | "tcp";
  /** Set when transport is tcp. */
  host?: string;
  tcpPort?: number;
  baudRate: number;
  /** 12 upper-case hex digits, when configured. */
  ecuId?: string;
}

/** The vendor ECU on the LAN as the source of readings (port 8899), instead of a stick. */
export interface EcuConfig {
  host: string;
  port: number;
  /** Seconds between reads; never below the ECU's own inverter cycle (ECU_MIN_POLL_S). */
  pollS: number;
  /** The 12-digit id on the ECU's label, when configured; otherwise read from the ECU (0001). */
  ecuId?: string;
  /** Port of the ECU's web pages that queue commands (ECU-R-Pro, ECU-C); default 80. */
  httpPort?: number;
}

/** The ECU asks its inverters about every 300 s and has nothing newer between; faster reads make ECUs hang. */
export const ECU_MIN_POLL_S = 300;

export interface MqttConfig {
  /** External broker; when absent `embedded` is set and localecu runs its own broker. */
  url?: string;
  embedded?: { port: number; host: string };
  username?: string;
  password?: SecretRef;
  clientId?: string;
  /** MQTT 3.1.1 (4, the default) or MQTT 5. */
  protocolVersion?: 4 | 5;
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean };
  baseTopic: string;
  discoveryPrefix: string;
}

export interface HomeAssistantConfig {
  /** Unset: running as an HA add-on (the supervisor's proxy and SUPERVISOR_TOKEN). */
  url?: string;
  token: SecretRef;
}

export interface SiteInfo {
  name: string;
  timezone: string;
  latitude?: number;
  longitude?: number;
  /** Lowest expected air temperature (°C) for the cold-morning Voc check; unset = check assumes a default. */
  minTemperatureC?: number;
  energyCalibration: number;
  /** Absolute path (relative values are resolved against the folder of site.yaml). */
  dataDir: string;
  historyDays: number;
  /** The grid code the protection settings are checked against (`localecu commission`). */
  gridCode?: GridCodeId;
  /** Values the network operator asked for, replacing the grid code's, by setting code. */
  gridOverrides: Partial<Record<ProtectionCode, number>>;
}

export interface Orientation {
  tiltDeg: number;
  azimuthDeg: number;
}

/** A PV module type, datasheet values at STC. */
export interface ModuleType {
  id: string;
  path: string;
  make?: string;
  model?: string;
  wp: number;
  vocV: number;
  vmpV: number;
  impA?: number;
  iscA: number;
  tempCoeffVocPctPerC?: number;
  cells?: number;
}

export interface Panel {
  /** Stable id: the key under `panels`, an inline `id`, or `<serial>-<input>` for anonymous inline panels. */
  id: string;
  path: string;
  name?: string;
  module: ModuleType;
  /** Map array: explicit, else the array of the map cell that holds its input. */
  array?: string;
  /** Explicit, else the array's orientation. */
  orientation?: Orientation;
  /** The inverter input it is wired to, when connected. */
  inverter?: string;
  input?: Input;
}

export interface MapPosition {
  array: string;
  row?: number;
  column?: number;
  x?: number;
  y?: number;
  /** Inputs of the inverter whose panels are at this position (all mapped inputs for a whole-inverter cell). */
  inputs: Input[];
  path: string;
}

export interface InverterConfig {
  serial: string;
  path: string;
  /** As configured; `label` always has a value for display. */
  name?: string;
  label: string;
  /** From `model:` if given, else from the serial prefix; undefined for an unknown prefix. */
  model?: ModelInfo;
  modelOverride?: ModelName;
  /** Input → panel id (from the inverter entry and from its map cells). */
  channels: Partial<Record<Input, string>>;
  positions: MapPosition[];
  /** Name of the branch circuit that feeds it, if any. */
  branch?: string;
}

export interface BranchConfig {
  name: string;
  path: string;
  breakerA: number;
  inverters: string[];
}

export interface MapCell {
  inverter: string;
  row?: number;
  column?: number;
  x?: number;
  y?: number;
  /** Inputs shown in this cell; empty means "the whole inverter". */
  inputs: Input[];
  path: string;
}

export interface MapArray {
  name: string;
  path: string;
  label: string;
  orientation?: Orientation;
  /** Grid arrays have both; free arrays have neither and their cells use x/y. */
  rows?: number;
  columns?: number;
  cells: MapCell[];
}

export interface MeterSettings {
  /** A Home Assistant entity (its unit_of_measurement says W or kW). */
  entity?: string;
  /** An MQTT topic; the payload is a bare number, or JSON with the value at `valueKey` (a dotted path). */
  topic?: string;
  valueKey?: string;
  /** The meter reports export as positive. */
  invert?: boolean;
  /** Unit of an MQTT meter's value (default W). */
  unit?: "W" | "kW";
}

export interface ExportLimitSettings {
  targetW?: number;
  meter?: MeterSettings;
  intervalS?: number;
  /** Per panel (QS1/YC600) or per inverter (DS3), like the max_power control. */
  minLimitW?: number;
  maxLimitW?: number;
  hysteresisW?: number;
  maxWritesPerHour?: number;
  meterTimeoutS?: number;
  fallback?: "hold" | "full" | "min";
  /** Inverter serial → priority (higher = cut last, raised first). */
  priority?: Record<string, number>;
}

export interface FaultSettings {
  /** HA notify services ("notify.mobile_app_phone") told about every opened, repeated and cleared finding. */
  notify?: string[];
  /** A persistent notification per open finding (default true). */
  persistent?: boolean;
  noDataMinutes?: number;
  lowOutputPct?: number;
  /** Looks a suspected fault must persist before it is reported (silence needs two more). */
  confirmPolls?: number;
  minArrayPowerW?: number;
  repeatHours?: number;
}

export interface ScheduleRule {
  name?: string;
  /** "HH:MM" local time, or "sunrise"/"sunset" with an optional offset ("sunset-00:30", "sunrise+45m"). */
  at: string;
  /** Same forms as `at`: the rule is a window [at, until); without it the rule holds until the next rule. */
  until?: string;
  days?: string[];
  action: "off" | "on" | "limit";
  /** W per panel (QS1, YC600) or per inverter (DS3), like the max_power control. */
  limitW?: number;
  inverters?: string[];
}

export interface PriceSettings {
  entity: string;
  /** Cut when the price is below this, in the entity's unit (default 0). */
  below?: number;
  /** Run again only once the price is at least below + hysteresis (default 0). */
  hysteresis?: number;
  action?: "off" | "limit";
  limitW?: number;
  /** Shortest run between two price cuts, and shortest price cut, minutes (default 0). */
  minOnMinutes?: number;
  minOffMinutes?: number;
}

export interface ScheduleSettings {
  /**
   * Off by the on/off command where the model's onOff control is confirmed on air (none is today);
   * elsewhere, and by default, off is max power at the model's minimum.
   */
  useOnOff?: boolean;
  rules?: ScheduleRule[];
  price?: PriceSettings;
}

/** An automation is present only when its section is non-empty and not `enabled: false`. */
export interface AutomationsConfig {
  exportLimit?: ExportLimitSettings;
  faults?: FaultSettings;
  schedule?: ScheduleSettings;
}

export interface SiteConfig {
  /** The file name as given to parseConfig/loadConfig. */
  file: string;
  stick?: StickConfig;
  /** Set instead of `stick` when the readings come from the vendor ECU on the LAN. */
  ecu?: EcuConfig;
  mqtt: MqttConfig;
  homeassistant?: HomeAssistantConfig;
  site: SiteInfo;
  modules: ModuleType[];
  /** Every panel: named ones and inline ones, in file order. */
  panels: Panel[];
  inverters: InverterConfig[];
  branches: BranchConfig[];
  map: { arrays: MapArray[] };
  automations: AutomationsConfig;
  poll: { intervalS: number };
  /** The local page (src/web/server.ts); undefined when `web.port` is 0 or false. */
  web?: WebConfig;
}

export interface WebConfig {
  port: number;
  /** Listen address; 127.0.0.1 unless site.yaml says otherwise. */
  bind: string;
}
