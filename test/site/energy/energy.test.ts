import { describe, expect, it } from "vitest";
import {
  acPowerFromCounters,
  EnergyAccountant,
  type EnergyEvent,
  type EnergyEventCode,
  type InverterState,
  type SessionKind,
} from "../../../src/site/energy/index.ts";
import { defaultMaxChannelW } from "../../../src/site/energy/units.ts";
import { at, DS3_SERIAL, type Poll, QS1_SERIAL, rawOf, session, TZ, telemetry, whOf } from "./fixtures.ts";

const W = [100, 120, 80, 150];
const hour = 3_600_000;
const day1 = session(at("2024-06-01T05:30+02:00"), at("2024-06-01T06:00+02:00"), 24, W);
const day2 = session(at("2024-06-02T05:31+02:00"), at("2024-06-02T06:00+02:00"), 24, W);
const day2Afternoon = session(at("2024-06-02T05:31+02:00"), at("2024-06-02T13:00+02:00"), 5, W);
const last = (s: Poll[]) => s[s.length - 1]!.counters;
const add = (a: number[], b: number[]) => a.map((x, i) => x + b[i]!);
const sub = (a: number[], b: number[]) => a.map((x, i) => x - b[i]!);

/** `counters` may carry exact raw values where a scenario needs them (wraps). */
type Step = Omit<Poll, "counters"> & { counters: (number | { raw: number })[] };

function withCounter(polls: Poll[], from: number, to: number, ch: number, f: (wh: number) => number): Step[] {
  return polls.map((p, k) =>
    k >= from && k <= to ? { ...p, counters: p.counters.map((c, i) => (i === ch ? f(c) : c)) } : p,
  );
}

const brownOutAt = day1[day1.length - 1]!.atMs + 150_000;
const afterBrownOut = session(brownOutAt + 30_000, day1[day1.length - 1]!.atMs + 300_000, 6, W);
const wrapping = session(at("2024-06-21T12:00+02:00") - 65_000_000, at("2024-06-21T12:00+02:00"), 10, W);

const nearTop = 2 ** 40 - rawOf(5);
const wrapStart: InverterState = {
  serial: QS1_SERIAL,
  atMs: at("2024-06-01T12:00+02:00"),
  uptimeS: 30_000,
  day: "2024-06-01",
  channels: [{ counter: nearTop, lifetimeWh: 1000, dayWh: 300, fallbackCounter: null, fallbackAtMs: null }],
  retiredBy: null,
};
const wrapStep = rawOf((100 * 300) / 3600);

interface Scenario {
  name: string;
  steps: Step[];
  initial?: InverterState;
  expectWh: number[];
  events?: EnergyEventCode[];
  noEvents?: EnergyEventCode[];
  sessions?: Partial<Record<number, SessionKind>>;
}

const scenarios: Scenario[] = [
  {
    name: "normal day",
    steps: day1,
    expectWh: last(day1),
    noEvents: ["restart", "implausible"],
    sessions: { 0: "first", 1: "continued" },
  },
  {
    name: "nightly restart",
    steps: [...day1, ...day2],
    expectWh: add(last(day1), last(day2)),
    events: ["restart"],
    noEvents: ["implausible", "clock-anomaly"],
    sessions: { 24: "restart", 25: "continued" },
  },
  {
    name: "missed whole morning",
    steps: [...day1, ...day2Afternoon],
    expectWh: add(last(day1), last(day2Afternoon)),
    events: ["restart"],
    noEvents: ["implausible"],
  },
  {
    name: "restart mid-day after a brown-out",
    steps: [...day1, ...afterBrownOut],
    // The 150 s between the last poll and the brown-out died with the old counter.
    expectWh: add(last(day1), last(afterBrownOut)),
    events: ["restart"],
    noEvents: ["implausible"],
    sessions: { 24: "restart" },
  },
  {
    name: "uptime wrap past 65535 s",
    steps: wrapping,
    expectWh: last(wrapping),
    events: ["uptime-wrap"],
    noEvents: ["restart", "implausible"],
  },
  {
    name: "41 h without polls whose uptimes line up modulo 65536 reads as a restart",
    steps: [
      { atMs: at("2024-06-01T19:00+02:00"), uptimeS: 50_000, counters: [100] },
      // 3000 − 50 000 + 3 × 65 536 = 149 608 s later the new session's uptime is 3000 s.
      { atMs: at("2024-06-01T19:00+02:00") + 149_608_000, uptimeS: 3000, counters: [150] },
    ],
    expectWh: [250],
    events: ["restart"],
    sessions: { 1: "restart" },
  },
  {
    name: "5-byte counter wrap",
    initial: wrapStart,
    steps: [1, 2, 3].map((k) => ({
      atMs: wrapStart.atMs! + k * 300_000,
      uptimeS: 30_000 + k * 300,
      counters: [{ raw: (nearTop + k * wrapStep) % 2 ** 40 }],
    })),
    expectWh: [1000 + whOf(3 * wrapStep)],
    events: ["counter-wrap"],
    noEvents: ["restart", "implausible"],
  },
  {
    name: "one-off garbage jump is rejected, then recovered",
    steps: withCounter(day1, 10, 10, 0, (wh) => wh + 5000),
    expectWh: last(day1),
    events: ["implausible", "recovered"],
  },
  {
    name: "lasting jump is rejected once and re-anchored",
    steps: withCounter(day1, 10, 23, 0, (wh) => wh + 5000),
    expectWh: sub(last(day1), [day1[10]!.counters[0]! - day1[9]!.counters[0]!, 0, 0, 0]),
    events: ["implausible"],
    noEvents: ["recovered"],
  },
  {
    name: "one-off counter dropping to near zero mid-session",
    steps: withCounter(day1, 10, 10, 2, () => 0.5),
    expectWh: last(day1),
    events: ["counter-down", "recovered"],
  },
  {
    name: "garbage low uptime mid-day does not re-count the morning",
    steps: day1.map((p, k) => (k === 10 ? { ...p, uptimeS: 100 } : p)),
    expectWh: sub(last(day1), sub(day1[10]!.counters, day1[9]!.counters)),
    events: ["restart", "implausible"],
  },
  {
    name: "first reading more than possible since power-up",
    steps: [
      { atMs: at("2024-06-01T06:00+02:00"), uptimeS: 60, counters: [5000] },
      { atMs: at("2024-06-01T06:05+02:00"), uptimeS: 360, counters: [5000 + 10] },
    ],
    expectWh: [10],
    events: ["implausible"],
  },
];

