/**
 * The MQTT topic layout, the way zigbee2mqtt lays it out (base topic default `localecu`):
 *
 *   <base>/<name>                    inverter state, one retained JSON object (catalog keys)
 *   <base>/<name>/availability       {"state":"online"|"offline"}, retained
 *   <base>/<name>/set                commands as JSON: {"max_power":300} · {"state":"ON"} · {"poll":true}
 *   <base>/<name>/set/<key>          the same with a bare value: set/max_power ← 300, set/state ← ON
 *   <base>/<name>/set/result         the outcome of every command, not retained
 *   <base>/<name>/controls           retained: how sure we are each control works on hardware
 *   <base>/<name>/event/<key>        event entities (fault opened/cleared/repeated), never retained
 *   <base>/site                      site totals, the export limiter, the schedule, open faults; retained
 *   <base>/site/event/<key>          the site's event entities (site-wide fault findings), never retained
 *   <base>/site/set[/<key>]          the export limiter's controls (site-commands.ts); result on set/result
 *   <base>/bridge/state              {"state":"online"}, retained; the MQTT will sets offline
 *   <base>/bridge/info               {"site","base_topic","version"}, retained: what a fleet view lists
 *   <base>/bridge/devices            retained array in zigbee2mqtt's shape
 *   <base>/bridge/logging            {"level","message"} lines (refused commands for unknown devices)
 *   <base>/bridge/event              {"type":"device_removed", …} like zigbee2mqtt
 *   <base>/bridge/homeassistant      {"homeassistant_link","detail"} of the HA websocket link, retained (when configured)
 *   <prefix>/device/<id>/config      Home Assistant device discovery (prefix default `homeassistant`)
 *   <prefix>/status                  Home Assistant's birth/will: `online` → discovery is sent again
 *
 * Names come from site.yaml. In topics `+`, `#` and `/` (MQTT wildcards and level separators), control
 * characters and a leading `$` (broker-internal topics) become `_`; `bridge` and `site` are reserved.
 */

/** One MQTT publish, as the pure builders describe it and EntityPublisher sends it. */
export interface OutMessage {
  topic: string;
  payload: string;
  retain: boolean;
  qos: 0 | 1;
}

export const RESERVED_NAMES: readonly string[] = ["bridge", "site"];

