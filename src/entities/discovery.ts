/**
 * Home Assistant MQTT device discovery, built from the catalog: one payload per device on
 * `<prefix>/device/<id>/config` with `dev`, `o` and `cmps` (HA docs, integrations/mqtt "Device discovery
 * payload"). Devices: one per inverter (`localecu_<serial>`), the site and the bridge (this controller);
 * inverters and the site hang off the bridge through `via_device`.
 *
 * Keys use HA's documented abbreviations. Every entity reads the device's JSON state with
 * `{{ value_json.<key> }}`; controls also carry `json_attributes_topic` = `<base>/<name>/controls`, which
 * says whether each control is confirmed on air or unverified (see state.ts); on a source that lacks some
 * values (the vendor ECU) the Status sensor reads what and why from the same topic (source.ts).
 * Pure builders: no I/O here; EntityPublisher sends what they return.
 */
import { readFileSync } from "node:fs";
import { FAULT_INVERTER_ENTITIES, FAULT_SITE_ENTITIES } from "./catalog/faults.ts";
import {
  BRIDGE_ENTITIES,
  CHANNEL_ENTITIES,
  channelKey,
  channelName,
  type EntityDescription,
  HA_LINK_ENTITY,
  INVERTER_ENTITIES,
  LIMITER_ENTITIES,
  SCHEDULE_ENTITIES,
  SITE_ENTITIES,
} from "./catalog/index.ts";
import type { InverterSnapshot, LimiterSnapshot, ScheduleSnapshot, SourceView } from "./snapshot.ts";
import { keysNotProvided, SOURCE_ATTRIBUTES_KEY, sourceAttributes } from "./source.ts";
import {
  bridgeTopics,
  clearInverterTopics,
  discoveryTopic,
  inverterTopics,
  type OutMessage,
  siteEventTopic,
  siteSetTopic,
  siteTopic,
} from "./topics.ts";

export interface Origin {
  name: string;
  sw?: string;
  url?: string;
}

export interface DiscoveryContext {
  baseTopic: string;
  discoveryPrefix: string;
  /** Stable id of this controller (e.g. the ECU id): the bridge and site device ids derive from it. */
  bridgeId: string;
  origin: Origin;
  /** zigbee-herdsman-style IEEE of the coordinator (ids.ts coordinatorIeee), shown as a connection. */
  coordinatorIeee?: string;
}

export type Component = Record<string, unknown>;

export interface DeviceConfig {
  dev: Record<string, unknown>;
  o: Origin;
  cmps: Record<string, Component>;
  avty?: { t: string; val_tpl: string }[];
  avty_mode?: "all";
  qos: 1;
}

export interface DeviceDiscovery {
  id: string;
  topic: string;
  config: DeviceConfig;
}

/** name "localecu", version and (when package.json has one) homepage as the support URL. */
export function defaultOrigin(): Origin {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version?: string;
    homepage?: string;
  };
  return {
    name: "localecu",
    ...(pkg.version ? { sw: pkg.version } : {}),
    ...(pkg.homepage ? { url: pkg.homepage } : {}),
  };
}

