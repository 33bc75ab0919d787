/**
 * Home Assistant discovery fix-ups for zigbee2mqtt (meta.overrideHaDiscoveryPayload), from the catalog.
 * zigbee2mqtt 2.x derives device_class/state_class from the expose *name*, so `dc_voltage`/`ac_voltage` get
 * neither (no long-term statistics), and it deletes `name` whenever a device_class is set, so four channels
 * would all read "Power" (ecosystem notes §2). The hook runs on each entity payload just before it is published.
 */
import type { EntityDescription } from "../../src/entities/catalog/index.ts";
import { EXPOSED_CHANNEL_ENTITIES, EXPOSED_INVERTER_ENTITIES } from "./keys.ts";

/** `{{ value_json.power_ch1 }}`, `{{ value_json["power_ch1"] }}` or `{{ value_json['power_ch1'] }}`. */
const VALUE_TEMPLATE = /value_json(?:\.(\w+)|\[\s*["'](\w+)["']\s*\])/;

export function propertyOfPayload(payload: Record<string, unknown>): string | undefined {
  const t = payload.value_template;
  if (typeof t !== "string") return undefined;
  const m = VALUE_TEMPLATE.exec(t);
  return m?.[1] ?? m?.[2];
}

/** The catalog entity behind a state key, with its channel (1-based) for `<key>_ch<n>`. */
export function entityForKey(
  key: string,
): { entity: EntityDescription<unknown>; channel?: number } | undefined {
  const inverter = EXPOSED_INVERTER_ENTITIES.find((d) => d.key === key);
  if (inverter) return { entity: inverter as EntityDescription<unknown> };
  const m = /^(\w+)_ch(\d+)$/.exec(key);
  if (!m) return undefined;
  const channelEntity = EXPOSED_CHANNEL_ENTITIES.find((d) => d.key === m[1]);
  return channelEntity
    ? { entity: channelEntity as EntityDescription<unknown>, channel: Number(m[2]) }
    : undefined;
}

export function applyCatalogToHaPayload(payload: Record<string, unknown>): void {
  const key = propertyOfPayload(payload);
  const found = key === undefined ? undefined : entityForKey(key);
  if (!found) return; // not ours (e.g. zigbee2mqtt's own linkquality sensor)
  const d = found.entity;
  payload.name = found.channel === undefined ? d.name : `${d.name} ch${found.channel}`;
  if (d.deviceClass) payload.device_class = d.deviceClass;
  if (d.stateClass) payload.state_class = d.stateClass;
  if (d.unit) payload.unit_of_measurement = d.unit;
  if (d.precision !== undefined) payload.suggested_display_precision = d.precision;
  if (d.options) payload.options = [...d.options];
  if (d.icon) payload.icon = d.icon;
  if (d.entityCategory) payload.entity_category = d.entityCategory;
  if (d.enabledByDefault === false) payload.enabled_by_default = false;
}
