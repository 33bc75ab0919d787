/**
 * decode.ts beyond a first telemetry reading: what the device's memory keeps between replies, a host that
 * books energy in its own store, and what is published while the inverter is silent.
 */
import { describe, expect, it } from "vitest";
import { decodeRaw, readingValues, sleepingValues } from "../../converters/lib/decode.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { modelByName } from "../../src/protocol/models.ts";
import { decodeReply } from "../../src/protocol/replies.ts";
import type { AccountingResult } from "../../src/site/energy/state.ts";
import { captures } from "../fixtures/captures.ts";
import { replyPayload } from "./helpers.ts";

const TZ = "Europe/Amsterdam";
const T0 = Date.parse("2024-06-01T10:00:00Z");
const ctx = { atMs: T0, timeZone: TZ };
const telemetry = replyPayload(captures.yc600Poll36495).payload;
const limit = replyPayload(captures.yc600Limit300).payload;
const aes = Buffer.from(`408000158215${"3c".repeat(6)}${"a5".repeat(32)}`, "hex");

describe("the read-back limit", () => {
  it("before any telemetry: max_power alone, and the memory knows only the serial", () => {
    const r = decodeRaw(limit, {}, ctx);
    expect(r.values).toEqual({ max_power: 300 });
    expect(r.memory).toEqual({ serial: "408000158215" });
    expect(r.events).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.accounting).toBeUndefined();
  });

  it("after telemetry: max_power alone, the energy memory kept as it was", () => {
    const first = decodeRaw(telemetry, {}, ctx);
    const r = decodeRaw(limit, first.memory, { ...ctx, atMs: T0 + 60_000 });
    expect(r.values).toEqual({ max_power: 300 });
    expect(r.memory).toEqual(first.memory);
    expect(r.memory.energy?.channels[0]?.lifetimeWh).toBeCloseTo(263.63909, 4);
  });
});

describe("an AES-paired inverter", () => {
  it("is remembered as encrypted, with no energy; nothing is published for it while silent", () => {
    const r = decodeRaw(aes, {}, ctx);
    expect(r.memory).toEqual({ serial: "408000158215", status: "encrypted" });
    expect(r.events).toEqual([]);
    expect(sleepingValues(r.memory, { ...ctx, atMs: T0 + 3600_000 })).toBeUndefined();
  });

  it("an encrypted reply after telemetry keeps the energy memory", () => {
    const first = decodeRaw(telemetry, {}, ctx);
    const r = decodeRaw(aes, first.memory, ctx);
    expect(r.memory.status).toBe("encrypted");
    expect(r.memory.energy).toEqual(first.memory.energy);
  });
});

describe("a host with its own energy store (ctx.account)", () => {
  // The store's booking, written out: 250 + 125 Wh lifetime, 40 + 20 Wh today, 61.5 W from its counters.
  const booking: AccountingResult = {
    serial: "408000158215",
    atMs: T0,
    day: "2024-06-01",
    session: "continued",
    deltaWh: 1,
    lifetimeWh: 375,
    todayWh: 60,
    acPowerW: 61.5,
    acPowerSource: "counters",
    channels: [
      {
        channel: 1,
        voltageV: 33.3,
        currentA: 0.6,
        powerW: 21,
        deltaWh: 1,
        lifetimeWh: 250,
        todayWh: 40,
        rejected: null,
      },
      {
        channel: 2,
        voltageV: 1,
        currentA: 0,
        powerW: 0,
        deltaWh: 0,
        lifetimeWh: 125,
        todayWh: 20,
        rejected: null,
      },
    ],
    events: [{ level: "debug", code: "restart", serial: "408000158215", atMs: T0, message: "restarted" }],
  };

  it("publishes the store's energies and power, keeps no energy of its own, passes its events on", () => {
    const reply = decodeReply(telemetry);
    const seen: number[] = [];
    const r = readingValues(
      reply,
      {},
      {
        ...ctx,
        account: (t, atMs) => {
          expect(t).toBe(reply);
          seen.push(atMs);
          return booking;
        },
      },
    );
    expect(seen).toEqual([T0]);
    expect(r.values).toMatchObject({
      power: 61.5,
      energy: 0.375,
      energy_today: 0.06,
      energy_ch1: 0.25,
      energy_today_ch1: 0.04,
      energy_ch2: 0.125,
      energy_today_ch2: 0.02,
      status: "producing",
    });
    expect(r.memory.energy).toBeUndefined();
    expect(r.memory.status).toBe("producing");
    expect(r.memory.telemetry).toBe(reply);
    expect(r.accounting).toBe(booking);
    expect(r.events).toEqual(booking.events);
  });

  it("below 1 W by the store's counters the inverter is idle", () => {
    const r = readingValues(
      decodeReply(telemetry),
      {},
      { ...ctx, account: () => ({ ...booking, acPowerW: 0.4 }) },
    );
    expect(r.values.status).toBe("idle");
    expect(r.values.power).toBe(0.4);
  });
});

describe("the model", () => {
  // host-model.test.ts: the QS1 capture under serial 803000085070 (no model has prefix 803).
  const l2 = replyPayload(captures.qs1Johan).payload.subarray(6);
  const unknownPrefix = Uint8Array.from([...fromHex("803000085070"), ...l2]);

  it("the caller's model reads a serial whose prefix no model has; while silent too", () => {
    const QS1 = modelByName("QS1")!;
    const r = decodeRaw(unknownPrefix, {}, { ...ctx, model: QS1 });
    expect(r.values.status).toBe("producing");
    expect(Object.keys(r.values)).toContain("energy_ch4");
    const silent = sleepingValues(r.memory, { atMs: T0 + 3600_000, timeZone: TZ, model: QS1 });
    expect(silent?.status).toBe("sleeping");
    // Without it: a FrameError with code "serial" (the CLI and the radio print the code first).
    expect(() => sleepingValues(r.memory, { atMs: T0 + 3600_000, timeZone: TZ })).toThrow(
      /^serial: serial 803000085070 has no known APsystems model prefix$/,
    );
  });

  it("without one, the serial's prefix: a YC600 publishes two channels while silent", () => {
    const r = decodeRaw(telemetry, {}, ctx);
    const silent = sleepingValues(r.memory, { atMs: T0 + 3600_000, timeZone: TZ })!;
    expect(silent.status).toBe("sleeping");
    expect(silent.energy_ch2).toBe(0.0001); // 0.11458 Wh
    expect("energy_ch3" in silent).toBe(false);
    expect("dc_voltage_ch3" in silent).toBe(false);
  });
});

describe("a fault while silent", () => {
  it("the last reading's fault flags stay published after it has gone to sleep", () => {
    const p = Uint8Array.from(replyPayload(captures.qs1Johan).payload);
    p.fill(0, 33, 37);
    p[33] = 1 << 3; // DESIGN.md §2: byte 33 b3 = DC ground fault (GFDI)
    const r = decodeRaw(p, {}, ctx);
    expect(r.memory.status).toBe("fault");
    const silent = sleepingValues(r.memory, { ...ctx, atMs: T0 + 3600_000 })!;
    expect(silent).toMatchObject({ status: "sleeping", power: 0, fault_ground: true, fault_dc: false });
  });
});
