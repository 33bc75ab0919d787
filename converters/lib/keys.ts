/**
 * Which catalog entities the converters publish, without zhc: the controller can use the decode core and
 * these key lists with no zigbee-herdsman-converters at run time. Channel keys are the catalog's channelKey().
 */
import {
  CHANNEL_ENTITIES,
  channelKey,
  type EntityDescription,
  INVERTER_ENTITIES,
} from "../../src/entities/catalog/index.ts";

export const READ_ONLY_REASON =
  "read-only in zigbee2mqtt: it has no API to send the raw (non-ZCL) APS frames that poll or control these inverters";

/** State keys zigbee2mqtt adds to every device itself. */
const Z2M_OWNED: Readonly<Record<string, string>> = {
  linkquality: "zigbee2mqtt publishes linkquality for every device itself",
  last_seen: "zigbee2mqtt publishes last_seen itself (advanced.last_seen)",
};

/** Why a catalog entity has no zigbee2mqtt expose, or undefined when it has one. */
export function notExposedReason<S>(d: EntityDescription<S>): string | undefined {
  if (d.control) return `${d.key} is a control, ${READ_ONLY_REASON}`;
  if (d.key === "grid_profile")
    return `grid_profile is read from the protection pages by localecu's own radio; ${READ_ONLY_REASON}`;
  if (d.platform === "event")
    return `${d.key} is an event entity; zigbee2mqtt exposes have no event type (the fault_* binary sensors carry the same facts)`;
  return Z2M_OWNED[d.key];
}

export const EXPOSED_INVERTER_ENTITIES = INVERTER_ENTITIES.filter((d) => notExposedReason(d) === undefined);
export const EXPOSED_CHANNEL_ENTITIES = CHANNEL_ENTITIES.filter((d) => notExposedReason(d) === undefined);

/** Every state key the converter publishes for an inverter with `channels` inputs. */
export function exposedKeys(channels: number): string[] {
  const keys = EXPOSED_INVERTER_ENTITIES.map((d) => d.key);
  for (let i = 0; i < channels; i++)
    for (const d of EXPOSED_CHANNEL_ENTITIES) keys.push(channelKey(d.key, i));
  return keys;
}
