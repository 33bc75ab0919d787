/**
 * The one table of entity descriptions. It drives Home Assistant discovery, the zigbee2mqtt exposes of the
 * converters, the MQTT state payload, the Node-RED output and the card.
 *
 * `key` is a public contract: snake_case, equal to the state-payload key, never renamed (HA keys unique_id
 * on it). Channel entities get `_ch<n>` appended (zigbee2mqtt's endpoint convention).
 * Power reads 0 W while an inverter sleeps; energies keep their value — no "unavailable" at night.
 */
import type { ControlStatus } from "../protocol/models.ts";
import type { FaultKey, InverterSnapshot, InverterStatus, SiteSnapshot } from "./snapshot.ts";

export type Platform = "sensor" | "binary_sensor" | "number" | "switch" | "button" | "event";
export type StateClass = "measurement" | "total" | "total_increasing";

export interface EntityDescription<S> {
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
  /** sensor device_class enum */
  options?: readonly string[];
  /** Value for the state payload; undefined = unknown (published as null). */
  value?: (s: S) => number | string | boolean | null | undefined;
  /** Controls: which radio command and how sure we are it works on hardware. */
  control?: { command: "max_power" | "on_off" | "poll"; status: (s: S) => ControlStatus };
  number?: { min: (s: S) => number; max: (s: S) => number; step: number; mode: "box" | "slider" };
  /** event entities */
  eventTypes?: readonly string[];
}

export interface ChannelContext {
  snapshot: InverterSnapshot;
  /** 0-based channel index */
  index: number;
}

const kWh = (wh: number | undefined) => (wh === undefined ? undefined : round(wh / 1000, 4));
const round = (v: number, d: number) => Number(v.toFixed(d));
const awake = (s: InverterSnapshot) =>
  s.status === "producing" || s.status === "idle" || s.status === "fault";
const tel = (s: InverterSnapshot) => (awake(s) ? s.telemetry : undefined);
const fault =
  (...keys: FaultKey[]) =>
  (s: InverterSnapshot) =>
    s.telemetry === undefined ? undefined : keys.some((k) => s.telemetry!.status[k]);

export const STATUS_OPTIONS: readonly InverterStatus[] = [
  "producing",
  "idle",
  "sleeping",
  "off",
  "fault",
  "unreachable",
  "encrypted",
  "unpaired",
];

/** Fault binary sensors: key, name, flags, what the manual says to check (fault notifications use it). */
export const FAULTS: readonly { key: string; name: string; flags: FaultKey[]; check: string }[] = [
  {
    key: "fault_ground",
    name: "DC ground fault",
    flags: ["gfdi"],
    check:
      "Ground fault (GFDI, steady red LED): check the DC cabling and panel frames for insulation damage; the inverter stays locked until cleared.",
  },
  {
    key: "fault_grid_voltage",
    name: "Grid voltage fault",
    flags: ["overVoltage", "underVoltage"],
    check:
      "Grid voltage out of range (184–253 V): check the AC connection, the branch circuit and the breaker.",
  },
  {
    key: "fault_grid_frequency",
    name: "Grid frequency fault",
    flags: ["overFrequency", "underFrequency", "avgOverFrequency", "avgUnderFrequency"],
    check:
      "Grid frequency out of range (48–51 Hz): usually a grid event; if it persists, have the grid connection checked.",
  },
  {
    key: "fault_over_temperature",
    name: "Over temperature",
    flags: ["overTemperature"],
    check: "Inverter above 80 °C case temperature: check ventilation behind the panels.",
  },
  {
    key: "fault_dc",
    name: "DC side fault",
    flags: ["dcBus", "dcContactor"],
    check: "DC side fault: check the DC connectors and each panel's open-circuit voltage (max 60 V).",
  },
];

