/** The words of decisions: short, in watts, for a homeowner reading a log line or an HA state. */
import type { MeterTrouble } from "./failsafe.ts";
import type { LimiterStateName, LimitWrite } from "./types.ts";

export interface Outcome {
  state: LimiterStateName;
  reason: string;
  writes: LimitWrite[];
}

export function w(watts: number): string {
  return `${Math.round(watts)} W`;
}

export function inverters(n: number): string {
  return n === 1 ? "1 inverter" : `${n} inverters`;
}

export function describeTrouble(t: MeterTrouble): string {
  switch (t.kind) {
    case "stale":
      return `no grid meter value for ${Math.floor(t.silentS)} s`;
    case "frozen":
      return `the grid meter is stuck at ${w(t.valueW)} while the solar output changed`;
    case "link":
      return `lost the link to ${t.link}${t.detail ? ` (${t.detail})` : ""}`;
  }
}
