/**
 * In-memory energy for zigbee2mqtt (converters/lib/energy.ts, docs/zigbee2mqtt.md "Energy"): the lifetime
 * seeded from zigbee2mqtt's state cache after a restart, channel by channel, with the rule
 *
 *   lifetime = cached lifetime + max(0, energy since power-up − cached energy today)
 *
 * worked out by hand on the YC600 capture `yc600Poll36495` (capture-values.ts: since power-up A 263.63909 Wh,
 * B 0.11458 Wh), and "today" per local day.
 */
import { describe, expect, it } from "vitest";
import { accountReading, energyTotals } from "../../converters/lib/energy.ts";
import { decodeReply } from "../../src/protocol/replies.ts";
import type { Telemetry } from "../../src/protocol/types.ts";
import type { InverterState } from "../../src/site/energy/state.ts";
import { captures } from "../fixtures/captures.ts";
import { replyPayload } from "./helpers.ts";

const TZ = "Europe/Amsterdam";
const T0 = Date.parse("2024-06-01T10:00:00Z");
const ctx = { atMs: T0, timeZone: TZ, calibration: 1 };
const reply = decodeReply(replyPayload(captures.yc600Poll36495).payload);
if (reply.kind !== "telemetry") throw new Error(`yc600Poll36495 decodes as ${reply.kind}`);
const reading: Telemetry = reply;

const seeded = (published: Record<string, unknown>) => accountReading(undefined, reading, ctx, published);
const lifetimes = (s: { channels: { lifetimeWh: number }[] }) => s.channels.map((c) => c.lifetimeWh);

describe("seeding from the published state", () => {
  it("no cache: the lifetime is the energy since power-up", () => {
    const { next, result } = accountReading(undefined, reading, ctx);
    expect(lifetimes(next)[0]).toBeCloseTo(263.63909, 4);
    expect(lifetimes(next)[1]).toBeCloseTo(0.11458, 4);
    expect(result.lifetimeWh).toBeCloseTo(263.75367, 4);
  });

  it("both channels cached: A 12 500 + (263.63909 − 200) Wh, B 3 000 + 0.11458 Wh; the booking says so too", () => {
    const { next, result } = seeded({
      energy_ch1: 12.5,
      energy_today_ch1: 0.2,
      energy_ch2: 3,
      energy_today_ch2: 0,
    });
    expect(lifetimes(next)[0]).toBeCloseTo(12_563.63909, 4);
    expect(lifetimes(next)[1]).toBeCloseTo(3_000.11458, 4);
    expect(lifetimes(result)[0]).toBeCloseTo(12_563.63909, 4);
    expect(lifetimes(result)[1]).toBeCloseTo(3_000.11458, 4);
    expect(result.lifetimeWh).toBeCloseTo(15_563.75367, 4);
    // Today is what the inverter made since power-up, whatever the cache held.
    expect(result.channels[0]!.todayWh).toBeCloseTo(263.63909, 4);
  });

  it("only channel 2 cached: channel 1 keeps its energy since power-up", () => {
    const { next, result } = seeded({ energy_ch2: 3, energy_today_ch2: 0.0001 });
    // B: 3 000 + max(0, 0.11458 − 0.1) = 3 000.01458 Wh.
    expect(lifetimes(next)[0]).toBeCloseTo(263.63909, 4);
    expect(lifetimes(next)[1]).toBeCloseTo(3_000.01458, 4);
    expect(result.lifetimeWh).toBeCloseTo(3_263.65367, 4);
  });

  it("a cached lifetime without a cached today: nothing of today was counted yet", () => {
    const { next } = seeded({ energy_ch1: 12.5 });
    expect(lifetimes(next)[0]).toBeCloseTo(12_763.63909, 4);
  });

  it("a cached lifetime of 0 kWh is a lifetime: 0 + (263.63909 − 100) Wh", () => {
    const { next } = seeded({ energy_ch1: 0, energy_today_ch1: 0.1 });
    expect(lifetimes(next)[0]).toBeCloseTo(163.63909, 4);
  });

  it("a cached today above the energy since power-up (yesterday's) adds nothing", () => {
    const { next } = seeded({ energy_ch1: 12.5, energy_today_ch1: 0.3 });
    expect(lifetimes(next)[0]).toBe(12_500);
  });

  it.each([
    ["negative", -5],
    ["not a number", "12.5"],
    ["NaN", Number.NaN],
    ["infinite", Number.POSITIVE_INFINITY],
    ["null (zigbee2mqtt's 'no value yet')", null],
  ])("a cached lifetime that is %s is not one: the reading stands alone", (_what, value) => {
    const { next, result } = seeded({ energy_ch1: value, energy_today_ch1: 0.2 });
    expect(lifetimes(next)[0]).toBeCloseTo(263.63909, 4);
    expect(result.lifetimeWh).toBeCloseTo(263.75367, 4);
  });

  it("a cached today that is no energy counts as 0", () => {
    const { next } = seeded({ energy_ch1: 12.5, energy_today_ch1: -1 });
    expect(lifetimes(next)[0]).toBeCloseTo(12_763.63909, 4);
  });

  it("only before the first reading: with an earlier state the cache is ignored", () => {
    const first = accountReading(undefined, reading, ctx);
    const again = accountReading(first.next, reading, { ...ctx, atMs: T0 + 1000 }, { energy_ch1: 999 });
    expect(lifetimes(again.next)[0]).toBeCloseTo(263.63909, 4);
  });
});

describe("energyTotals: today per local day", () => {
  const state = (day: string | null): InverterState => ({
    serial: "408000158215",
    atMs: T0,
    uptimeS: 36495,
    day,
    channels: [
      { counter: 1, lifetimeWh: 5000, dayWh: 120, fallbackCounter: null, fallbackAtMs: null },
      { counter: 1, lifetimeWh: 7000, dayWh: 80, fallbackCounter: null, fallbackAtMs: null },
    ],
    retiredBy: null,
  });
  const today = (s: InverterState, at: string, zone = TZ) => energyTotals(s, Date.parse(at), zone);

  it("the same local day: lifetime and today as booked", () => {
    // 21:59Z = 23:59 in Amsterdam (CEST).
    expect(today(state("2024-06-01"), "2024-06-01T21:59:00Z")).toEqual([
      { lifetimeWh: 5000, todayWh: 120 },
      { lifetimeWh: 7000, todayWh: 80 },
    ]);
  });

  it("after local midnight today is 0, the lifetime stays", () => {
    // 22:00Z = 00:00 the next day in Amsterdam; still June 1 in UTC.
    expect(today(state("2024-06-01"), "2024-06-01T22:00:00Z")).toEqual([
      { lifetimeWh: 5000, todayWh: 0 },
      { lifetimeWh: 7000, todayWh: 0 },
    ]);
    expect(today(state("2024-06-01"), "2024-06-01T22:00:00Z", "UTC")[0]!.todayWh).toBe(120);
  });

  it("a clock set back before the booked day still shows that day's energy", () => {
    expect(today(state("2024-06-02"), "2024-06-01T12:00:00Z")[1]).toEqual({ lifetimeWh: 7000, todayWh: 80 });
  });

  it("nothing booked on any day yet: today 0", () => {
    expect(today(state(null), "2024-06-01T12:00:00Z")).toEqual([
      { lifetimeWh: 5000, todayWh: 0 },
      { lifetimeWh: 7000, todayWh: 0 },
    ]);
  });
});