export const INVERTER_ENTITIES: readonly EntityDescription<InverterSnapshot>[] = [
  {
    key: "power",
    name: "Power",
    platform: "sensor",
    unit: "W",
    deviceClass: "power",
    stateClass: "measurement",
    precision: 0,
    description: "AC output power (0 W while sleeping)",
    value: (s) => (awake(s) ? round(s.acPowerW ?? s.telemetry?.acPowerW ?? 0, 1) : 0),
  },
  {
    key: "energy",
    name: "Lifetime energy",
    platform: "sensor",
    unit: "kWh",
    deviceClass: "energy",
    stateClass: "total_increasing",
    precision: 2,
    description: "Energy produced since the inverter was added; never decreases",
    value: (s) => kWh(s.lifetimeWh),
  },
  {
    key: "energy_today",
    name: "Energy today",
    platform: "sensor",
    unit: "kWh",
    deviceClass: "energy",
    stateClass: "total_increasing",
    precision: 2,
    description: "Energy produced since local midnight",
    value: (s) => kWh(s.todayWh),
  },
  {
    key: "ac_voltage",
    name: "AC voltage",
    platform: "sensor",
    unit: "V",
    deviceClass: "voltage",
    stateClass: "measurement",
    precision: 1,
    description: "Grid voltage measured by the inverter",
    value: (s) => maybe(tel(s)?.acVoltageV, 1),
  },
  {
    key: "ac_frequency",
    name: "AC frequency",
    platform: "sensor",
    unit: "Hz",
    deviceClass: "frequency",
    stateClass: "measurement",
    precision: 2,
    description: "Grid frequency measured by the inverter",
    value: (s) => maybe(tel(s)?.frequencyHz, 3),
  },
  {
    key: "temperature",
    name: "Temperature",
    platform: "sensor",
    unit: "°C",
    deviceClass: "temperature",
    stateClass: "measurement",
    precision: 1,
    description: "Heatsink temperature",
    value: (s) => maybe(tel(s)?.temperatureC, 1),
  },
  {
    key: "status",
    name: "Status",
    platform: "sensor",
    deviceClass: "enum",
    options: STATUS_OPTIONS,
    icon: "mdi:solar-power-variant",
    description:
      "producing, idle, sleeping (night), off, fault, unreachable, encrypted (AES-paired) or unpaired",
    value: (s) => s.status,
  },
  ...FAULTS.map(
    (f): EntityDescription<InverterSnapshot> => ({
      key: f.key,
      name: f.name,
      platform: "binary_sensor",
      deviceClass: "problem",
      entityCategory: "diagnostic",
      description: `${f.name} reported by the inverter's status bits (bit meanings from openaps, not confirmed on air)`,
      value: fault(...f.flags),
    }),
  ),
  {
    key: "fault",
    name: "Fault",
    platform: "event",
    eventTypes: ["fault_raised", "fault_cleared"],
    description: "Fires when a fault starts or clears, with what to check",
  },
  {
    key: "linkquality",
    name: "Link quality",
    platform: "sensor",
    unit: "lqi",
    stateClass: "measurement",
    entityCategory: "diagnostic",
    icon: "mdi:signal",
    enabledByDefault: false,
    description: "ZigBee link quality of the last reply (0–255)",
    value: (s) => s.linkQuality,
  },
  {
    key: "last_seen",
    name: "Last seen",
    platform: "sensor",
    deviceClass: "timestamp",
    entityCategory: "diagnostic",
    enabledByDefault: false,
    description: "When the inverter last replied",
    value: (s) => (s.lastSeenMs === undefined ? undefined : new Date(s.lastSeenMs).toISOString()),
  },
  {
    key: "max_power",
    name: "Max power",
    platform: "number",
    unit: "W",
    deviceClass: "power",
    entityCategory: "config",
    icon: "mdi:speedometer",
    description: "Output limit (per panel on QS1/YC600, per inverter on DS3), verified by reading it back",
    value: (s) => maybe(s.maxPowerW, 0),
    control: { command: "max_power", status: (s) => s.model.controls.maxPower.status },
    number: { min: (s) => s.model.limitRangeW[0], max: (s) => s.model.limitRangeW[1], step: 1, mode: "box" },
  },
  {
    key: "state",
    name: "Output",
    platform: "switch",
    icon: "mdi:power",
    description:
      "Inverter output on/off — UNVERIFIED on hardware: the command is only known from source code",
    value: (s) => (s.on === undefined ? undefined : s.on ? "ON" : "OFF"),
    control: { command: "on_off", status: (s) => s.model.controls.onOff.status },
  },
  {
    key: "poll",
    name: "Poll now",
    platform: "button",
    icon: "mdi:refresh",
    entityCategory: "diagnostic",
    description: "Ask the inverter for a reading now",
    control: { command: "poll", status: (s) => s.model.controls.poll.status },
  },
];