/** The topic-safe form of a name (see the file comment); empty names fall back to `fallback`. */
export function topicName(name: string, fallback = "inverter"): string {
  const cleaned = name
    .trim()
    .replace(/[+#/\u0000-\u001f\u007f]/g, "_")
    .replace(/^\$+/, "_");
  return cleaned === "" ? fallback : cleaned;
}

export interface InverterTopics {
  state: string;
  availability: string;
  set: string;
  setResult: string;
  controls: string;
  event: (key: string) => string;
  setKey: (key: string) => string;
}

export function inverterTopics(base: string, name: string): InverterTopics {
  const root = `${base}/${topicName(name)}`;
  return {
    state: root,
    availability: `${root}/availability`,
    set: `${root}/set`,
    setResult: `${root}/set/result`,
    controls: `${root}/controls`,
    event: (key) => `${root}/event/${key}`,
    setKey: (key) => `${root}/set/${key}`,
  };
}

/** Empty retained payloads that delete an inverter's retained state, availability and controls. */
export function clearInverterTopics(base: string, name: string): OutMessage[] {
  const t = inverterTopics(base, name);
  return [t.state, t.availability, t.controls].map((topic) => ({ topic, payload: "", retain: true, qos: 1 }));
}

export function siteTopic(base: string): string {
  return `${base}/site`;
}

/** The site's event entities (site-wide fault findings), like an inverter's `event/<key>`. */
export function siteEventTopic(base: string, key: string): string {
  return `${base}/site/event/${key}`;
}

/** The site's controls (the export limiter): `{"export_limit": "OFF"}`, `{"export_limit_target": 300}`. */
export function siteSetTopic(base: string): string {
  return `${base}/site/set`;
}

export function bridgeTopics(base: string) {
  return {
    state: `${base}/bridge/state`,
    info: `${base}/bridge/info`,
    devices: `${base}/bridge/devices`,
    logging: `${base}/bridge/logging`,
    event: `${base}/bridge/event`,
    /** {"homeassistant_link","detail"} of the Home Assistant websocket link, retained (only when there is a link). */
    homeassistant: `${base}/bridge/homeassistant`,
  };
}

export const ONLINE = JSON.stringify({ state: "online" });
export const OFFLINE = JSON.stringify({ state: "offline" });

/** The MQTT will the controller connects with: HA then shows everything unavailable if it dies. */
export function bridgeWill(base: string): OutMessage {
  return { topic: bridgeTopics(base).state, payload: OFFLINE, retain: true, qos: 1 };
}

/**
 * Who publishes under `base`, retained: `localecu fleet` finds sites by it (with bridge/state) and shows
 * the site's name. Nothing from the configuration beyond the name goes here (no URL, no user).
 */
export function bridgeInfoMessage(
  base: string,
  site: string | undefined,
  version: string | undefined,
  /** What the source can command (the vendor ECU's start-up probe), when it says. */
  sourceControl?: Readonly<Record<string, unknown>>,
): OutMessage {
  const payload = JSON.stringify({
    site: site ?? base,
    base_topic: base,
    version: version ?? null,
    ...(sourceControl ? { source_control: sourceControl } : {}),
  });
  return { topic: bridgeTopics(base).info, payload, retain: true, qos: 1 };
}

/** HA device discovery topic; `id` must match [a-zA-Z0-9_-] (HA MQTT docs, "Discovery topic"). */
export function discoveryTopic(prefix: string, id: string): string {
  if (!/^[a-zA-Z0-9_-]+$/.test(id)) {
    throw new Error(
      `discovery id '${id}' may only hold letters, digits, '_' and '-' (Home Assistant's rule)`,
    );
  }
  return `${prefix}/device/${id}/config`;
}

export function haStatusTopic(prefix: string): string {
  return `${prefix}/status`;
}

/** What EntityPublisher subscribes to for commands. */
export function setSubscriptions(base: string): string[] {
  return [`${base}/+/set`, `${base}/+/set/+`];
}

export interface SetTopic {
  /** The name level as it appears in the topic. */
  name: string;
  /** Present for the `/set/<key>` form. */
  key?: string;
}

/** `<base>/<name>/set[/<key>]` → its parts; anything else (including our own `/set/result`) → undefined. */
export function parseSetTopic(base: string, topic: string): SetTopic | undefined {
  if (!topic.startsWith(`${base}/`)) return undefined;
  const parts = topic.slice(base.length + 1).split("/");
  const [name, set, key] = parts;
  if (!name || set !== "set" || parts.length > 3) return undefined;
  if (parts.length === 2) return { name };
  if (!key || key === "result") return undefined;
  return { name, key };
}

/**
 * Problems with a set of inverter names as topics: reserved names and names that collide once sanitised.
 * Empty when all is well; each message says which inverters and how to fix it.
 */
export function topicNameProblems(inverters: readonly { serial: string; name: string }[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const inv of inverters) {
    const t = topicName(inv.name, inv.serial);
    if (RESERVED_NAMES.includes(t)) {
      problems.push(
        `inverter ${inv.serial}: the name '${inv.name}' is reserved for <base>/${t} — give it another name in site.yaml`,
      );
    }
    const other = seen.get(t);
    if (other !== undefined) {
      problems.push(
        `inverters ${other} and ${inv.serial} would share the topic <base>/${t} — give them different names in site.yaml`,
      );
    } else seen.set(t, inv.serial);
  }
  return problems;
}

/** A base topic or discovery prefix must be a plain publish topic: no wildcards, no empty levels. */
export function topicRootProblem(what: string, topic: string): string | undefined {
  if (topic === "" || /[+#]/.test(topic) || topic.split("/").some((l) => l === "")) {
    return `${what} '${topic}' must be a plain topic without '+', '#' or empty levels (e.g. 'localecu')`;
  }
  return undefined;
}
