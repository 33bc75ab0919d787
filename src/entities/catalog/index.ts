/**
 * The one table of entity descriptions. It drives Home Assistant discovery, the zigbee2mqtt exposes of the
 * converters, the MQTT state payload, the Node-RED output and the card.
 *
 * `key` is a public contract: snake_case, equal to the state-payload key, never renamed (HA keys unique_id
 * on it). Channel entities get `_ch<n>` appended (zigbee2mqtt's endpoint convention).
 * Power reads 0 W while an inverter sleeps; energies keep their value — no "unavailable" at night.
 *
 * The tables live in inverter.ts and site.ts; import them from here.
 */

import type { InverterSnapshot, LimiterSnapshot, ScheduleSnapshot, SiteSnapshot } from "../snapshot.ts";
import { INVERTER_ENTITIES } from "./inverter.ts";
import { limiterState } from "./limiter.ts";
import { scheduleState } from "./schedule.ts";
import { CHANNEL_ENTITIES, SITE_ENTITIES } from "./site.ts";

export {
  FAULT_EVENT_TYPES,
  FAULT_INVERTER_ENTITIES,
  FAULT_SITE_ENTITIES,
} from "./faults.ts";
export { FAULTS, INVERTER_ENTITIES, STATUS_OPTIONS } from "./inverter.ts";
export { LIMITER_ENTITIES, LIMITER_MODES, LIMITER_STATES } from "./limiter.ts";
export { SCHEDULE_ENTITIES, SCHEDULE_OVERRIDES, SCHEDULE_STATES } from "./schedule.ts";
export {
  BRIDGE_ENTITIES,
  CHANNEL_ENTITIES,
  HA_LINK_ENTITY,
  HA_LINK_OPTIONS,
  SITE_ENTITIES,
} from "./site.ts";
export {
  type ChannelContext,
  type ControlCommand,
  controlInfo,
  type EntityDescription,
  type Platform,
  type StateClass,
} from "./types.ts";

export function channelKey(key: string, index: number): string {
  return `${key}_ch${index + 1}`;
}

/** "DC voltage" on channel 0 → "Panel 1 DC voltage"; "Lifetime energy" → "Panel 1 lifetime energy". */
/**
 * "Panel S3 (B) DC voltage" when site.yaml names the panel on that input, else "Input B DC voltage":
 * what an installer reads on the map, not a channel number. (Keys stay `<key>_ch<n>`.)
 */
export function channelName(name: string, index: number, panel?: string): string {
  const lower =
    name.length > 1 && name[1] === name[1]!.toLowerCase() ? name[0]!.toLowerCase() + name.slice(1) : name;
  const input = "ABCD"[index] ?? String(index + 1);
  return panel ? `Panel ${panel} (${input}) ${lower}` : `Input ${input} ${lower}`;
}

/** The zigbee2mqtt-style state payload of one inverter (one JSON object, retained). */
export function inverterState(s: InverterSnapshot): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of INVERTER_ENTITIES) {
    if (d.value) out[d.key] = d.value(s) ?? null;
    if (d.attributes && d.attributesKey) out[d.attributesKey] = d.attributes(s) ?? null;
  }
  for (let i = 0; i < s.model.channels; i++) {
    for (const d of CHANNEL_ENTITIES)
      if (d.value) out[channelKey(d.key, i)] = d.value({ snapshot: s, index: i }) ?? null;
  }
  return out;
}

/** The site's state payload; the export limiter's and the schedule's keys join it when the site has them. */
export function siteState(
  s: SiteSnapshot,
  limiter?: LimiterSnapshot,
  schedule?: ScheduleSnapshot,
): Record<string, unknown> {
  const out = Object.fromEntries(
    SITE_ENTITIES.filter((d) => d.value).map((d) => [d.key, d.value!(s) ?? null]),
  );
  return {
    ...out,
    ...(limiter ? limiterState(limiter) : {}),
    ...(schedule ? scheduleState(schedule) : {}),
  };
}