describe("EnergyAccountant scenarios", () => {
  it.each(scenarios)("$name", ({ steps, initial, expectWh, events = [], noEvents = [], sessions = {} }) => {
    const seen: EnergyEvent[] = [];
    const acc = new EnergyAccountant({ timeZone: TZ, log: (e) => seen.push(e) }, initial ? [initial] : []);
    let previous = -1;
    steps.forEach((s, k) => {
      const r = acc.record(telemetry({ uptimeS: s.uptimeS, counters: s.counters }), s.atMs);
      expect(r.lifetimeWh).toBeGreaterThanOrEqual(previous);
      previous = r.lifetimeWh;
      if (sessions[k] !== undefined) expect(r.session, `session of step ${k}`).toBe(sessions[k]);
    });
    const got = acc.lifetime(QS1_SERIAL)!;
    for (const [i, wh] of got.channelsWh.entries()) expect(wh).toBeCloseTo(expectWh[i]!, 3);
    expect(got.inverterWh).toBeCloseTo(
      expectWh.reduce((a, b) => a + b, 0),
      3,
    );
    const codes = new Set(seen.map((e) => e.code));
    for (const c of events) expect(codes, `expected a ${c} event`).toContain(c);
    for (const c of noEvents) expect(codes, `unexpected ${c} event`).not.toContain(c);
    for (const e of seen.filter((x) => x.level === "warn")) expect(e.message.length).toBeGreaterThan(10);
  });
});

