/**
 * What EntityPublisher sends for a snapshot: the zigbee2mqtt-style state object (catalog.ts), the
 * availability, and the controls' on-air status. Pure builders.
 *
 * Availability stays online at night: a sleeping inverter reads 0 W with its energies kept, which is what
 * the energy dashboard needs. Only `unreachable` (the site layer's verdict after a long daytime silence)
 * marks the inverter offline, the way zigbee2mqtt's availability does for devices that stopped answering.
 */
import type { HaLinkState } from "../ha/types.ts";
import type { ControlStatus } from "../protocol/models.ts";
import {
  type FaultEventType,
  type FaultsView,
  faultEventPayload,
  inverterFaultState,
  siteFaultState,
} from "./catalog/faults.ts";
import { controlInfo, HA_LINK_ENTITY, INVERTER_ENTITIES, inverterState, siteState } from "./catalog/index.ts";
import type {
  FindingView,
  InverterSnapshot,
  LimiterSnapshot,
  ScheduleSnapshot,
  SiteSnapshot,
  SourceView,
} from "./snapshot.ts";
import { keysNotProvided, SOURCE_ATTRIBUTES_KEY, type SourceAttributes, sourceAttributes } from "./source.ts";
import {
  bridgeTopics,
  inverterTopics,
  OFFLINE,
  ONLINE,
  type OutMessage,
  siteEventTopic,
  siteTopic,
} from "./topics.ts";

export function inverterAvailable(s: InverterSnapshot): boolean {
  return s.status !== "unreachable";
}

export interface ControlAttributes {
  control_status: ControlStatus;
  evidence: string;
  /** One line for people: "confirmed on air" / "unverified on hardware: …". */
  note: string;
}

/**
 * `<base>/<name>/controls`: per control key, how sure we are it works (HA shows it as attributes). A control
 * the source cannot act on has no entry (and no entity); one that goes through the vendor ECU's pages is
 * unverified whatever the model's own claim, and says so. (inverterMessages adds the source's gaps.)
 */
export function controlsPayload(s: InverterSnapshot, source?: SourceView): Record<string, ControlAttributes> {
  const out: Record<string, ControlAttributes> = {};
  const missing = keysNotProvided(source);
  for (const d of INVERTER_ENTITIES) {
    if (!d.control || missing.has(d.key)) continue;
    const via = source?.commands;
    if (via && (d.control.command === "max_power" || d.control.command === "on_off")) {
      out[d.key] = { control_status: "unverified", evidence: via.evidence, note: via.note };
      continue;
    }
    const info = controlInfo(s.model, d.control.command);
    const status = d.control.status(s);
    out[d.key] = {
      control_status: status,
      evidence: info.evidence,
      note:
        status === "confirmed"
          ? `confirmed on air for ${s.model.model}`
          : `unverified on hardware: the ${s.model.model} command is only known from others' source code`,
    };
  }
  return out;
}

/** The controls topic's payload: the controls, and on a source with gaps what it cannot provide (`source`). */
function controlsTopicPayload(s: InverterSnapshot, source?: SourceView): string {
  const attributes: SourceAttributes | undefined = sourceAttributes(source);
  const controls = controlsPayload(s, source);
  return JSON.stringify(attributes ? { ...controls, [SOURCE_ATTRIBUTES_KEY]: attributes } : controls);
}

/**
 * State, availability and controls of one inverter: all retained, so HA has them after a restart. With
 * `faults` (the fault module runs) the state carries the `problem` keys too; with `source`, what it cannot
 * provide shapes the controls topic.
 */
export function inverterMessages(
  base: string,
  s: InverterSnapshot,
  faults?: FaultsView,
  source?: SourceView,
): OutMessage[] {
  const t = inverterTopics(base, s.name);
  const state = { ...inverterState(s), ...(faults ? inverterFaultState(faults) : {}) };
  return [
    { topic: t.state, payload: JSON.stringify(state), retain: true, qos: 1 },
    { topic: t.availability, payload: inverterAvailable(s) ? ONLINE : OFFLINE, retain: true, qos: 1 },
    { topic: t.controls, payload: controlsTopicPayload(s, source), retain: true, qos: 1 },
  ];
}

/**
 * The HA websocket link's state under its catalog key, and the detail (never holding the token:
 * src/ha/link.ts). HA shows the whole object as the sensor's attributes.
 */
export function haLinkMessage(base: string, s: HaLinkState): OutMessage {
  const payload = JSON.stringify({ [HA_LINK_ENTITY.key]: s.state, detail: s.detail ?? null });
  return { topic: bridgeTopics(base).homeassistant, payload, retain: true, qos: 1 };
}

export function siteMessage(
  base: string,
  s: SiteSnapshot,
  limiter?: LimiterSnapshot,
  schedule?: ScheduleSnapshot,
  faults?: FaultsView,
): OutMessage {
  const state = { ...siteState(s, limiter, schedule), ...(faults ? siteFaultState(faults) : {}) };
  return {
    topic: siteTopic(base),
    payload: JSON.stringify(state),
    retain: true,
    qos: 1,
  };
}

/**
 * One finding on the fault event topic: the inverter's `<base>/<name>/event/fault`, or the site's
 * `<base>/site/event/fault` for site-wide findings (`name` undefined). Never retained: HA ignores replayed
 * retained events, and a Node-RED flow must not see last week's finding as new.
 */
export function faultEventMessage(
  base: string,
  name: string | undefined,
  type: FaultEventType,
  f: FindingView,
): OutMessage {
  return {
    topic: name === undefined ? siteEventTopic(base, "fault") : inverterTopics(base, name).event("fault"),
    payload: JSON.stringify(faultEventPayload(type, f)),
    retain: false,
    qos: 1,
  };
}
