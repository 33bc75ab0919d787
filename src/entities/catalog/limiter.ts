/**
 * The export limiter's entities on the site device (present only when site.yaml has
 * automations.export_limit). Keys are a public contract like every catalog key (see catalog.ts).
 */

import type { LimiterSnapshot } from "../snapshot.ts";
import type { EntityDescription } from "./types.ts";

export const LIMITER_MODES = ["export_limit", "zero_export", "monitor"] as const;
export const LIMITER_STATES = ["idle", "limiting", "fallback", "alarm", "off"] as const;

export const LIMITER_ENTITIES: readonly EntityDescription<LimiterSnapshot, LimiterSnapshot>[] = [
  {
    key: "export_limit",
    name: "Export limiter",
    platform: "switch",
    icon: "mdi:transmission-tower-export",
    description: "Whether the export limiter acts (off: it writes no limits)",
    value: (l) => (l.enabled ? "ON" : "OFF"),
  },
  {
    key: "export_limit_target",
    name: "Allowed export",
    platform: "number",
    unit: "W",
    deviceClass: "power",
    icon: "mdi:transmission-tower-export",
    description: "Grid export the limiter allows, W (0 = zero export)",
    number: { min: () => 0, max: (l) => l.maxTargetW, step: 10, mode: "box" },
    value: (l) => l.targetW,
  },
  {
    key: "export_limit_mode",
    name: "Export limiter mode",
    platform: "select",
    icon: "mdi:tune-variant",
    description:
      "export_limit: keep export at or below the allowed value; zero_export: at 0 W; monitor: decide and report, never write",
    options: LIMITER_MODES,
    value: (l) => l.mode,
  },
  {
    key: "export_limit_state",
    name: "Export limiter state",
    platform: "sensor",
    deviceClass: "enum",
    icon: "mdi:state-machine",
    description:
      "idle, limiting, fallback (meter or link lost), alarm (another controller set a limit), off; the reason is an attribute",
    options: LIMITER_STATES,
    attributesKey: "export_limit_reason",
    value: (l) => l.state,
  },
  {
    key: "export_limit_total",
    name: "Total power limit",
    platform: "sensor",
    unit: "W",
    deviceClass: "power",
    stateClass: "measurement",
    precision: 0,
    description: "Σ of the inverters' limits as read back or written; unknown until every limit is known",
    value: (l) => l.totalLimitW,
  },
  {
    key: "export_limit_writes_today",
    name: "Limit writes today",
    platform: "sensor",
    stateClass: "total_increasing",
    icon: "mdi:counter",
    entityCategory: "diagnostic",
    description: "Limit writes since local midnight (each one wears inverter flash a little)",
    value: (l) => l.writesToday,
  },
];

/** The limiter's part of the site's state payload, with the reason beside the state. */
export function limiterState(l: LimiterSnapshot): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of LIMITER_ENTITIES) if (d.value) out[d.key] = d.value(l) ?? null;
  out.export_limit_reason = l.reason;
  return out;
}
