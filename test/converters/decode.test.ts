import { beforeEach, describe, expect, it } from "vitest";
import { type DeviceMemory, decodeRaw, sleepingValues } from "../../converters/lib/decode.ts";
import { exposedKeys } from "../../converters/lib/exposes.ts";
import { FrameError } from "../../src/protocol/errors.ts";
import { modelForSerial } from "../../src/protocol/models.ts";
import { WORKED } from "../fixtures/capture-values.ts";
import { captures } from "../fixtures/captures.ts";
import { expectPublished, expectWorkedState, kWh } from "../fixtures/published.ts";
import { replyPayload } from "./helpers.ts";

const TZ = "Europe/Amsterdam";
const T0 = Date.parse("2024-06-01T10:00:00Z");
const ctx = (atMs: number, published?: Record<string, unknown>) => ({ atMs, timeZone: TZ, published });

describe("decodeRaw: one reply → catalog state", () => {
  it.each([
    ["qs1Johan", captures.qs1Johan, "801000085070"],
    ["yc600Case0", captures.yc600Case0, "408000158215"],
    ["yc600Poll36495", captures.yc600Poll36495, "408000158215"],
    ["ds3Telemetry", captures.ds3Telemetry, "703000021300"],
  ] as const)("%s: every exposed key, values equal to the worked decode", (name, capture, serial) => {
    const { payload } = replyPayload(capture);
    const model = modelForSerial(serial)!;
    const { values, memory, warnings } = decodeRaw(payload, {}, ctx(T0));

    expect(Object.keys(values).sort()).toEqual(exposedKeys(model.channels).sort());
    expect(warnings).toEqual([]);
    expect(values.status).toBe("producing");
    expectWorkedState(values, WORKED[name]);
    for (const k of ["fault_ground", "fault_grid_voltage", "fault_grid_frequency", "fault_dc"])
      expect(values[k]).toBe(false);
    expect(memory.serial).toBe(serial);
    expect(memory.energy?.uptimeS).toBe(WORKED[name].uptimeS);
  });
});

describe("decodeRaw: energy across polls", () => {
  const first = replyPayload(captures.yc600Poll36495).payload;
  const second = replyPayload(captures.yc600Poll36887).payload;
  const [a, b] = [WORKED.yc600Poll36495, WORKED.yc600Poll36887];
  const dtS = b.uptimeS - a.uptimeS; // 36 887 − 36 495 = 392 s, as the source logs
  const dtMs = dtS * 1000;

  it("two consecutive captured polls accumulate the counter delta; AC power comes from the counters", () => {
    const r1 = decodeRaw(first, {}, ctx(T0));
    const r2 = decodeRaw(second, r1.memory, ctx(T0 + dtMs));
    // Worked: A (7 119 690 115 − 7 019 145 225) = 100 544 890 steps × 3.756e-8 = 3.77647 Wh;
    // B (3 067 926 − 3 050 656) = 17 270 steps = 0.00065 Wh.
    const deltaWh = [3.77647, 0.00065];
    deltaWh.forEach((d, i) => {
      const lifetime = (r: typeof r1) => r.memory.energy!.channels[i]!.lifetimeWh;
      expect(lifetime(r2) - lifetime(r1)).toBeCloseTo(d, 4);
      expect(r2.values[`energy_ch${i + 1}`]).toBeCloseTo(kWh(lifetime(r2)), 4);
    });
    expect(r2.values.energy as number).toBeGreaterThan(r1.values.energy as number);
    // 3.77712 Wh × 3600 / 392 s = 34.688 W. The source logs ~32.5 W for the same delta on the ESP-ECU
    // scale (top 3 counter bytes × 8.311 / 3600 Wh), which reads 6.6 % lower (research §6).
    expectPublished(r2.values.power, 34.6878, 1, "power");
  });

  it("the next morning's restart adds the new counter and never lowers the lifetime", () => {
    const r1 = decodeRaw(first, {}, ctx(T0));
    const r2 = decodeRaw(second, r1.memory, ctx(T0 + dtMs));
    const morning = replyPayload(captures.yc600Poll15371).payload;
    const r3 = decodeRaw(morning, r2.memory, ctx(T0 + dtMs + 20 * 3600_000));
    expect(r3.events.some((e) => e.code === "restart")).toBe(true);
    WORKED.yc600Poll15371.channels.forEach((c, i) => {
      const key = `energy_ch${i + 1}`;
      const before = r2.values[key] as number;
      const since = kWh(c.energyWh);
      // `before` is itself rounded to 0.1 Wh, hence 3 digits.
      expect(r3.values[key]).toBeCloseTo(before + since, 3);
      expect(r3.values[key] as number).toBeGreaterThanOrEqual(before);
      expectPublished(r3.values[`energy_today_ch${i + 1}`], since, 4, `energy_today_ch${i + 1}`);
    });
  });
});

describe("decodeRaw: seeding from the published state after a zigbee2mqtt restart", () => {
  const { payload } = replyPayload(captures.yc600Poll36495);
  const since = (ch: number) => kWh(WORKED.yc600Poll36495.channels[ch - 1]!.energyWh);

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
  // Decoded per test, not at collection: Stryker activates a mutant only for the tests' run.
  let awake: ReturnType<typeof decodeRaw>;
  beforeEach(() => {
    awake = decodeRaw(payload, {}, ctx(T0));
  });

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
