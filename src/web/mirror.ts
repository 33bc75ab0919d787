/**
 * The local page's `hass`: what the controller publishes (discovery and retained state, seen as it is
 * sent), turned into the shape Home Assistant's frontend hands a card (src/web/card/hass.ts), so the same
 * card runs without Home Assistant. It reads only the template forms our discovery writes
 * (`{{ value_json.<key> }}`, the attribute templates in discovery.ts); anything else reads unknown.
 */
import type { HassDeviceEntry, HassEntityState } from "./card/hass.ts";

type Obj = Record<string, unknown>;

/** An entity entry with what the page's tables need besides HA's fields: the catalog key. */
export interface MirrorEntity {
  entity_id: string;
  device_id: string;
  platform: string;
  key: string;
}

export interface MirrorHass {
  states: Record<string, HassEntityState>;
  entities: Record<string, MirrorEntity>;
  devices: Record<string, HassDeviceEntry>;
}

interface Tracked {
  entity: MirrorEntity;
  name: string;
  stateTopic?: string;
  valueKey?: string;
  attrTopic?: string;
  attrTemplate?: string;
  on?: string;
  off?: string;
  unit?: string;
  deviceClass?: string;
}

/** Characters: entity state payloads are far smaller (an inverter's state is ~1 KB). */
const KEEP_UNREAD_UP_TO = 16 * 1024;

const VALUE = /^\{\{\s*value_json\.(\w+)\s*\}\}$/;
const NAMED_ATTR = /^\{\{\s*\{"(\w+)":\s*value_json\.(\w+)\}\s*\|\s*tojson\s*\}\}$/;
const WHOLE_ATTR = /^\{\{\s*value_json\.(\w+)\s*\|\s*tojson\s*\}\}$/;

export class HassMirror {
  private readonly topics = new Map<string, string>();
  private readonly devices = new Map<string, { device: HassDeviceEntry; entities: Tracked[] }>();
  private readonly listeners = new Set<(changed: string[]) => void>();

  constructor(private readonly discoveryPrefix: string) {}

  /** Every message the controller publishes; retained ones are state, the rest are ignored. */
  take(topic: string, payload: string, retain: boolean): void {
    if (!retain) return;
    const id = topic.startsWith(`${this.discoveryPrefix}/device/`) ? topic.split("/")[2] : undefined;
    if (id !== undefined && topic.endsWith("/config")) this.takeDiscovery(id, payload);
    else if (payload === "" || !this.worthKeeping(topic, payload)) this.topics.delete(topic);
    else this.topics.set(topic, payload);
    const changed = this.entitiesOn(topic);
    if (changed.length > 0 || id !== undefined) for (const l of this.listeners) l(changed);
  }

