/**
 * A Home Assistant-side checker for MQTT device discovery payloads, implementing HA's documented rules for
 * the platforms localecu uses. Sources (tables and their sources in ha-discovery-tables.ts):
 * - https://www.home-assistant.io/integrations/mqtt/ — discovery topic, "Device discovery payload" (`dev`,
 *   `o`, `cmps`; each component needs `platform` and, for entities, `unique_id`), abbreviations, `~`.
 * - HA core components/mqtt/schemas.py — device needs identifiers or connections (each connection a
 *   [type, id] pair), origin needs a name, availability list vs availability_topic are exclusive,
 *   availability_mode all/any/latest, shared root options.
 * - https://www.home-assistant.io/integrations/sensor.mqtt/ (+ mqtt/sensor.py): options only with device class
 *   enum and never with state_class/unit; last_reset_value_template only with state_class total.
 * - https://developers.home-assistant.io/docs/core/entity/sensor/ — units per device class, state classes per
 *   device class (energy: total/total_increasing only), timestamp/date/enum take no unit or state_class,
 *   enum needs options; sensors and binary sensors cannot be in entity category "config".
 * - …/integrations/number.mqtt/ (min < max, step > 0, mode), event.mqtt/ (state_topic + event_types),
 *   switch.mqtt/, button.mqtt/, binary_sensor.mqtt/.
 * Problems are returned, not thrown: [{ path, message }]. Unknown keys are reported too — HA drops them
 * silently, so in our own payloads they are always a typo.
 */

import { type Add, checkAvailability, checkComponent } from "./ha-discovery-platforms.ts";
import {
  ABBREVIATIONS,
  DEVICE_ABBREVIATIONS,
  ORIGIN_ABBREVIATIONS,
  ROOT_KEYS,
  SHARED_OPTIONS,
  SUPPORTED_PLATFORMS,
} from "./ha-discovery-tables.ts";

export interface HaProblem {
  path: string;
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function expandKeys(o: Obj, table: Readonly<Record<string, string>>): Obj {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [table[k] ?? k, v]));
}

/** `~` at the start or end of a `*_topic` (or availability `topic`) value stands for the `~` key's value. */
function substituteBase(o: Obj, base: unknown): Obj {
  if (typeof base !== "string") return o;
  const sub = (v: unknown) =>
    typeof v !== "string"
      ? v
      : v.startsWith("~")
        ? base + v.slice(1)
        : v.endsWith("~")
          ? v.slice(0, -1) + base
          : v;
  return Object.fromEntries(
    Object.entries(o).map(([k, v]) => [k, k.endsWith("_topic") || k === "topic" ? sub(v) : v]),
  );
}

export interface ExpandedDiscovery {
  root: Obj;
  device?: Obj;
  origin?: Obj;
  /** Each component with full key names, `~` applied and the root's shared options merged in. */
  components: Record<string, Obj>;
  /** Components sent as `{"p": …}` alone: HA's way to remove one component of a device. */
  removed: string[];
  /** The keys each component set itself (shared root options do not count as unknown keys). */
  ownKeys: Record<string, string[]>;
}

/** Full key names everywhere, `~` substituted, shared root options merged into each component. */
export function expandDeviceDiscovery(payload: Obj): ExpandedDiscovery {
  const root = substituteBase(expandKeys(payload, ABBREVIATIONS), (payload as Obj)["~"]);
  const availability = (list: unknown) =>
    Array.isArray(list)
      ? list.map((a) => (isObj(a) ? substituteBase(expandKeys(a, ABBREVIATIONS), root["~"]) : a))
      : list;
  if (root.availability !== undefined) root.availability = availability(root.availability);
  const shared = Object.fromEntries(SHARED_OPTIONS.filter((k) => k in root).map((k) => [k, root[k]]));
  const components: Record<string, Obj> = {};
  const removed: string[] = [];
  const ownKeys: Record<string, string[]> = {};
  if (isObj(root.components)) {
    for (const [id, c] of Object.entries(root.components)) {
      if (!isObj(c)) continue;
      const own = expandKeys(c, ABBREVIATIONS);
      if (Object.keys(own).length === 1 && typeof own.platform === "string") {
        removed.push(id);
        continue;
      }
      ownKeys[id] = Object.keys(own);
      const merged = substituteBase({ ...shared, ...own }, own["~"] ?? root["~"]);
      if (merged.availability !== undefined) merged.availability = availability(merged.availability);
      components[id] = merged;
    }
  }
  return {
    root,
    ...(isObj(root.device) ? { device: expandKeys(root.device, DEVICE_ABBREVIATIONS) } : {}),
    ...(isObj(root.origin) ? { origin: expandKeys(root.origin, ORIGIN_ABBREVIATIONS) } : {}),
    components,
    removed,
    ownKeys,
  };
}

