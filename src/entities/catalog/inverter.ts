/**
 * Inverter-level entities (one HA device per inverter). See catalog.ts for the contract on `key`.
 * Power reads 0 W while an inverter sleeps; energies keep their value — no "unavailable" at night.
 */

import type { FaultKey, InverterSnapshot, InverterStatus } from "../snapshot.ts";
import { GRID_PROFILE_ENTITY, READ_GRID_PROFILE_ENTITY } from "./grid-profile.ts";
import {
  awake,
  type EntityDescription,
  energySensors,
  fault,
  maybe,
  outputUnknown,
  round,
  tel,
} from "./types.ts";

export const STATUS_OPTIONS: readonly InverterStatus[] = [
  "producing",
  "idle",
  "sleeping",
  "off",
  "fault",
  "unreachable",
  "encrypted",
  "unpaired",
  "starting",
];

/**
 * The status bits as diagnostic binary sensors (raw readings; zigbee2mqtt's converters expose them too).
 * What to check, and whether it is a fault at all, is the fault diagnosis' job (src/automations/faults):
 * its `problem` sensor and `fault` event (faults.ts) are the one fault path.
 */
export const FAULTS: readonly { key: string; name: string; flags: FaultKey[] }[] = [
  {
    key: "fault_ground",
    name: "DC ground fault",
    flags: ["gfdi"],
  },
  {
    key: "fault_grid_voltage",
    name: "Grid voltage fault",
    flags: ["overVoltage", "underVoltage"],
  },
  {
    key: "fault_grid_frequency",
    name: "Grid frequency fault",
    flags: ["overFrequency", "underFrequency", "avgOverFrequency", "avgUnderFrequency"],
  },
  {
    key: "fault_over_temperature",
    name: "Over temperature",
    flags: ["overTemperature"],
  },
  {
    key: "fault_dc",
    name: "DC side fault",
    flags: ["dcBus", "dcContactor"],
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
    value: (s) =>
      outputUnknown(s) ? undefined : awake(s) ? round(s.acPowerW ?? s.telemetry?.acPowerW ?? 0, 1) : 0,
  },
  ...energySensors<InverterSnapshot>(
    {
      lifetime: "Energy produced since the inverter was added; never decreases",
      today: "Energy produced since local midnight",
    },
    { lifetimeWh: (s) => s.lifetimeWh, todayWh: (s) => s.todayWh },
  ),
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
      "producing, idle, sleeping (night), off, fault, unreachable, encrypted (AES-paired), unpaired or starting (not polled yet)",
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
  GRID_PROFILE_ENTITY,
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
    number: { min: (m) => m.limitRangeW[0], max: (m) => m.limitRangeW[1], step: 1, mode: "box" },
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
  READ_GRID_PROFILE_ENTITY,
];