export const CHANNEL_ENTITIES: readonly EntityDescription<ChannelContext>[] = [
  {
    key: "dc_voltage",
    name: "DC voltage",
    platform: "sensor",
    unit: "V",
    deviceClass: "voltage",
    stateClass: "measurement",
    precision: 1,
    description: "Panel voltage",
    value: ({ snapshot, index }) => maybe(tel(snapshot)?.channels[index]?.voltageV, 2),
  },
  {
    key: "dc_current",
    name: "DC current",
    platform: "sensor",
    unit: "A",
    deviceClass: "current",
    stateClass: "measurement",
    precision: 2,
    description: "Panel current",
    value: ({ snapshot, index }) => maybe(tel(snapshot)?.channels[index]?.currentA, 3),
  },
  {
    key: "dc_power",
    name: "DC power",
    platform: "sensor",
    unit: "W",
    deviceClass: "power",
    stateClass: "measurement",
    precision: 0,
    description: "Panel power (0 W while sleeping)",
    value: ({ snapshot, index }) =>
      awake(snapshot) ? maybe(snapshot.telemetry?.channels[index]?.powerW ?? 0, 1) : 0,
  },
  {
    key: "energy",
    name: "Lifetime energy",
    platform: "sensor",
    unit: "kWh",
    deviceClass: "energy",
    stateClass: "total_increasing",
    precision: 2,
    description: "Panel energy since it was added; never decreases",
    value: ({ snapshot, index }) => kWh(snapshot.channels[index]?.lifetimeWh),
  },
  {
    key: "energy_today",
    name: "Energy today",
    platform: "sensor",
    unit: "kWh",
    deviceClass: "energy",
    stateClass: "total_increasing",
    precision: 2,
    description: "Panel energy since local midnight",
    value: ({ snapshot, index }) => kWh(snapshot.channels[index]?.todayWh),
  },
];

export const SITE_ENTITIES: readonly EntityDescription<SiteSnapshot>[] = [
  {
    key: "power",
    name: "Power",
    platform: "sensor",
    unit: "W",
    deviceClass: "power",
    stateClass: "measurement",
    precision: 0,
    description: "Total AC power of the site",
    value: (s) => round(s.powerW, 1),
  },
  {
    key: "energy",
    name: "Lifetime energy",
    platform: "sensor",
    unit: "kWh",
    deviceClass: "energy",
    stateClass: "total_increasing",
    precision: 2,
    description: "Total energy of the site; never decreases",
    value: (s) => kWh(s.lifetimeWh),
  },
  {
    key: "energy_today",
    name: "Energy today",
    platform: "sensor",
    unit: "kWh",
    deviceClass: "energy",
    stateClass: "total_increasing",
    precision: 2,
    description: "Site energy since local midnight",
    value: (s) => kWh(s.todayWh),
  },
  {
    key: "inverters_producing",
    name: "Inverters producing",
    platform: "sensor",
    stateClass: "measurement",
    icon: "mdi:solar-panel",
    description: "How many inverters are producing",
    value: (s) => s.producing,
  },
];

export function channelKey(key: string, index: number): string {
  return `${key}_ch${index + 1}`;
}

/** The zigbee2mqtt-style state payload of one inverter (one JSON object, retained). */
export function inverterState(s: InverterSnapshot): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of INVERTER_ENTITIES) if (d.value) out[d.key] = d.value(s) ?? null;
  for (let i = 0; i < s.model.channels; i++) {
    for (const d of CHANNEL_ENTITIES)
      if (d.value) out[channelKey(d.key, i)] = d.value({ snapshot: s, index: i }) ?? null;
  }
  return out;
}

export function siteState(s: SiteSnapshot): Record<string, unknown> {
  return Object.fromEntries(SITE_ENTITIES.filter((d) => d.value).map((d) => [d.key, d.value!(s) ?? null]));
}

function maybe(v: number | undefined, digits: number): number | undefined {
  return v === undefined ? undefined : round(v, digits);
}