  /** Called with the entity ids whose state changed (empty when the device list changed). */
  onChange(listener: (changed: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  hass(): MirrorHass {
    const out: MirrorHass = { states: {}, entities: {}, devices: {} };
    for (const [id, d] of this.devices) {
      out.devices[id] = d.device;
      for (const t of d.entities) {
        out.entities[t.entity.entity_id] = t.entity;
        out.states[t.entity.entity_id] = this.stateOf(t);
      }
    }
    return out;
  }

  /** The states of some entities (for an update). */
  states(ids: readonly string[]): Record<string, HassEntityState> {
    const out: Record<string, HassEntityState> = {};
    for (const d of this.devices.values())
      for (const t of d.entities)
        if (ids.includes(t.entity.entity_id)) out[t.entity.entity_id] = this.stateOf(t);
    return out;
  }

  /**
   * Topic → the entities it feeds, kept in step with each device's discovery (a scan per message cost 500
   * inverters 40 % of the controller's CPU; rebuilding it whole on each discovery made start-up O(N²)).
   */
  private readonly byTopic = new Map<string, string[]>();

  /**
   * A payload an entity reads is kept; so is a small one no entity reads yet (a state can go out before
   * its discovery: the bridge's does). A large one nothing reads is not: bridge/devices is ~10 KB per
   * inverter, 10 MB of string at 500, and no card entity shows it.
   */
  private worthKeeping(topic: string, payload: string): boolean {
    return payload.length <= KEEP_UNREAD_UP_TO || this.byTopic.has(topic);
  }

  private entitiesOn(topic: string): string[] {
    return [...(this.byTopic.get(topic) ?? [])];
  }

  private index(entities: readonly Tracked[], add: boolean): void {
    for (const t of entities)
      for (const on of new Set([t.stateTopic, t.attrTopic])) {
        if (on === undefined) continue;
        const ids = this.byTopic.get(on) ?? [];
        const next = add ? [...ids, t.entity.entity_id] : ids.filter((id) => id !== t.entity.entity_id);
        if (next.length > 0) this.byTopic.set(on, next);
        else this.byTopic.delete(on);
      }
  }

  private takeDiscovery(id: string, payload: string): void {
    const before = this.devices.get(id);
    if (payload === "") {
      if (before) this.index(before.entities, false);
      this.devices.delete(id);
      return;
    }
    const config = JSON.parse(payload) as { dev?: Obj; cmps?: Record<string, Obj> };
    const ids = Array.isArray(config.dev?.ids) ? (config.dev.ids as string[]) : [id];
    const deviceName = typeof config.dev?.name === "string" ? config.dev.name : id;
    const entities: Tracked[] = [];
    for (const [key, c] of Object.entries(config.cmps ?? {})) {
      if (typeof c.def_ent_id !== "string") continue; // a removal stub
      const str = (k: string) => (typeof c[k] === "string" ? (c[k] as string) : undefined);
      entities.push({
        entity: { entity_id: c.def_ent_id, device_id: id, platform: String(c.p), key },
        name: `${deviceName} ${str("name") ?? key}`,
        stateTopic: str("stat_t"),
        valueKey: VALUE.exec(str("val_tpl") ?? "")?.[1],
        attrTopic: str("json_attr_t"),
        attrTemplate: str("json_attr_tpl"),
        on: str("stat_on") ?? str("pl_on"),
        off: str("stat_off") ?? str("pl_off"),
        unit: str("unit_of_meas"),
        deviceClass: str("dev_cla"),
      });
    }
    if (before) this.index(before.entities, false);
    this.devices.set(id, {
      device: { id, name: deviceName, identifiers: ids.map((i) => ["mqtt", i]) },
      entities,
    });
    this.index(entities, true);
  }

  private stateOf(t: Tracked): HassEntityState {
    const attributes: Obj = { friendly_name: t.name, ...this.attributesOf(t) };
    if (t.unit) attributes.unit_of_measurement = t.unit;
    if (t.deviceClass) attributes.device_class = t.deviceClass;
    return { entity_id: t.entity.entity_id, state: this.valueOf(t), attributes };
  }

  private valueOf(t: Tracked): string {
    const json = this.json(t.stateTopic);
    if (json === undefined || t.valueKey === undefined) return "unknown";
    const v = json[t.valueKey];
    if (v === null || v === undefined) return "unknown";
    // HA renders JSON booleans the Python way before comparing with payload_on/off.
    const text =
      typeof v === "boolean" ? (v ? "True" : "False") : typeof v === "object" ? JSON.stringify(v) : String(v);
    if (t.entity.platform === "binary_sensor" || t.entity.platform === "switch")
      return text === (t.on ?? "ON") ? "on" : text === (t.off ?? "OFF") ? "off" : "unknown";
    return text;
  }

  private attributesOf(t: Tracked): Obj {
    const json = this.json(t.attrTopic);
    if (json === undefined) return {};
    if (t.attrTemplate === undefined) return json;
    const named = NAMED_ATTR.exec(t.attrTemplate);
    if (named) return { [named[1]!]: json[named[2]!] };
    const whole = WHOLE_ATTR.exec(t.attrTemplate);
    const v = whole ? json[whole[1]!] : undefined;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {};
  }

  private json(topic: string | undefined): Obj | undefined {
    const text = topic === undefined ? undefined : this.topics.get(topic);
    if (text === undefined) return undefined;
    try {
      const v = JSON.parse(text) as unknown;
      return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
    } catch {
      return undefined;
    }
  }
}
