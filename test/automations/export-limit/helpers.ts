/** Builders for limiter tests: settings with the schema's defaults, inverters, and a started core. */
import { ExportLimiter } from "../../../src/automations/export-limit/core.ts";
import type { LimiterInverter, LimiterSettings } from "../../../src/automations/export-limit/types.ts";

export const T0 = Date.UTC(2026, 5, 21, 10, 0, 0);

export function settings(over: Partial<LimiterSettings> = {}): LimiterSettings {
  return {
    targetW: 0,
    hysteresisW: 50,
    intervalS: 10,
    meterTimeoutS: 60,
    fallback: "hold",
    maxWritesPerHour: 12,
    mode: "zero_export",
    enabled: true,
    ...over,
  };
}

/** `n` QS1-like inverters: 20–400 W in 4 W steps, serials 8010000000 + i. */
export function fourBy400(n = 4): LimiterInverter[] {
  return Array.from({ length: n }, (_, i) => ({ serial: `80100000000${i}`, minW: 20, maxW: 400, stepW: 4 }));
}

/**
 * A core that has read back `limits` and one reading per inverter at T0 (the start-up a restart
 * goes through), with daylight.
 */
export function started(
  inverters: LimiterInverter[],
  limits: number[],
  readings: number[],
  over: Partial<LimiterSettings> = {},
): ExportLimiter {
  const core = new ExportLimiter(inverters, settings(over));
  core.update({ kind: "tick", atMs: T0, daylight: true });
  inverters.forEach((inv, i) => {
    core.update({ kind: "limit", atMs: T0, serial: inv.serial, limitW: limits[i]! });
    core.update({ kind: "reading", atMs: T0, serial: inv.serial, acPowerW: readings[i]! });
  });
  return core;
}
