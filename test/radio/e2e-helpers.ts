/**
 * End-to-end helpers: the driver (src/radio) against the stick emulator (src/sim) with the demo site's
 * real inverter physics, and the emulator's truth to compare decoded values with.
 *
 * The truth is in physical units (V, A, Hz, °C, Wh), produced by the simulator and put on the wire by its
 * own encoder (src/sim/wire, constants written independently of src/protocol). Tolerances below are the
 * wire quantisation and nothing more, written out from DESIGN.md §2 — tight enough that a 1 % error in any
 * codec scale fails (scripts/scale-mutants.ts checks that).
 */
import { expect } from "vitest";
import type { Telemetry } from "../../src/protocol/index.ts";
import type { TelemetryEmitted } from "../../src/sim/emulator/types.ts";

export const ECU = "D8A3011B9780";
/** Noon-ish in June at the demo site (Amsterdam): every inverter is producing. */
export const MIDDAY = Date.parse("2024-06-21T10:00:00Z");
export const NIGHT = Date.parse("2024-06-21T23:30:00Z");

/** One wire step of each field (DESIGN.md §2); the encoder rounds, so decoded is within half a step. */
interface Steps {
  tempC: number;
  acV: number;
  dcV: number;
  dcA: number;
  /** Wh per energy-counter step; the counter is floored, so decoded ≤ true < decoded + 1 step. */
  wh: number;
  /** Half-step bound on frequency: QS1 50e6/raw is ≈ f²/5e7 ≈ 5e-5 Hz per step at 50 Hz. */
  hzTol: number;
}
const QS1_STEPS: Steps = {
  tempC: 0.2752,
  acV: 1 / (1.3277 * 4),
  dcV: 82.5 / 4096,
  dcA: 27.5 / 4096,
  wh: 3.756e-8,
  hzTol: 1e-4,
};
const DS3_STEPS: Steps = { tempC: 0.0198, acV: 0.268, dcV: 0.02, dcA: 0.01172, wh: 1.674e-5, hzTol: 0.005 };

/** The last truth the emulator encoded for a serial. */
export function lastTruth(emitted: TelemetryEmitted[], serial: string): TelemetryEmitted {
  const t = emitted.filter((e) => e.truth.serial === serial).at(-1);
  if (!t) throw new Error(`the emulator sent no telemetry for ${serial}`);
  return t;
}

const within = (what: string, got: number, want: number, tol: number) =>
  expect(Math.abs(got - want), `${what}: decoded ${got}, truth ${want}, allowed ±${tol}`).toBeLessThanOrEqual(
    tol + 1e-9,
  );

/** Decoded equals true within the wire quantisation, field by field, in physical units. */
export function expectMatchesTruth(decoded: Telemetry, e: TelemetryEmitted): void {
  const t = e.truth;
  const s = t.model === "DS3" ? DS3_STEPS : QS1_STEPS;
  expect(decoded.serial).toBe(t.serial);
  expect(decoded.uptimeS).toBe(t.uptimeS);
  within("temperature °C", decoded.temperatureC, t.temperatureC, s.tempC / 2);
  within("AC voltage V", decoded.acVoltageV, t.acVoltageV, s.acV / 2);
  within("frequency Hz", decoded.frequencyHz, t.frequencyHz, s.hzTol);
  expect(decoded.channels).toHaveLength(t.channels.length);
  let powerTol = 0;
  t.channels.forEach((c, i) => {
    const d = decoded.channels[i]!;
    within(`ch${i + 1} DC voltage V`, d.voltageV, c.voltageV, s.dcV / 2);
    within(`ch${i + 1} DC current A`, d.currentA, c.currentA, s.dcA / 2);
    within(`ch${i + 1} energy Wh`, d.energyWh, c.energyWh, s.wh);
    // V·I from quantised V and I: |ΔP| ≤ I·ΔV + V·ΔI + ΔV·ΔI with Δ = half a step.
    powerTol += c.currentA * (s.dcV / 2) + c.voltageV * (s.dcA / 2) + (s.dcV / 2) * (s.dcA / 2);
  });
  if (t.model === "DS3") {
    // DS3 reports whole watts and var (DESIGN.md §2, 0x1E / 0x20).
    expect(decoded.acPowerSource).toBe("reported");
    within("AC power W", decoded.acPowerW, t.acPowerW, 0.5);
    within("reactive power var", decoded.reactivePowerVar ?? Number.NaN, t.reactivePowerVar, 0.5);
  } else {
    // QS1/YC600 report no AC power; a single reply is estimated as Σ V·I × 0.95, which is how the
    // simulated inverter converts (src/sim/wire/scales.ts).
    expect(decoded.acPowerSource).toBe("estimate");
    within("AC power W (Σ V·I × 0.95)", decoded.acPowerW, t.acPowerW, 0.95 * powerTol);
  }
}
