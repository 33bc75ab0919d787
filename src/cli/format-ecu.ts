/**
 * The snake_case JSON of a decoded ECU LAN answer for `decode`: the codec's own field names with their
 * units (ac_power_w, temperature_c, lifetime_energy_wh …), absent values left out, warnings kept.
 */
import type { EcuAnswer } from "../protocol/ecu/types.ts";
import { snake } from "./format.ts";

function snakeDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeDeep);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [snake(k), snakeDeep(x)]));
  }
  return v;
}

export function formatEcuAnswer(a: EcuAnswer): Record<string, unknown> {
  return { source: "ecu-lan", ...(snakeDeep(a) as Record<string, unknown>) };
}
