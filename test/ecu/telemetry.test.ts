/**
 * The ECU's per-input power becomes energy the accounting books: worked by hand below (trapezoids between
 * ECU cycles), checked through the real EnergyAccountant, across restarts and ECU clock steps.
 */
import { describe, expect, it } from "vitest";
import { cycleTimeMs, type EcuInverterMemory, ecuTelemetry } from "../../src/ecu/telemetry.ts";
import type { EcuInverterRecord } from "../../src/protocol/ecu/types.ts";
import { EnergyAccountant } from "../../src/site/energy/index.ts";

const QS1 = "801000012345";

function record(powers: number[], online = true): EcuInverterRecord {
  return {
    uid: QS1,
    model: "QS1",
    online,
    typeCode: "03",
    layout: "4-input",
    offset: 26,
    bodyHex: "",
    ...(online
      ? {
          frequencyHz: 50.0,
          temperatureC: 31,
          acVoltageV: 236,
          acPowerW: powers.reduce((a, p) => a + p, 0),
          channels: powers.map((powerW, i) => ({ channel: i + 1, input: "ABCD"[i] as "A", powerW })),
        }
      : {}),
  };
}

/** Feeds cycles (ECU local time, our clock) through ecuTelemetry and a real accountant. */
function run(
  acc: EnergyAccountant,
  cycles: { at: string; nowMs: number; powers: number[] }[],
  memory?: EcuInverterMemory,
) {
  let m = memory;
  const lifetimes: number[] = [];
  for (const c of cycles) {
    const r = ecuTelemetry(record(c.powers), cycleTimeMs(c.at)!, c.nowMs, m);
    if (r.kind !== "reading") continue;
    m = r.memory;
    lifetimes.push(acc.record(r.telemetry, r.atMs).lifetimeWh);
  }
  return { memory: m, lifetimes };
}

const NOON = Date.parse("2026-06-21T10:00:07Z"); // our clock; the ECU says 12:00:00 in its own zone

