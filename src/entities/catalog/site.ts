/**
 * Per-panel (channel), site and bridge entities. See catalog.ts for the contract on `key`.
 */

import type { HaLinkState } from "../../ha/types.ts";
import type { BridgeSnapshot, SiteSnapshot } from "../snapshot.ts";
import {
  awake,
  type ChannelContext,
  type EntityDescription,
  energySensors,
  maybe,
  outputUnknown,
  round,
  tel,
} from "./types.ts";

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
      outputUnknown(snapshot)
        ? undefined
        : awake(snapshot)
          ? maybe(snapshot.telemetry?.channels[index]?.powerW ?? 0, 1)
          : 0,
  },
  ...energySensors<ChannelContext>(
    {
      lifetime: "Panel energy since it was added; never decreases",
      today: "Panel energy since local midnight",
    },
    {
      lifetimeWh: ({ snapshot, index }) => snapshot.channels[index]?.lifetimeWh,
      todayWh: ({ snapshot, index }) => snapshot.channels[index]?.todayWh,
    },
  ),
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
  ...energySensors<SiteSnapshot>(
    { lifetime: "Total energy of the site; never decreases", today: "Site energy since local midnight" },
    { lifetimeWh: (s) => s.lifetimeWh, todayWh: (s) => s.todayWh },
  ),
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

/** The controller's own device. Its state payload is `<base>/bridge/state` itself. */
export const BRIDGE_ENTITIES: readonly EntityDescription<BridgeSnapshot>[] = [
  {
    key: "state",
    name: "Connection state",
    platform: "binary_sensor",
    deviceClass: "connectivity",
    entityCategory: "diagnostic",
    description: "Whether the localecu controller is running and connected to the broker (its MQTT will)",
    binaryStates: { on: "online", off: "offline" },
    value: (s) => s.state,
  },
];

/** The Home Assistant websocket link's states (src/ha/types.ts), in the order the docs explain them. */
export const HA_LINK_OPTIONS = ["connecting", "up", "down", "auth_failed", "off"] as const;

/**
 * On the bridge device, only when the controller has an HA link: its state on `<base>/bridge/homeassistant`
 * and, as attributes, that JSON (the state and the human-readable detail, which never holds the token).
 */
export const HA_LINK_ENTITY: EntityDescription<HaLinkState> = {
  key: "homeassistant_link",
  name: "Home Assistant link",
  platform: "sensor",
  deviceClass: "enum",
  options: HA_LINK_OPTIONS,
  entityCategory: "diagnostic",
  icon: "mdi:home-assistant",
  description:
    "The websocket link to Home Assistant (meter and price entities, services): connecting, up, down (retrying), auth_failed (fix the token setting named in the detail), off",
  value: (s) => s.state,
};