/** Lower-case [a-z0-9_] form for entity ids (HA's slugify keeps only these). */
export function slug(text: string): string {
  return text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

export const inverterDeviceId = (serial: string) => `localecu_${serial}`;
export const bridgeDeviceId = (ctx: DiscoveryContext) => `localecu_bridge_${slug(ctx.bridgeId)}`;
export const siteDeviceId = (ctx: DiscoveryContext) => `localecu_site_${slug(ctx.bridgeId)}`;

const valueTemplate = (key: string) => `{{ value_json.${key} }}`;

interface Wiring {
  uniquePrefix: string;
  /** slug that entity ids start with (the device name) */
  entityPrefix: string;
  stateTopic: string;
  setTopic?: string;
  controlsTopic?: string;
  eventTopic?: (key: string) => string;
}

/** One `cmps` entry from a catalog description. */
export function component<S, R>(d: EntityDescription<S, R>, key: string, name: string, w: Wiring): Component {
  const c: Component = {
    p: d.platform,
    uniq_id: `${w.uniquePrefix}_${key}`,
    def_ent_id: `${d.platform}.${w.entityPrefix}_${key}`,
    name,
  };
  if (d.deviceClass) c.dev_cla = d.deviceClass;
  if (d.entityCategory) c.ent_cat = d.entityCategory;
  if (d.icon) c.ic = d.icon;
  if (d.enabledByDefault === false) c.en = false;
  if (d.platform === "sensor" || d.platform === "number") if (d.unit) c.unit_of_meas = d.unit;
  if (d.control && w.controlsTopic) {
    c.json_attr_t = w.controlsTopic;
    c.json_attr_tpl = `{{ value_json.${key} | tojson }}`;
  }
  if (d.attributesKey) {
    // The reason sits beside the state in the same payload; HA shows it as the `reason` attribute.
    c.json_attr_t = w.stateTopic;
    c.json_attr_tpl = `{{ {"${d.attributesName ?? "reason"}": value_json.${d.attributesKey}} | tojson }}`;
  }
  switch (d.platform) {
    case "sensor":
      Object.assign(c, { stat_t: w.stateTopic, val_tpl: valueTemplate(key) });
      if (d.stateClass) c.stat_cla = d.stateClass;
      if (d.precision !== undefined) c.sug_dsp_prc = d.precision;
      if (d.options) c.ops = [...d.options];
      break;
    case "binary_sensor":
      Object.assign(c, {
        stat_t: w.stateTopic,
        val_tpl: valueTemplate(key),
        // JSON true/false render as Python's True/False in HA's template.
        pl_on: d.binaryStates?.on ?? "True",
        pl_off: d.binaryStates?.off ?? "False",
      });
      break;
    case "number":
      Object.assign(c, {
        stat_t: w.stateTopic,
        val_tpl: valueTemplate(key),
        cmd_t: w.setTopic,
        cmd_tpl: `{"${key}": {{ value }}}`,
        step: d.number?.step ?? 1,
        mode: d.number?.mode ?? "box",
      });
      break;
    case "switch":
      Object.assign(c, {
        stat_t: w.stateTopic,
        val_tpl: valueTemplate(key),
        cmd_t: w.setTopic,
        pl_on: JSON.stringify({ [key]: "ON" }),
        pl_off: JSON.stringify({ [key]: "OFF" }),
        stat_on: "ON",
        stat_off: "OFF",
      });
      break;
    case "select":
      Object.assign(c, {
        stat_t: w.stateTopic,
        val_tpl: valueTemplate(key),
        cmd_t: w.setTopic,
        cmd_tpl: `{"${key}": "{{ value }}"}`,
        ops: [...(d.options ?? [])],
      });
      break;
    case "button":
      Object.assign(c, { cmd_t: w.setTopic, pl_prs: JSON.stringify({ [key]: true }) });
      break;
    case "event":
      Object.assign(c, { stat_t: w.eventTopic?.(key), event_types: [...(d.eventTypes ?? [])] });
      break;
  }
  return c;
}

function bridgeAvailability(ctx: DiscoveryContext) {
  return { t: bridgeTopics(ctx.baseTopic).state, val_tpl: "{{ value_json.state }}" };
}

/**
 * Everything of a snapshot that inverterDiscovery reads (the context and the faults flag are fixed per
 * publisher): equal keys give equal discovery, so a reading that changes none of it skips building and
 * stringifying the whole payload (~60 components). Keep it in step with inverterDiscovery below.
 */
export function inverterDiscoveryKey(s: InverterSnapshot): string {
  const m = s.model;
  return JSON.stringify([s.serial, s.name, m.model, m.channels, m.limitRangeW, s.firmware, s.panels]);
}

/**
 * `opts.faults`: the fault module runs, so its problem sensor and fault event join the device.
 * `opts.source`: a source that lacks some values or controls (the vendor ECU, source.ts): those get no
 * entity, and the Status sensor's attributes (from the controls topic) say which and why.
 */
export function inverterDiscovery(
  ctx: DiscoveryContext,
  s: InverterSnapshot,
  opts: { faults?: boolean; source?: SourceView } = {},
): DeviceDiscovery {
  const id = inverterDeviceId(s.serial);
  const topics = inverterTopics(ctx.baseTopic, s.name);
  const w: Wiring = {
    uniquePrefix: id,
    entityPrefix: slug(s.name) || s.serial,
    stateTopic: topics.state,
    setTopic: topics.set,
    controlsTopic: topics.controls,
    eventTopic: topics.event,
  };
  const cmps: Record<string, Component> = {};
  const missing = keysNotProvided(opts.source);
  // What the source cannot fill gets HA's removal stub (`{"p": <platform>}`), not a component: an entity
  // left from before (a stick, or a firmware that still had the ECU's pages) goes, instead of reading
  // unknown forever. HA ignores a stub for an entity it does not have.
  const stub = (d: { platform: string }) => ({ p: d.platform });
  for (const d of INVERTER_ENTITIES) {
    if (missing.has(d.key)) {
      cmps[d.key] = stub(d);
      continue;
    }
    const c = component(d, d.key, d.name, w);
    if (d.number) Object.assign(c, { min: d.number.min(s.model), max: d.number.max(s.model) });
    cmps[d.key] = c;
  }
  if (sourceAttributes(opts.source) && cmps.status) {
    // The controls topic carries what this source cannot provide under `source` (state.ts).
    Object.assign(cmps.status, {
      json_attr_t: topics.controls,
      json_attr_tpl: `{{ value_json.${SOURCE_ATTRIBUTES_KEY} | tojson }}`,
    });
  }
  for (const d of opts.faults ? FAULT_INVERTER_ENTITIES : []) cmps[d.key] = component(d, d.key, d.name, w);
  for (let i = 0; i < s.model.channels; i++) {
    for (const d of CHANNEL_ENTITIES) {
      const key = channelKey(d.key, i);
      if (missing.has(d.key)) {
        cmps[key] = stub(d);
        continue;
      }
      cmps[key] = component(d, key, channelName(d.name, i, s.panels?.[i]), w);
    }
  }
  const dev: Record<string, unknown> = {
    ids: [id],
    name: s.name,
    mf: "APsystems",
    mdl: s.model.model,
    sn: s.serial,
    via_device: bridgeDeviceId(ctx),
  };
  if (s.firmware) dev.sw = s.firmware;
  return {
    id,
    topic: discoveryTopic(ctx.discoveryPrefix, id),
    config: {
      dev,
      o: ctx.origin,
      cmps,
      // Both must say online: the controller runs, and this inverter is not written off as unreachable.
      avty: [bridgeAvailability(ctx), { t: topics.availability, val_tpl: "{{ value_json.state }}" }],
      avty_mode: "all",
      qos: 1,
    },
  };
}

/** The site device; with `limiter`, the export limiter's controls and sensors join it (catalog/limiter.ts). */
export function siteDiscovery(
  ctx: DiscoveryContext,
  site: { name: string },
  limiter?: LimiterSnapshot,
  schedule?: ScheduleSnapshot,
  faults = false,
): DeviceDiscovery {
  const id = siteDeviceId(ctx);
  const w: Wiring = {
    uniquePrefix: id,
    entityPrefix: slug(site.name) || "site",
    stateTopic: siteTopic(ctx.baseTopic),
    setTopic: siteSetTopic(ctx.baseTopic),
    eventTopic: (key) => siteEventTopic(ctx.baseTopic, key),
  };
  const cmps = Object.fromEntries(SITE_ENTITIES.map((d) => [d.key, component(d, d.key, d.name, w)]));
  for (const d of limiter ? LIMITER_ENTITIES : []) {
    const c = component(d, d.key, d.name, w);
    if (d.number) Object.assign(c, { min: d.number.min(limiter!), max: d.number.max(limiter!) });
    cmps[d.key] = c;
  }
  for (const d of schedule ? SCHEDULE_ENTITIES : []) cmps[d.key] = component(d, d.key, d.name, w);
  for (const d of faults ? FAULT_SITE_ENTITIES : []) cmps[d.key] = component(d, d.key, d.name, w);
  return {
    id,
    topic: discoveryTopic(ctx.discoveryPrefix, id),
    config: {
      dev: { ids: [id], name: site.name, mf: "localecu", mdl: "Solar site", via_device: bridgeDeviceId(ctx) },
      o: ctx.origin,
      cmps,
      avty: [bridgeAvailability(ctx)],
      qos: 1,
    },
  };
}

/**
 * The controller's own device; its connection entity reads bridge/state, so it has no availability.
 * `haLink`: the controller has a Home Assistant websocket link, shown as a diagnostic sensor.
 */
export function bridgeDiscovery(ctx: DiscoveryContext, opts: { haLink?: boolean } = {}): DeviceDiscovery {
  const id = bridgeDeviceId(ctx);
  const topics = bridgeTopics(ctx.baseTopic);
  const w: Wiring = { uniquePrefix: id, entityPrefix: "localecu_bridge", stateTopic: topics.state };
  const cmps = Object.fromEntries(BRIDGE_ENTITIES.map((d) => [d.key, component(d, d.key, d.name, w)]));
  if (opts.haLink) {
    const d = HA_LINK_ENTITY;
    const c = component(d, d.key, d.name, { ...w, stateTopic: topics.homeassistant });
    // The whole {"homeassistant_link","detail"} object becomes the attributes; unavailable when the controller is gone.
    Object.assign(c, { json_attr_t: topics.homeassistant, avty: [bridgeAvailability(ctx)] });
    cmps[d.key] = c;
  }
  const dev: Record<string, unknown> = { ids: [id], name: "localecu bridge", mf: "localecu", mdl: "Bridge" };
  if (ctx.origin.sw) dev.sw = ctx.origin.sw;
  if (ctx.coordinatorIeee) dev.cns = [["zigbee", ctx.coordinatorIeee]];
  return { id, topic: discoveryTopic(ctx.discoveryPrefix, id), config: { dev, o: ctx.origin, cmps, qos: 1 } };
}

export function discoveryMessage(d: DeviceDiscovery): OutMessage {
  return { topic: d.topic, payload: JSON.stringify(d.config), retain: true, qos: 1 };
}

/** The empty retained payload that makes HA delete a device and all its entities. */
export function removeDeviceMessage(ctx: DiscoveryContext, id: string): OutMessage {
  return { topic: discoveryTopic(ctx.discoveryPrefix, id), payload: "", retain: true, qos: 1 };
}

/** What removing a component needs of the discovery last sent: each component's platform, by key. */
export type SentComponents = Readonly<Record<string, Component>>;

/** The components of a sent discovery, kept without the rest (~60 full components per inverter). */
export function sentComponents(config: DeviceConfig): SentComponents {
  return Object.fromEntries(Object.entries(config.cmps).map(([k, c]) => [k, { p: c.p }]));
}

/**
 * `next` plus HA's removal stub (`{"p": <platform>}` alone) for every component `prev` had and `next`
 * lacks — e.g. the ch3/ch4 entities when site.yaml corrects an inverter's model from QS1 to a 2-panel model.
 */
export function withRemovedComponents(
  next: DeviceDiscovery,
  prev: SentComponents | undefined,
): DeviceDiscovery {
  if (!prev) return next;
  const cmps = { ...next.config.cmps };
  for (const [key, c] of Object.entries(prev)) if (!(key in cmps)) cmps[key] = { p: c.p };
  return { ...next, config: { ...next.config, cmps } };
}

/**
 * Everything to publish when an inverter leaves the site: its discovery removal, and (unless its name now
 * belongs to a replacement unit) empty retained payloads that clear its state, availability and controls.
 */
export function retireInverterMessages(
  ctx: DiscoveryContext,
  old: { serial: string; name: string },
  opts: { keepTopics: boolean },
): OutMessage[] {
  const removal = removeDeviceMessage(ctx, inverterDeviceId(old.serial));
  return opts.keepTopics ? [removal] : [removal, ...clearInverterTopics(ctx.baseTopic, old.name)];
}
