/**
 * End-to-end helpers: the driver (src/radio) against the stick emulator (src/sim) with the demo site's
 * real inverter physics, and the emulator's truth to compare decoded values with.
 */
import { expect } from "vitest";
import type { Telemetry } from "../../src/protocol/index.ts";
import {
  QS1_AC_VOLT_DIVISOR,
  QS1_DC_AMPS_PER_LSB,
  QS1_DC_VOLTS_PER_LSB,
  QS1_TEMP_GAIN,
} from "../../src/protocol/scales.ts";
import type { TelemetryEmitted } from "../../src/sim/emulator-types.ts";

export const ECU = "D8A3011B9780";
/** Noon-ish in June at the demo site (Amsterdam): every inverter is producing. */
export const MIDDAY = Date.parse("2024-06-21T10:00:00Z");
export const NIGHT = Date.parse("2024-06-21T23:30:00Z");

/** The last truth the emulator encoded for a serial. */
export function lastTruth(emitted: TelemetryEmitted[], serial: string): TelemetryEmitted {
  const t = emitted.filter((e) => e.truth.serial === serial).at(-1);
  if (!t) throw new Error(`the emulator sent no telemetry for ${serial}`);
  return t;
}

/** Decoded equals true within half a wire step (the encoder rounds to the nearest step). */
export function expectMatchesTruth(decoded: Telemetry, e: TelemetryEmitted): void {
  const t = e.truth;
  expect(decoded.serial).toBe(t.serial);
  expect(decoded.uptimeS).toBe(t.uptimeS);
  expect(Math.abs(decoded.temperatureC - t.temperatureC)).toBeLessThanOrEqual(QS1_TEMP_GAIN / 2 + 1e-9);
  expect(Math.abs(decoded.acVoltageV - t.acVoltageV)).toBeLessThanOrEqual(1 / QS1_AC_VOLT_DIVISOR / 2 + 1e-9);
  // 50 000 000 / raw: one raw step is f²/5e7 ≈ 5e-5 Hz at 50 Hz.
  expect(Math.abs(decoded.frequencyHz - t.frequencyHz)).toBeLessThanOrEqual(1e-4);
  expect(decoded.channels).toHaveLength(t.channels.length);
  t.channels.forEach((c, i) => {
    const d = decoded.channels[i]!;
    expect(Math.abs(d.voltageV - c.voltageV)).toBeLessThanOrEqual(QS1_DC_VOLTS_PER_LSB / 2 + 1e-9);
    expect(Math.abs(d.currentA - c.currentA)).toBeLessThanOrEqual(QS1_DC_AMPS_PER_LSB / 2 + 1e-9);
    expect(d.energyCounter).toBe(c.energyCounter);
  });
}
