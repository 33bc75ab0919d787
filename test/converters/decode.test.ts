import { describe, expect, it } from "vitest";
import { type DeviceMemory, decodeRaw, sleepingValues } from "../../converters/lib/decode.ts";
import { exposedKeys } from "../../converters/lib/exposes.ts";
import { FrameError } from "../../src/protocol/errors.ts";
import { modelForSerial } from "../../src/protocol/models.ts";
import { decodeReply } from "../../src/protocol/replies.ts";
import { DS3_ENERGY_WH_PER_LSB, QS1_ENERGY_WH_PER_LSB } from "../../src/protocol/scales.ts";
import type { Telemetry } from "../../src/protocol/types.ts";
import { captures } from "../fixtures/captures.ts";
import { replyPayload } from "./helpers.ts";

const TZ = "Europe/Amsterdam";
const T0 = Date.parse("2024-06-01T10:00:00Z");
const ctx = (atMs: number, published?: Record<string, unknown>) => ({ atMs, timeZone: TZ, published });

function telemetryOf(payload: Uint8Array): Telemetry {
  const r = decodeReply(payload);
  if (r.kind !== "telemetry") throw new Error(`not telemetry: ${r.kind}`);
  return r;
}
const whPerLsb = (t: Telemetry) => (t.family === "ds3" ? DS3_ENERGY_WH_PER_LSB : QS1_ENERGY_WH_PER_LSB);
const kWh = (wh: number) => wh / 1000;

describe("decodeRaw: one reply → catalog state", () => {
  it.each([
    ["qs1Johan", captures.qs1Johan],
    ["yc600Case0", captures.yc600Case0],
    ["yc600Poll36495", captures.yc600Poll36495],
    ["ds3Telemetry", captures.ds3Telemetry],
  ])("%s: every exposed key, values equal to the codec's decode", (_name, capture) => {
    const { payload } = replyPayload(capture);
    const t = telemetryOf(payload);
    const model = modelForSerial(t.serial)!;
    const { values, memory, warnings } = decodeRaw(payload, {}, ctx(T0));

    expect(Object.keys(values).sort()).toEqual(exposedKeys(model.channels).sort());
    expect(warnings).toEqual([]);
    expect(values.status).toBe("producing");
    expect(values.power).toBeCloseTo(t.acPowerW, 1);
    expect(values.ac_voltage).toBeCloseTo(t.acVoltageV, 1);
    expect(values.ac_frequency).toBeCloseTo(t.frequencyHz, 2);
    expect(values.temperature).toBeCloseTo(t.temperatureC, 1);
    for (const c of t.channels) {
      expect(values[`dc_voltage_ch${c.channel}`]).toBeCloseTo(c.voltageV, 2);
      expect(values[`dc_current_ch${c.channel}`]).toBeCloseTo(c.currentA, 3);
      expect(values[`dc_power_ch${c.channel}`]).toBeCloseTo(c.powerW, 1);
      // First reading: the energy since power-up is what this inverter has made so far.
      expect(values[`energy_ch${c.channel}`]).toBeCloseTo(kWh(c.energyCounter * whPerLsb(t)), 4);
      expect(values[`energy_today_ch${c.channel}`]).toBe(values[`energy_ch${c.channel}`]);
    }
    const total = t.channels.reduce((a, c) => a + c.energyCounter * whPerLsb(t), 0);
    expect(values.energy).toBeCloseTo(kWh(total), 4);
    for (const k of ["fault_ground", "fault_grid_voltage", "fault_grid_frequency", "fault_dc"])
      expect(values[k]).toBe(false);
    expect(memory.serial).toBe(t.serial);
    expect(memory.energy?.uptimeS).toBe(t.uptimeS);
  });
});

describe("decodeRaw: energy across polls", () => {
  const first = replyPayload(captures.yc600Poll36495).payload;
  const second = replyPayload(captures.yc600Poll36887).payload;
  const a = telemetryOf(first);
  const b = telemetryOf(second);
  const dtMs = (b.uptimeS - a.uptimeS) * 1000;

  it("two consecutive captured polls accumulate the counter delta; AC power comes from the counters", () => {
    const r1 = decodeRaw(first, {}, ctx(T0));
    const r2 = decodeRaw(second, r1.memory, ctx(T0 + dtMs));
    let deltaWh = 0;
    for (const [i, cb] of b.channels.entries()) {
      const d = (cb.energyCounter - a.channels[i]!.energyCounter) * QS1_ENERGY_WH_PER_LSB;
      deltaWh += d;
      const lifetime = (r: typeof r1) => r.memory.energy!.channels[i]!.lifetimeWh;
      expect(lifetime(r2) - lifetime(r1)).toBeCloseTo(d, 6);
      expect(r2.values[`energy_ch${cb.channel}`]).toBeCloseTo(kWh(lifetime(r2)), 4);
    }
    expect(deltaWh).toBeGreaterThan(0);
    expect(r2.values.energy as number).toBeGreaterThan(r1.values.energy as number);
    expect(r2.values.power).toBeCloseTo((deltaWh * 3600) / (b.uptimeS - a.uptimeS), 1);
  });

  it("the next morning's restart adds the new counter and never lowers the lifetime", () => {
    const r1 = decodeRaw(first, {}, ctx(T0));
    const r2 = decodeRaw(second, r1.memory, ctx(T0 + dtMs));
    const morning = replyPayload(captures.yc600Poll15371).payload;
    const m = telemetryOf(morning);
    const r3 = decodeRaw(morning, r2.memory, ctx(T0 + dtMs + 20 * 3600_000));
    expect(r3.events.some((e) => e.code === "restart")).toBe(true);
    for (const c of m.channels) {
      const before = r2.values[`energy_ch${c.channel}`] as number;
      const since = kWh(c.energyCounter * QS1_ENERGY_WH_PER_LSB);
      // `before` is itself rounded to 0.1 Wh, hence 3 digits.
      expect(r3.values[`energy_ch${c.channel}`]).toBeCloseTo(before + since, 3);
      expect(r3.values[`energy_ch${c.channel}`] as number).toBeGreaterThanOrEqual(before);
      expect(r3.values[`energy_today_ch${c.channel}`]).toBeCloseTo(since, 4);
    }
  });
});

