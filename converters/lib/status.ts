/**
 * The catalog's `status` for one decoded reading. Silence (sleeping, unreachable) is decided elsewhere:
 * a reading always means the inverter is awake.
 */
import { FAULTS } from "../../src/entities/catalog.ts";
import type { InverterStatus } from "../../src/entities/snapshot.ts";
import type { Telemetry } from "../../src/protocol/types.ts";

/**
 * Below this AC output an awake inverter counts as idle. The manual (6.2) treats 0 W or 2 W as "not really
 * producing"; 1 W splits the two without calling dusk trickle output a fault.
 */
export const PRODUCING_MIN_W = 1;

export function statusOf(t: Telemetry, acPowerW: number): InverterStatus {
  if (FAULTS.some((f) => f.flags.some((flag) => t.status[flag]))) return "fault";
  return acPowerW >= PRODUCING_MIN_W ? "producing" : "idle";
}
