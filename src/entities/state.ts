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
import { controlInfo, HA_LINK_ENTITY, INVERTER_ENTITIES, inverterState, siteState } from "./catalog.ts";
import type { InverterSnapshot, LimiterSnapshot, ScheduleSnapshot, SiteSnapshot } from "./snapshot.ts";
import { bridgeTopics, inverterTopics, OFFLINE, ONLINE, type OutMessage, siteTopic } from "./topics.ts";

export function inverterAvailable(s: InverterSnapshot): boolean {
  return s.status !== "unreachable";
}

export interface ControlAttributes {
  control_status: ControlStatus;
  evidence: string;
  /** One line for people: "confirmed on air" / "unverified on hardware: …". */
  note: string;
}

/** `<base>/<name>/controls`: per control key, how sure we are it works (HA shows it as attributes). */
export function controlsPayload(s: InverterSnapshot): Record<string, ControlAttributes> {
  const out: Record<string, ControlAttributes> = {};
  for (const d of INVERTER_ENTITIES) {
    if (!d.control) continue;
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

/** State, availability and controls of one inverter: all retained, so HA has them after a restart. */
export function inverterMessages(base: string, s: InverterSnapshot): OutMessage[] {
  const t = inverterTopics(base, s.name);
  return [
    { topic: t.state, payload: JSON.stringify(inverterState(s)), retain: true, qos: 1 },
    { topic: t.availability, payload: inverterAvailable(s) ? ONLINE : OFFLINE, retain: true, qos: 1 },
    { topic: t.controls, payload: JSON.stringify(controlsPayload(s)), retain: true, qos: 1 },
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
): OutMessage {
  return {
    topic: siteTopic(base),
    payload: JSON.stringify(siteState(s, limiter, schedule)),
    retain: true,
    qos: 1,
  };
}

export interface FaultEvent {
  type: "fault_raised" | "fault_cleared";
  /** The fault binary sensor's key (catalog FAULTS). */
  fault: string;
  /** What the manual says to check. */
  check?: string;
}

/** An event entity message: never retained (HA ignores replayed retained events). */
export function faultEventMessage(base: string, name: string, e: FaultEvent): OutMessage {
  const payload: Record<string, string> = { event_type: e.type, fault: e.fault };
  if (e.check) payload.check = e.check;
  return {
    topic: inverterTopics(base, name).event("fault"),
    payload: JSON.stringify(payload),
    retain: false,
    qos: 1,
  };
}
