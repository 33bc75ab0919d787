/** site.yaml automations.faults → the core's settings, with defaults and a clear error for bad values. */
import type { FaultSettings } from "../../site/config/types.ts";
import type { DiagnosisSettings } from "./types.ts";

export const DEFAULT_DIAGNOSIS_SETTINGS: Readonly<DiagnosisSettings> = {
  confirmPolls: 2,
  noDataMinutes: 60,
  // A panel giving under 85 % of its same-orientation siblings over a sunny day has lost more than
  // module tolerance and the day's noise explain (±3 % tolerance, a few % quantisation and clipping).
  lowOutputPct: 85,
  minArrayPowerW: 100,
  repeatHours: 24,
};

export function diagnosisSettings(from: FaultSettings = {}): DiagnosisSettings {
  return checkSettings({
    confirmPolls: from.confirmPolls ?? DEFAULT_DIAGNOSIS_SETTINGS.confirmPolls,
    noDataMinutes: from.noDataMinutes ?? DEFAULT_DIAGNOSIS_SETTINGS.noDataMinutes,
    lowOutputPct: from.lowOutputPct ?? DEFAULT_DIAGNOSIS_SETTINGS.lowOutputPct,
    minArrayPowerW: from.minArrayPowerW ?? DEFAULT_DIAGNOSIS_SETTINGS.minArrayPowerW,
    repeatHours: from.repeatHours ?? DEFAULT_DIAGNOSIS_SETTINGS.repeatHours,
  });
}

export function checkSettings(s: DiagnosisSettings): DiagnosisSettings {
  const bad = (what: string) =>
    new RangeError(`fault diagnosis settings (site.yaml automations.faults): ${what}`);
  if (!(Number.isInteger(s.confirmPolls) && s.confirmPolls >= 1 && s.confirmPolls <= 10))
    throw bad(`confirm_polls must be a whole number 1..10, got ${s.confirmPolls}`);
  if (!(Number.isFinite(s.noDataMinutes) && s.noDataMinutes >= 5))
    throw bad(`no_data_minutes must be at least 5, got ${s.noDataMinutes}`);
  if (!(Number.isFinite(s.lowOutputPct) && s.lowOutputPct >= 1 && s.lowOutputPct <= 100))
    throw bad(`low_output_pct must be within 1..100, got ${s.lowOutputPct}`);
  if (!(Number.isFinite(s.minArrayPowerW) && s.minArrayPowerW >= 0))
    throw bad(`min_array_power_w must be ≥ 0 W, got ${s.minArrayPowerW}`);
  if (!(Number.isFinite(s.repeatHours) && s.repeatHours >= 0))
    throw bad(`repeat_hours must be ≥ 0 (0 = never repeat), got ${s.repeatHours}`);
  return { ...s };
}