describe("decodeRaw: seeding from the published state after a zigbee2mqtt restart", () => {
  const { payload } = replyPayload(captures.yc600Poll36495);
  const t = telemetryOf(payload);
  const since = (ch: number) => kWh(t.channels[ch - 1]!.energyCounter * QS1_ENERGY_WH_PER_LSB);

  it("adds only what today's published energy did not already count", () => {
    const published = { energy_ch1: 12.5, energy_today_ch1: 0.2, energy_ch2: 3, energy_today_ch2: 0 };
    const { values } = decodeRaw(payload, {}, ctx(T0, published));
    expect(values.energy_ch1).toBeCloseTo(12.5 + (since(1) - 0.2), 4);
    expect(values.energy_ch2).toBeCloseTo(3 + since(2), 4);
    expect(values.energy_today_ch1).toBeCloseTo(since(1), 4);
  });

  it("never goes below the published lifetime, even when the published 'today' is larger (yesterday's)", () => {
    const published = { energy_ch1: 12.5, energy_today_ch1: 5, energy_ch2: 3, energy_today_ch2: 5 };
    const { values } = decodeRaw(payload, {}, ctx(T0, published));
    expect(values.energy_ch1).toBe(12.5);
    expect(values.energy_ch2).toBe(3);
  });

  it("ignores the published state once the device has memory", () => {
    const r1 = decodeRaw(payload, {}, ctx(T0));
    const r2 = decodeRaw(payload, r1.memory, ctx(T0 + 1000, { energy_ch1: 999 }));
    expect(r2.values.energy_ch1).toBe(r1.values.energy_ch1);
  });
});

describe("decodeRaw: other replies", () => {
  it("an AES-paired inverter reports status encrypted, a warning and no values", () => {
    // openaps AES layout: serial, 6-byte nonce, ciphertext — the byte after the serial is below F0.
    const payload = Buffer.from(`801000085070${"3c".repeat(6)}${"a5".repeat(32)}`, "hex");
    const r = decodeRaw(payload, {}, ctx(T0));
    expect(r.values).toEqual({ status: "encrypted" });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/AES/);
    expect(r.memory.energy).toBeUndefined();
  });

  it.each([
    ["yc600Limit300", captures.yc600Limit300, 300],
    ["ds3Limit600", captures.ds3Limit600, 600],
  ])("%s: the read-back limit becomes max_power", (_n, capture, watts) => {
    const r = decodeRaw(replyPayload(capture).payload, {}, ctx(T0));
    expect(r.values).toEqual({ max_power: watts });
  });

  it("a payload that is not an inverter reply throws a FrameError", () => {
    const payload = Buffer.from("801000085070fbfb51b1", "hex");
    expect(() => decodeRaw(payload, {}, ctx(T0))).toThrow(FrameError);
  });

  it("another serial behind the same address starts a fresh memory", () => {
    const qs1 = decodeRaw(replyPayload(captures.qs1Johan).payload, {}, ctx(T0));
    const yc = decodeRaw(replyPayload(captures.yc600Case0).payload, qs1.memory, ctx(T0 + 60_000));
    expect(yc.memory.serial).toBe("408000158215");
    expect(yc.memory.energy?.serial).toBe("408000158215");
  });
});

describe("sleepingValues", () => {
  const { payload } = replyPayload(captures.qs1Johan);
  const awake = decodeRaw(payload, {}, ctx(T0));

  it("is undefined before the first reading", () => {
    const none: DeviceMemory = {};
    expect(sleepingValues(none, ctx(T0))).toBeUndefined();
  });

  it("reads 0 W and keeps every energy the same evening", () => {
    const v = sleepingValues(awake.memory, ctx(T0 + 3600_000))!;
    expect(v.status).toBe("sleeping");
    expect(v.power).toBe(0);
    for (let ch = 1; ch <= 4; ch++) {
      expect(v[`dc_power_ch${ch}`]).toBe(0);
      expect(v[`energy_ch${ch}`]).toBe(awake.values[`energy_ch${ch}`]);
      expect(v[`energy_today_ch${ch}`]).toBe(awake.values[`energy_today_ch${ch}`]);
    }
    expect(v.energy).toBe(awake.values.energy);
  });

  it("after local midnight today's energy reads 0 and the lifetime stays", () => {
    const v = sleepingValues(awake.memory, ctx(T0 + 24 * 3600_000))!;
    expect(v.energy_today).toBe(0);
    expect(v.energy_today_ch1).toBe(0);
    expect(v.energy).toBe(awake.values.energy);
  });
});
