/**
 * Decoded values against what the captures' own sources state beside them (fixtures/stated-values.ts):
 * numbers decoded by other people's code on real installations, not by ours.
 */
import { describe, expect, it } from "vitest";
import { fromHex } from "../../src/protocol/bytes.ts";
import { decodeDump } from "../../src/protocol/dump.ts";
import { modelByName } from "../../src/protocol/models.ts";
import { decodeReply } from "../../src/protocol/replies.ts";
import type { Telemetry } from "../../src/protocol/types.ts";
import { captures } from "../fixtures/captures.ts";
import { ESP_ECU_STATED, OPENAPS, openapsPayload } from "../fixtures/stated-values.ts";

function telemetry(payload: Uint8Array, model?: "QS1A" | "DS3"): Telemetry {
  const r = decodeReply(payload, model ? { model: modelByName(model)! } : {});
  if (r.kind !== "telemetry") throw new Error(`expected telemetry, got ${r.kind}`);
  return r;
}

describe("openaps live captures (bolkedebruin/openaps codec_test.go)", () => {
  // The serials are anonymised (9999…), so the model is given as openaps' test does (QS1A, DS3).
  // Decoded inside each test, not in the describe body: Stryker switches a mutant on only when tests run.
  const qs1a = () => telemetry(openapsPayload(OPENAPS.qs1a.hex), "QS1A");
  const ds3 = () => telemetry(openapsPayload(OPENAPS.ds3.hex), "DS3");

  it("QS1A: grid voltage as openaps states it, converted from its /1.32 to our /1.3277", () => {
    const s = OPENAPS.qs1a.stated;
    // openaps: 1179 / 1.32 / 4 = 223.3 V. Same raw with our divisor: 223.3 × 1.32 / 1.3277 = 222.0 V.
    expect(qs1a().acVoltageV).toBeCloseTo((s.gridV * s.gridVDivisor) / 1.3277, 1);
    expect(Math.abs(qs1a().acVoltageV * (1.3277 / s.gridVDivisor) - s.gridV)).toBeLessThan(0.05);
  });

  it("QS1A: frequency within openaps' stated 50.06 ± 0.05 Hz, and exactly 5e7 / 0x0F3B68", () => {
    const s = OPENAPS.qs1a.stated;
    expect(Math.abs(qs1a().frequencyHz - s.freqHz)).toBeLessThanOrEqual(s.freqTol);
    // bytes 12–14 0F 3B 68 = 998 248 → 50 000 000 / 998 248 = 50.08775 Hz.
    expect(qs1a().frequencyHz).toBeCloseTo(50.08775, 5);
  });

  it("QS1A: openaps' 'bus voltage' field is our temperature: 0x0401 = 1025 → 23.38 °C (openaps ≈ 24.4 ± 1)", () => {
    // 1025 × 0.2752 − 258.7 = 23.38; research §3.3 notes the two readings of this field agree within 1.
    expect(qs1a().temperatureC).toBeCloseTo(23.38, 2);
    expect(Math.abs(qs1a().temperatureC - OPENAPS.qs1a.stated.busV)).toBeLessThan(1.05);
  });

  it("QS1A: four inputs, AC power Σ V·I × 0.95 as openaps computes it, worked from the packed bytes", () => {
    // A 74 81 24 → V 0x748 = 1864 × 82.5/4096 = 37.5439 V, I 0x124 = 292 × 27.5/4096 = 1.960449 A
    // B 73 C1 21 → V 1852 → 37.3022 V, I 289 → 1.940308 A;  C 74 41 24 → V 1860 → 37.4634 V, I 292 → 1.960449 A
    // D 72 70 B5 → V 1831 → 36.8793 V, I 181 → 1.215210 A.  Σ V·I = 264.2419 W → × 0.95 = 251.0298 W.
    expect(qs1a().channels.map((c) => [c.input, +c.voltageV.toFixed(4), +c.currentA.toFixed(6)])).toEqual([
      ["A", 37.5439, 1.960449],
      ["B", 37.3022, 1.940308],
      ["C", 37.4634, 1.960449],
      ["D", 36.8793, 1.21521],
    ]);
    expect(qs1a().acPowerW).toBeCloseTo(251.0298, 3);
    // Energy A: bytes 37–41 07 09 88 67 64 = 30 224 705 380 × 3.756e-8 = 1135.2399 Wh.
    expect(qs1a().channels[0]!.energyWh).toBeCloseTo(1135.2399, 3);
    // The QS1A's L2 carries its unexplained 2-byte value (FA 2D) before 00 00 FE FE, like our QS1 capture.
    expect(qs1a().uptimeS).toBe(0x9d0f);
  });

  it("DS3: grid voltage, frequency, active and reactive power, panel voltages as openaps states them", () => {
    const s = OPENAPS.ds3.stated;
    expect(Math.abs(ds3().acVoltageV - s.gridV)).toBeLessThanOrEqual(0.5);
    expect(ds3().acVoltageV).toBeCloseTo(229.944, 3); // 858 × 0.268
    expect(Math.abs(ds3().frequencyHz - s.freqHz)).toBeLessThanOrEqual(0.05);
    expect(ds3().frequencyHz).toBeCloseTo(50.07, 6); // 5007 × 0.01
    expect(ds3().acPowerW).toBe(s.activePowerW);
    expect(ds3().reactivePowerVar).toBe(s.reactiveVar);
    expect(ds3().channels.map((c) => c.voltageV)).toEqual([
      expect.closeTo(s.panelV[0], 1),
      expect.closeTo(s.panelV[1], 1),
    ]);
    expect(ds3().channels[0]!.voltageV).toBeCloseTo(37.9, 6); // 1895 × 0.02
    expect(ds3().channels[1]!.voltageV).toBeCloseTo(37.94, 6); // 1897 × 0.02
    expect(Object.values(ds3().status).some(Boolean)).toBe(false);
  });

  it("DS3: currents, energy and temperature worked from the bytes (openaps states none)", () => {
    // I: body 0x14 00 9F = 159 × 0.01172 = 1.86348 A; 0x16 00 59 = 89 × 0.01172 = 1.04308 A.
    expect(ds3().channels[0]!.currentA).toBeCloseTo(1.86348, 6);
    expect(ds3().channels[1]!.currentA).toBeCloseTo(1.04308, 6);
    // Energy: body 0x28 04 1E A2 F4 = 69 116 660 × 1.674e-5 = 1157.0129 Wh; 0x2C 02 E5 8B 56 = 48 597 846 → 813.5279 Wh.
    expect(ds3().channels[0]!.energyWh).toBeCloseTo(1157.0129, 3);
    expect(ds3().channels[1]!.energyWh).toBeCloseTo(813.5279, 3);
    // Temperature: body 0x26 08 B6 = 2230 × 0.0198 − 23.84 = 20.314 °C.
    expect(ds3().temperatureC).toBeCloseTo(20.314, 6);
    // Reported 105 W against Σ V·I = 37.9·1.86348 + 37.94·1.04308 = 110.2003 W: 95 %, a plausible efficiency.
    const dc = ds3().channels.reduce((s, c) => s + c.powerW, 0);
    expect(dc).toBeCloseTo(110.2003, 3);
  });
});

describe("ESP-ECU logs beside frames.json captures", () => {
  it.each(Object.entries(ESP_ECU_STATED.uptimeS))(
    "%s: the logged 'extracted time' is the uptime",
    (id, up) => {
      const r = decodeDump(fromHex(captures[id as keyof typeof captures].hex)).messages[0]!.reply;
      if (r.kind !== "telemetry") throw new Error(r.kind);
      expect(r.uptimeS).toBe(up);
    },
  );

  it.each([
    // YC600: L2 bytes 74–75 21 DB = 8667 → 8667 · 256 / 7395 = 300.0341 W.
    ["yc600Limit300", 300.0341],
    // DS3: L2 bytes 7–8 26 E2 = 9954 → 9954 × 0.06027 = 599.9276 W.
    ["ds3Limit600", 599.9276],
  ] as const)("%s: the read-back limit is the stated watts (worked: %f W)", (id, worked) => {
    const r = decodeDump(fromHex(captures[id].hex)).messages[0]!.reply;
    if (r.kind !== "limit") throw new Error(r.kind);
    expect(Math.round(r.limitW)).toBe(ESP_ECU_STATED.limitW[id]);
    expect(r.limitW).toBeCloseTo(worked, 4);
  });
});