describe("EnergyAccountant details", () => {
  it("multiplies every Wh by the calibration factor", () => {
    const acc = new EnergyAccountant({ timeZone: TZ, calibration: 0.934 });
    for (const p of day1) acc.record(telemetry(p), p.atMs);
    const got = acc.lifetime(QS1_SERIAL)!;
    for (const [i, wh] of got.channelsWh.entries()) expect(wh).toBeCloseTo(0.934 * last(day1)[i]!, 3);
  });

  it("rejects a bad calibration or time zone with the setting's name", () => {
    expect(() => new EnergyAccountant({ timeZone: TZ, calibration: 0 })).toThrow(/energy_calibration/);
    expect(() => new EnergyAccountant({ timeZone: "Mars/Olympus" })).toThrow(/timezone/);
  });

  it("derives AC power from counters within a session, estimates it otherwise", () => {
    const acc = new EnergyAccountant({ timeZone: TZ });
    const first = acc.record(telemetry({ ...day1[0]!, acPowerW: 431 }), day1[0]!.atMs);
    expect(first.acPowerSource).toBe("estimate");
    expect(first.acPowerW).toBe(431);
    const second = acc.record(telemetry(day1[1]!), day1[1]!.atMs);
    expect(second.acPowerSource).toBe("counters");
    expect(second.acPowerW).toBeCloseTo(
      W.reduce((a, b) => a + b, 0),
      0,
    );
    const restarted = acc.record(telemetry(day2[0]!), day2[0]!.atMs);
    expect(restarted.acPowerSource).toBe("estimate");
  });

  it("acPowerFromCounters is Wh over inverter seconds, undefined without elapsed uptime", () => {
    expect(acPowerFromCounters(25, 300)).toBe(300);
    expect(acPowerFromCounters(25, 0)).toBeUndefined();
    expect(acPowerFromCounters(-1, 300)).toBeUndefined();
  });

  it("keeps DS3's reported AC power and its 32-bit counter scale", () => {
    const acc = new EnergyAccountant({ timeZone: TZ });
    const ds3 = session(at("2024-06-01T05:30+02:00"), at("2024-06-01T06:00+02:00"), 6, [300, 310]);
    let r = acc.record(telemetry({ ...ds3[0]!, model: "DS3", acPowerW: 580 }), ds3[0]!.atMs);
    for (const p of ds3.slice(1)) r = acc.record(telemetry({ ...p, model: "DS3", acPowerW: 580 }), p.atMs);
    expect(r.acPowerSource).toBe("reported");
    expect(r.acPowerW).toBe(580);
    expect(acc.lifetime(DS3_SERIAL)!.inverterWh).toBeCloseTo(last(ds3)[0]! + last(ds3)[1]!, 2);
  });

  it("uses the configured per-channel ceiling instead of the datasheet default", () => {
    expect(defaultMaxChannelW("QS1")).toBe(450);
    const acc = new EnergyAccountant({
      timeZone: TZ,
      maxChannelW: (_s, model) => (model === "QS1" ? 50 : undefined),
    });
    for (const p of day1.slice(0, 3)) acc.record(telemetry({ ...p, counters: [p.counters[0]!] }), p.atMs);
    expect(acc.lifetime(QS1_SERIAL)!.inverterWh).toBe(0);
  });

  it("ignores invalid counters and uptimes, saying why", () => {
    const seen: EnergyEvent[] = [];
    const acc = new EnergyAccountant({ timeZone: TZ, log: (e) => seen.push(e) });
    acc.record(telemetry(day1[0]!), day1[0]!.atMs);
    const r = acc.record(
      telemetry({ ...day1[1]!, counters: [{ raw: -1 }, { raw: 2 ** 41 }, 1, 1] }),
      day1[1]!.atMs,
    );
    expect(r.channels[0]!.rejected).toMatch(/outside/);
    expect(r.channels[1]!.rejected).toMatch(/outside/);
    const bad = acc.record(telemetry({ ...day1[2]!, uptimeS: 70_000 }), day1[2]!.atMs);
    expect(bad.deltaWh).toBe(0);
    expect(seen.filter((e) => e.code === "invalid").length).toBe(3);
  });

  it("step() changes nothing until commit()", () => {
    const acc = new EnergyAccountant({ timeZone: TZ });
    acc.record(telemetry(day1[0]!), day1[0]!.atMs);
    const before = acc.state(QS1_SERIAL);
    const a = acc.step(telemetry(day1[1]!), day1[1]!.atMs);
    const b = acc.step(telemetry(day1[1]!), day1[1]!.atMs);
    expect(a.result).toEqual(b.result);
    expect(acc.state(QS1_SERIAL)).toEqual(before);
    acc.commit(a.next);
    expect(acc.lifetime(QS1_SERIAL)!.inverterWh).toBeCloseTo(a.result.lifetimeWh, 9);
  });
});

describe("carry-over on replacement", () => {
  const NEW = "801000099999";
  it("continues the old unit's lifetime and today's energy on the new serial", () => {
    const acc = new EnergyAccountant({ timeZone: TZ });
    for (const p of day1.slice(0, 12)) acc.record(telemetry(p), p.atMs);
    const swapAt = day1[11]!.atMs + hour;
    acc.carryOver(QS1_SERIAL, NEW, swapAt);
    expect(acc.state(QS1_SERIAL)!.retiredBy).toBe(NEW);
    expect(acc.lifetime(NEW)).toEqual(acc.lifetime(QS1_SERIAL));
    // The new unit powers up at the swap and counts from zero.
    const fresh = session(swapAt, swapAt + 120_000, 3, W);
    for (const p of fresh) acc.record(telemetry({ ...p, serial: NEW }), p.atMs);
    const expected = add(day1[11]!.counters, last(fresh));
    for (const [i, wh] of acc.lifetime(NEW)!.channelsWh.entries()) expect(wh).toBeCloseTo(expected[i]!, 3);
    for (const [i, wh] of acc.today(NEW, swapAt + hour)!.channelsWh.entries())
      expect(wh).toBeCloseTo(expected[i]!, 3);
  });

  it("refuses unknown old units and new units that already have energy", () => {
    const acc = new EnergyAccountant({ timeZone: TZ });
    expect(() => acc.carryOver("801000000001", NEW, day1[0]!.atMs)).toThrow(/no energy recorded/);
    acc.record(telemetry(day1[0]!), day1[0]!.atMs);
    acc.record(telemetry({ ...day1[1]!, serial: NEW }), day1[1]!.atMs);
    expect(() => acc.carryOver(QS1_SERIAL, NEW, day1[2]!.atMs)).toThrow(/already has its own energy/);
  });
});
