/**
 * The fault diagnosis' entities (present only when the fault module runs, site.yaml automations.faults):
 * per inverter a `problem` binary sensor and a `fault` event entity; on the site device the count of open
 * findings with the list as attributes, and a `fault` event entity for site-wide findings (grid, stick,
 * store). Keys are a public contract like every catalog key (see catalog.ts).
 *
 * Every finding says whether it is `verified`: false when it rests on a status-bit meaning taken from
 * others' source code and never seen on hardware.
 */

import type { FindingView } from "../snapshot.ts";
import type { EntityDescription } from "./types.ts";

export const FAULT_EVENT_TYPES = ["fault_opened", "fault_cleared", "fault_repeated"] as const;
export type FaultEventType = (typeof FAULT_EVENT_TYPES)[number];

/** The open findings of one inverter, or of the whole site. */
export interface FaultsView {
  open: readonly FindingView[];
}

export const FAULT_INVERTER_ENTITIES: readonly EntityDescription<FaultsView>[] = [
  {
    key: "problem",
    name: "Problem",
    platform: "binary_sensor",
    deviceClass: "problem",
    description:
      "On while a fault finding about this inverter or its panels is open; the findings (title, advice, cause, severity, verified) are attributes",
    attributesKey: "problem_findings",
    attributesName: "findings",
    value: (s) => s.open.length > 0,
  },
  {
    key: "fault",
    name: "Fault",
    platform: "event",
    eventTypes: FAULT_EVENT_TYPES,
    description: "Fires when a finding about this inverter opens, clears or is repeated, with what to check",
  },
];

export const FAULT_SITE_ENTITIES: readonly EntityDescription<FaultsView>[] = [
  {
    key: "faults_open",
    name: "Open faults",
    platform: "sensor",
    stateClass: "measurement",
    icon: "mdi:alert-circle-outline",
    description: "How many fault findings are open on the site; the list is the `findings` attribute",
    attributesKey: "faults_list",
    attributesName: "findings",
    value: (s) => s.open.length,
  },
  {
    key: "fault",
    name: "Fault",
    platform: "event",
    eventTypes: FAULT_EVENT_TYPES,
    description:
      "Fires when a site-wide finding (grid, ZigBee stick, data store) opens, clears or is repeated",
  },
];

/** One finding as an attribute and in event payloads: what a person or an automation needs. */
export function findingAttributes(f: FindingView): Record<string, unknown> {
  const out: Record<string, unknown> = {
    key: f.key,
    kind: f.kind,
    title: f.title,
    advice: f.advice,
    cause: f.cause,
    severity: f.severity,
    verified: f.verified,
    since: new Date(f.openedAtMs).toISOString(),
  };
  if (f.serial !== undefined) out.serial = f.serial;
  if (f.panel !== undefined) out.panel = f.panel;
  return out;
}

/** The fault keys of an inverter's state payload. */
export function inverterFaultState(v: FaultsView): Record<string, unknown> {
  return { problem: v.open.length > 0, problem_findings: v.open.map(findingAttributes) };
}

/** The fault keys of the site's state payload. */
export function siteFaultState(v: FaultsView): Record<string, unknown> {
  return { faults_open: v.open.length, faults_list: v.open.map(findingAttributes) };
}

/** The event entity's payload: HA's `event_type` and the finding (never retained). */
export function faultEventPayload(type: FaultEventType, f: FindingView): Record<string, unknown> {
  const out: Record<string, unknown> = { event_type: type, ...findingAttributes(f) };
  if (f.clearedAtMs !== undefined) out.cleared = new Date(f.clearedAtMs).toISOString();
  return out;
}