describe("ECU real-time record → telemetry and energy", () => {
  it("adds trapezoids between cycles: 100→200 W over 300 s is 12.5 Wh on that input", () => {
    const acc = new EnergyAccountant({ timeZone: "Europe/Berlin" });
    const { lifetimes } = run(acc, [
      { at: "2026-06-21T12:00:00", nowMs: NOON, powers: [100, 120, 0, 80] },
      { at: "2026-06-21T12:05:00", nowMs: NOON + 301_000, powers: [200, 220, 10, 80] },
      { at: "2026-06-21T12:10:00", nowMs: NOON + 603_000, powers: [200, 220, 10, 80] },
    ]);
    // Cycle 1 → 2, per input: (100+200)/2, (120+220)/2, (0+10)/2, 80 W for 1/12 h
    //   = 12.5 + 14.1667 + 0.4167 + 6.6667 = 33.75 Wh.
    // Cycle 2 → 3: (200+220+10+80) W for 1/12 h = 42.5 Wh; lifetime 76.25 Wh.
    expect(lifetimes[0]).toBe(0);
    expect(lifetimes[1]).toBeCloseTo(33.75, 1);
    expect(lifetimes[2]).toBeCloseTo(76.25, 1);
  });

  it("the reading's time is our clock at the first cycle plus the ECU's seconds since; DC values are unknown", () => {
    const first = ecuTelemetry(record([100, 0, 0, 0]), cycleTimeMs("2026-06-21T12:00:00")!, NOON, undefined);
    if (first.kind !== "reading") throw new Error(first.kind);
    const next = ecuTelemetry(
      record([100, 0, 0, 0]),
      cycleTimeMs("2026-06-21T12:05:10")!,
      NOON + 330_000,
      first.memory,
    );
    if (next.kind !== "reading") throw new Error(next.kind);
    expect(next.atMs).toBe(NOON + 310_000);
    expect(next.telemetry.uptimeS).toBe(310);
    expect(next.telemetry.channels.map((c) => c.powerW)).toEqual([100, 0, 0, 0]);
    expect(next.telemetry.channels.every((c) => Number.isNaN(c.voltageV) && Number.isNaN(c.currentA))).toBe(
      true,
    );
    expect(next.telemetry).toMatchObject({
      acVoltageV: 236,
      frequencyHz: 50,
      temperatureC: 31,
      acPowerW: 100,
    });
  });

  it("the same cycle read twice books nothing new; an offline record is no reading", () => {
    const first = ecuTelemetry(record([100, 0, 0, 0]), cycleTimeMs("2026-06-21T12:00:00")!, NOON, undefined);
    if (first.kind !== "reading") throw new Error(first.kind);
    expect(
      ecuTelemetry(record([100, 0, 0, 0]), cycleTimeMs("2026-06-21T12:00:00")!, NOON + 300_000, first.memory)
        .kind,
    ).toBe("same-cycle");
    expect(ecuTelemetry(record([], false), cycleTimeMs("2026-06-21T12:05:00")!, NOON, first.memory)).toEqual({
      kind: "skipped",
      why: `${QS1} is offline at the ECU's last cycle`,
    });
  });

  it("a gap longer than 15 min (ECU hung, or night) adds nothing for the unknown time", () => {
    const acc = new EnergyAccountant({ timeZone: "Europe/Berlin" });
    const { lifetimes } = run(acc, [
      { at: "2026-06-21T12:00:00", nowMs: NOON, powers: [300, 0, 0, 0] },
      { at: "2026-06-21T12:05:00", nowMs: NOON + 300_000, powers: [300, 0, 0, 0] }, // 300 W × 1/12 h = 25 Wh
      { at: "2026-06-21T12:35:00", nowMs: NOON + 2_100_000, powers: [300, 0, 0, 0] }, // 30 min gap: +0
      { at: "2026-06-21T12:40:00", nowMs: NOON + 2_400_000, powers: [300, 0, 0, 0] }, // +25 Wh
    ]);
    expect(lifetimes.map((w) => Math.round(w))).toEqual([0, 25, 25, 50]);
  });

  it("a controller restart starts a new session at 0: lifetime continues, nothing counted twice", () => {
    const acc = new EnergyAccountant({ timeZone: "Europe/Berlin" });
    const before = run(acc, [
      { at: "2026-06-21T12:00:00", nowMs: NOON, powers: [240, 0, 0, 0] },
      { at: "2026-06-21T12:05:00", nowMs: NOON + 300_000, powers: [240, 0, 0, 0] }, // 20 Wh
    ]);
    // The process restarts: the ECU memory is gone (no memory passed on); the accounting state is what the
    // store restores, here the same accountant.
    const after = run(acc, [
      { at: "2026-06-21T12:15:00", nowMs: NOON + 900_000, powers: [240, 0, 0, 0] }, // new session: +0
      { at: "2026-06-21T12:20:00", nowMs: NOON + 1_200_000, powers: [240, 0, 0, 0] }, // +20 Wh
    ]);
    expect(before.lifetimes.map(Math.round)).toEqual([0, 20]);
    expect(after.lifetimes.map(Math.round)).toEqual([20, 40]);
  });

  it("an ECU clock stepped back (its NTP, a DST change) starts a new session: no decrease, no spike", () => {
    const acc = new EnergyAccountant({ timeZone: "Europe/Berlin" });
    const { lifetimes } = run(acc, [
      { at: "2026-10-25T02:50:00", nowMs: NOON, powers: [240, 0, 0, 0] },
      { at: "2026-10-25T02:55:00", nowMs: NOON + 300_000, powers: [240, 0, 0, 0] }, // 20 Wh
      { at: "2026-10-25T02:00:00", nowMs: NOON + 600_000, powers: [240, 0, 0, 0] }, // back an hour: new session, +0
      { at: "2026-10-25T02:05:00", nowMs: NOON + 900_000, powers: [240, 0, 0, 0] }, // +20 Wh
    ]);
    expect(lifetimes.map(Math.round)).toEqual([0, 20, 20, 40]);
  });
});
