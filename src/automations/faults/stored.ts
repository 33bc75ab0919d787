/** A finding as the store keeps it (src/site/store/faults.ts) → the diagnosis' Finding, checked. */
import type { FaultRecord } from "../../site/store/faults.ts";
import type { Cause, Finding, FindingKind, Severity } from "./types.ts";

const KINDS: ReadonlySet<string> = new Set<FindingKind>([
  "ground_fault",
  "not_producing",
  "no_data",
  "erratic_data",
  "encrypted",
  "site_silent",
  "grid",
  "grid_site",
  "dc_open",
  "dc_voltage",
  "dc_danger",
  "over_temperature",
  "hot_heatsink",
  "underperforming",
  "stick_link",
  "stick_reset",
  "store_error",
  "grid_settings",
]);
const CAUSES: ReadonlySet<string> = new Set<Cause>([
  "communication",
  "inverter",
  "grid",
  "dc",
  "installation",
  "controller",
]);
const SEVERITIES: ReadonlySet<string> = new Set<Severity>(["info", "warning", "fault", "danger"]);

/** Undefined for a row this version does not know (written by a newer localecu): it is left alone. */
export function findingFromRecord(r: FaultRecord): Finding | undefined {
  if (!KINDS.has(r.kind) || !CAUSES.has(r.cause) || !SEVERITIES.has(r.severity)) return undefined;
  return { ...r, kind: r.kind as FindingKind, cause: r.cause as Cause, severity: r.severity as Severity };
}
