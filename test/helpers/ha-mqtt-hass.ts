/**
 * What Home Assistant's MQTT integration makes of localecu's retained messages, as the frontend's `hass`
 * object shows it — built by reading the broker, so a card test sees what a real HA would. The mapping
 * (HA docs integrations/mqtt, sensor.mqtt, binary_sensor.mqtt):
 * - a device discovery on `<prefix>/device/<id>/config` → `hass.devices[<id>]` with identifiers
 *   [["mqtt", dev.ids…]] (HA's device registry keys MQTT devices by the `mqtt` domain);
 * - each component → `hass.entities[default_entity_id]` with that device;
 * - its state: the value template rendered on the state topic's JSON (ha-state.ts); "None" → `unknown`;
 *   binary sensors: payload_on → `on`, payload_off → `off`; any availability topic saying offline →
 *   `unavailable`;
 * - attributes: unit_of_measurement, device_class, friendly_name ("<device> <entity name>"), plus the
 *   JSON on json_attributes_topic — the whole object without a template; with the templates localecu
 *   publishes (`{{ {"name": value_json.key} | tojson }}` and `{{ value_json.key | tojson }}`) the part they
 *   select.
 * Not modelled: entity id collisions (HA would add `_2`), last_changed, the recorder.
 */
import { expandDeviceDiscovery } from "./ha-discovery-schema.ts";
import { renderState } from "./ha-state.ts";
import type { Message } from "./process.ts";

type Obj = Record<string, unknown>;

export interface HassState {
  entity_id: string;
  state: string;
  attributes: Obj;
}

export interface Hass {
  states: Record<string, HassState>;
  entities: Record<string, { entity_id: string; device_id: string; platform: string }>;
  devices: Record<string, { id: string; name: string; identifiers: [string, string][] }>;
}

function attributesFrom(c: Obj, topics: Map<string, string>): Obj {
  const topic = c.json_attributes_topic;
  const text = typeof topic === "string" ? topics.get(topic) : undefined;
  if (text === undefined || text === "") return {};
  const json = JSON.parse(text) as Obj;
  const tpl = c.json_attributes_template;
  if (tpl === undefined) return json;
  const named = /^\{\{\s*\{"(\w+)":\s*value_json\.(\w+)\}\s*\|\s*tojson\s*\}\}$/.exec(String(tpl));
  if (named) return { [named[1]!]: json[named[2]!] };
  const whole = /^\{\{\s*value_json\.(\w+)\s*\|\s*tojson\s*\}\}$/.exec(String(tpl));
  if (whole) {
    const v = json[whole[1]!];
    return v !== null && typeof v === "object" ? (v as Obj) : {};
  }
  throw new Error(`ha-mqtt-hass: json_attributes_template ${String(tpl)} is not one this mapping knows`);
}

function available(c: Obj, topics: Map<string, string>): boolean {
  const list = Array.isArray(c.availability) ? (c.availability as Obj[]) : [];
  return list.every((a) => {
    const text = topics.get(String(a.topic));
    if (text === undefined) return false;
    const v = typeof a.value_template === "string" ? renderState(a, text).value : text;
    return v === (a.payload_available ?? "online");
  });
}

/** `hass` from every retained message seen (the last per topic wins; an empty payload deletes). */
export function hassFromMqtt(seen: readonly Message[], prefix = "homeassistant"): Hass {
  const topics = new Map<string, string>();
  for (const m of seen) topics.set(m.topic, m.payload);
  const hass: Hass = { states: {}, entities: {}, devices: {} };
  for (const [topic, text] of topics) {
    const id = new RegExp(`^${prefix}/device/([^/]+)/config$`).exec(topic)?.[1];
    if (!id || text === "") continue;
    const d = expandDeviceDiscovery(JSON.parse(text) as Obj);
    const dev = d.device ?? {};
    const deviceName = String(dev.name ?? id);
    hass.devices[id] = {
      id,
      name: deviceName,
      identifiers: ((dev.identifiers as string[]) ?? []).map((i) => ["mqtt", i] as [string, string]),
    };
    for (const c of Object.values(d.components)) {
      const entityId = c.default_entity_id;
      if (typeof entityId !== "string") continue;
      hass.entities[entityId] = { entity_id: entityId, device_id: id, platform: "mqtt" };
      const stateText = typeof c.state_topic === "string" ? topics.get(c.state_topic) : undefined;
      let state = "unknown";
      if (!available({ ...c, availability: c.availability ?? d.root.availability }, topics))
        state = "unavailable";
      else if (stateText !== undefined && stateText !== "") {
        const v = renderState(c, stateText).value;
        if (v === undefined || v === "None") state = "unknown";
        else if (c.platform === "binary_sensor")
          state = v === (c.payload_on ?? "ON") ? "on" : v === (c.payload_off ?? "OFF") ? "off" : "unknown";
        else state = v;
      }
      const attributes: Obj = { ...attributesFrom(c, topics), friendly_name: `${deviceName} ${c.name}` };
      if (c.unit_of_measurement !== undefined) attributes.unit_of_measurement = c.unit_of_measurement;
      if (c.device_class !== undefined) attributes.device_class = c.device_class;
      hass.states[entityId] = { entity_id: entityId, state, attributes };
    }
  }
  return hass;
}