export function checkDeviceDiscovery(topic: string, text: string): HaProblem[] {
  const problems: HaProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (!/^[^/]+(\/[^/]+)*\/device\/([a-zA-Z0-9_-]+\/)?[a-zA-Z0-9_-]+\/config$/.test(topic)) {
    add(
      "topic",
      `'${topic}' is not <prefix>/device/[<node_id>/]<object_id>/config with ids of [a-zA-Z0-9_-]`,
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (e) {
    add("payload", `not JSON: ${(e as Error).message}`);
    return problems;
  }
  if (!isObj(payload)) {
    add("payload", "must be a JSON object");
    return problems;
  }
  const x = expandDeviceDiscovery(payload);
  for (const k of Object.keys(x.root))
    if (!ROOT_KEYS.has(k)) add(k, "unknown key at the root (ignored by HA)");
  checkDevice(x.device, x.root.device, add);
  if (!x.origin) add("origin", "required: the origin block (`o`) with at least a name");
  else {
    if (typeof x.origin.name !== "string" || x.origin.name === "") add("origin.name", "required string");
    for (const k of ["sw_version", "support_url"]) {
      if (k in x.origin && typeof x.origin[k] !== "string") add(`origin.${k}`, "must be a string");
    }
    if (typeof x.origin.support_url === "string" && !/^https?:\/\//.test(x.origin.support_url)) {
      add("origin.support_url", "must be an http(s) URL");
    }
  }
  checkAvailability(x.root, "", add);
  if (!isObj(x.root.components)) add("components", "required: an object of components (`cmps`)");
  for (const [id, c] of Object.entries(x.components))
    checkComponent(c, x.ownKeys[id] ?? [], `components.${id}`, add);
  for (const id of x.removed) {
    const platform = (x.root.components as Record<string, Obj>)[id]!;
    const p = platform.p ?? platform.platform;
    if (!SUPPORTED_PLATFORMS.has(String(p)))
      add(`components.${id}.platform`, `'${String(p)}' is not an MQTT platform`);
  }
  return problems;
}

function checkDevice(device: Obj | undefined, raw: unknown, add: Add): void {
  if (!device) {
    add("device", raw === undefined ? "required: the device block (`dev`)" : "must be an object");
    return;
  }
  const ids = device.identifiers;
  const cns = device.connections;
  const has = (v: unknown) => (Array.isArray(v) ? v.length > 0 : typeof v === "string" && v !== "");
  if (!has(ids) && !has(cns))
    add("device", "needs at least one of identifiers (`ids`) or connections (`cns`)");
  if (Array.isArray(ids) && ids.some((i) => typeof i !== "string"))
    add("device.identifiers", "must be strings");
  if (cns !== undefined) {
    const ok =
      Array.isArray(cns) &&
      cns.every((c) => Array.isArray(c) && c.length === 2 && c.every((s) => typeof s === "string"));
    if (!ok) add("device.connections", 'must be a list of [type, id] pairs, e.g. [["zigbee", "0x…"]]');
  }
  for (const k of [
    "name",
    "manufacturer",
    "model",
    "model_id",
    "serial_number",
    "sw_version",
    "hw_version",
    "via_device",
    "suggested_area",
  ]) {
    if (k in device && typeof device[k] !== "string") add(`device.${k}`, "must be a string");
  }
  for (const k of Object.keys(device))
    if (!Object.values(DEVICE_ABBREVIATIONS).includes(k)) add(`device.${k}`, "unknown key (ignored by HA)");
}

/** unique_id must be unique across every discovered entity (HA keeps the first and rejects the rest). */
export function checkUniqueIds(payloads: readonly { topic: string; text: string }[]): HaProblem[] {
  const seen = new Map<string, string>();
  const problems: HaProblem[] = [];
  for (const { topic, text } of payloads) {
    const x = expandDeviceDiscovery(JSON.parse(text) as Obj);
    for (const [id, c] of Object.entries(x.components)) {
      if (typeof c.unique_id !== "string") continue;
      const where = `${topic} components.${id}`;
      const first = seen.get(c.unique_id);
      if (first)
        problems.push({ path: where, message: `unique_id '${c.unique_id}' already used by ${first}` });
      else seen.set(c.unique_id, where);
    }
  }
  return problems;
}
