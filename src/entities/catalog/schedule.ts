/**
 * The schedule's entities on the site device (present only when site.yaml has automations.schedule). Keys
 * are a public contract like every catalog key (see catalog.ts).
 */

import type { ScheduleSnapshot } from "../snapshot.ts";
import type { EntityDescription } from "./types.ts";

export const SCHEDULE_STATES = ["on", "off", "limit", "mixed"] as const;
export const SCHEDULE_OVERRIDES = ["auto", "on", "off", "limit"] as const;

export const SCHEDULE_ENTITIES: readonly EntityDescription<ScheduleSnapshot, ScheduleSnapshot>[] = [
  {
    key: "schedule_state",
    name: "Schedule state",
    platform: "sensor",
    deviceClass: "enum",
    icon: "mdi:calendar-clock",
    description:
      "What the schedule wants the inverters to be: on, off (max power at the minimum where on/off is unverified), limit, mixed; the reason is an attribute",
    options: SCHEDULE_STATES,
    attributesKey: "schedule_reason",
    value: (s) => s.state,
  },
  {
    key: "schedule_verified",
    name: "Schedule verified",
    platform: "binary_sensor",
    icon: "mdi:check-decagram",
    description: "Every inverter's last poll shows what the schedule (and the export limiter) set",
    value: (s) => s.verified,
  },
  {
    key: "schedule_next",
    name: "Schedule next change",
    platform: "sensor",
    deviceClass: "timestamp",
    icon: "mdi:calendar-arrow-right",
    description: "When the schedule next changes the inverters; what it will be is the `reason` attribute",
    attributesKey: "schedule_next_what",
    value: (s) => (s.nextAtMs === undefined ? undefined : new Date(s.nextAtMs).toISOString()),
  },
  {
    key: "schedule_override",
    name: "Schedule override",
    platform: "select",
    icon: "mdi:hand-back-right",
    description:
      "auto: rules and price decide; on / off: until set back to auto (or `until` over MQTT); limit needs limit_w, so set it over MQTT",
    options: SCHEDULE_OVERRIDES,
    value: (s) => s.override,
  },
];

/** The schedule's part of the site's state payload, with the reason and the next change's words beside it. */
export function scheduleState(s: ScheduleSnapshot): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of SCHEDULE_ENTITIES) if (d.value) out[d.key] = d.value(s) ?? null;
  out.schedule_reason = s.reason;
  out.schedule_next_what = s.next ?? null;
  out.schedule_override_limit_w = s.overrideLimitW ?? null;
  out.schedule_override_until =
    s.overrideUntilMs === undefined ? null : new Date(s.overrideUntilMs).toISOString();
  return out;
}
