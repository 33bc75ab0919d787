import { describe, expect, it } from "vitest";
import { assertTimeZone, localDay, nextDay } from "../../../src/site/daily.ts";
import { EnergyAccountant, type EnergyEvent } from "../../../src/site/energy/index.ts";
import { at, QS1_SERIAL, session, TZ, telemetry } from "./fixtures.ts";

describe("localDay in Europe/Amsterdam", () => {
  it.each([
    ["winter, last second of the day", "2024-01-15T23:59:59+01:00", "2024-01-15"],
    ["winter, midnight", "2024-01-16T00:00:00+01:00", "2024-01-16"],
    ["summer, UTC evening is already tomorrow", "2024-06-01T22:30:00Z", "2024-06-02"],
    ["spring-forward day, 01:59 CET", "2024-03-31T01:59:00+01:00", "2024-03-31"],
    ["spring-forward day, 03:00 CEST", "2024-03-31T03:00:00+02:00", "2024-03-31"],
    ["spring-forward day, 23:59 CEST", "2024-03-31T23:59:00+02:00", "2024-03-31"],
    ["fall-back day, first 02:30 (CEST)", "2024-10-27T02:30:00+02:00", "2024-10-27"],
    ["fall-back day, second 02:30 (CET)", "2024-10-27T02:30:00+01:00", "2024-10-27"],
    ["fall-back day, 23:59:59 CET", "2024-10-27T23:59:59+01:00", "2024-10-27"],
    ["the day after fall-back", "2024-10-28T00:00:00+01:00", "2024-10-28"],
  ])("%s", (_name, iso, day) => {
    expect(localDay(at(iso), TZ)).toBe(day);
  });

  it("names the setting when the zone is unknown", () => {
    expect(() => assertTimeZone("Europe/Atlantis")).toThrow(/timezone/);
  });

  it("nextDay counts calendar days across month ends", () => {
    expect(nextDay("2024-02-28")).toBe("2024-02-29");
    expect(nextDay("2024-12-31")).toBe("2025-01-01");
  });
});

describe("daily energy", () => {
  const W = [200, 200, 200, 200];

  it("resets at local midnight, not UTC midnight, and shows 0 overnight without readings", () => {
    const acc = new EnergyAccountant({ timeZone: TZ });
    const d1 = session(at("2024-06-01T05:30+02:00"), at("2024-06-01T06:00+02:00"), 12, W);
    for (const p of d1) acc.record(telemetry(p), p.atMs);
    const evening = d1[d1.length - 1]!.counters.reduce((a, b) => a + b, 0);
    // 01:30 UTC on June 1 is still June 1 locally… and 23:30 UTC is June 2 locally.
    expect(acc.today(QS1_SERIAL, at("2024-06-01T23:59+02:00"))!.inverterWh).toBeCloseTo(evening, 3);
    expect(acc.today(QS1_SERIAL, at("2024-06-01T22:30Z"))!.inverterWh).toBe(0);
    const d2 = session(at("2024-06-02T05:30+02:00"), at("2024-06-02T06:00+02:00"), 3, W);
    let r = acc.record(telemetry(d2[0]!), d2[0]!.atMs);
    for (const p of d2.slice(1)) r = acc.record(telemetry(p), p.atMs);
    expect(r.day).toBe("2024-06-02");
    expect(r.todayWh).toBeCloseTo(
      d2[2]!.counters.reduce((a, b) => a + b, 0),
      3,
    );
    expect(r.lifetimeWh).toBeCloseTo(evening + r.todayWh, 3);
  });

  it("books a session running across midnight on the day of each reading", () => {
    const acc = new EnergyAccountant({ timeZone: TZ });
    // Midsummer far north, or a synthetic overnight session: polls at 23:50, 23:55, 00:00, 00:05.
    const s = session(at("2024-06-21T20:00+02:00"), at("2024-06-21T23:50+02:00"), 4, W);
    const results = s.map((p) => acc.record(telemetry(p), p.atMs));
    expect(results.map((r) => r.day)).toEqual(["2024-06-21", "2024-06-21", "2024-06-22", "2024-06-22"]);
    const perPoll = (200 * 4 * 300) / 3600;
    expect(results[2]!.todayWh).toBeCloseTo(perPoll, 3);
    expect(results[3]!.todayWh).toBeCloseTo(2 * perPoll, 3);
  });

  it.each([
    ["spring forward (23 h day)", "2024-03-31", "+01:00", "+02:00"],
    ["fall back (25 h day)", "2024-10-27", "+02:00", "+01:00"],
  ])("counts a whole %s and resets the next local midnight", (_name, day, morningOffset, eveningOffset) => {
    const acc = new EnergyAccountant({ timeZone: TZ });
    // Power-up at 01:00 local (before the switch), polls every 300 s through 23:55 local.
    const powerUp = at(`${day}T01:00${morningOffset}`);
    const endMs = at(`${day}T23:55${eveningOffset}`);
    const polls = session(powerUp, powerUp + 300_000, Math.floor((endMs - powerUp) / 300_000), W);
    let r = acc.record(telemetry(polls[0]!), polls[0]!.atMs);
    for (const p of polls.slice(1)) r = acc.record(telemetry(p), p.atMs);
    expect(r.day).toBe(day);
    expect(r.todayWh).toBeCloseTo(
      polls[polls.length - 1]!.counters.reduce((a, b) => a + b, 0),
      3,
    );
    const tomorrow = nextDay(day);
    expect(acc.today(QS1_SERIAL, at(`${tomorrow}T00:00:01${eveningOffset}`))!.inverterWh).toBe(0);
  });

  it("books a reading whose clock went back across midnight on the day already open", () => {
    const seen: EnergyEvent[] = [];
    const acc = new EnergyAccountant({ timeZone: TZ, log: (e) => seen.push(e) });
    acc.record(telemetry({ uptimeS: 1000, counters: [10] }), at("2024-06-02T00:10+02:00"));
    const r = acc.record(telemetry({ uptimeS: 1300, counters: [12] }), at("2024-06-01T23:55+02:00"));
    expect(r.day).toBe("2024-06-02");
    expect(r.todayWh).toBeCloseTo(12, 3);
    expect(seen.some((e) => e.code === "clock-anomaly")).toBe(true);
  });
});
