/**
 * The one producing / idle / fault rule for a decoded reading, used by both hosts: the zigbee2mqtt converter
 * (decode.ts) and localecu's tracker (src/controller/tracker.ts), so Status means the same everywhere.
 * Silence (sleeping, unreachable), "off" and "unpaired" are decided by the host: a reading always means the
 * inverter is awake.
 */
import { FAULTS } from "../../src/entities/catalog/index.ts";
import type { Telemetry } from "../../src/protocol/types.ts";

/**
 * Below this AC output an awake inverter counts as idle. The manual (6.2) treats 0 W or 2 W as "not really
 * producing"; 1 W splits the two without calling dusk trickle output a fault.
 */
export const PRODUCING_MIN_W = 1;

export type ReadingStatus = "producing" | "idle" | "fault";

/**
 * Only status bits that have a fault sensor count, so Status never says "fault" while every fault sensor is
 * off (the gridRelay/comm bit meanings are unconfirmed on air).
 */
export function readingStatus(t: Telemetry, acPowerW: number): ReadingStatus {
  if (FAULTS.some((f) => f.flags.some((flag) => t.status[flag]))) return "fault";
  return acPowerW >= PRODUCING_MIN_W ? "producing" : "idle";
}
