import { describe, expect, it } from "vitest";
import { sunEvents } from "../../../src/site/sun.ts";

const MINUTE = 60_000;

/** Amsterdam, Dam square: 52.373° N, 4.893° E. */
const LAT = 52.373;
const LON = 4.893;

describe("sunEvents against published times", () => {
  // Published almanac times for Amsterdam (timeanddate.com and others, to the minute): on 21 June sunrise
  // 05:18 and sunset 22:06 CEST (UTC+2); on 22 December sunrise 08:48 and sunset 16:29 CET (UTC+1).
  // The NOAA series is good to about a minute, so ±2 minutes.
  it.each([
    ["21 June 2026", "2026-06-20T22:00:00Z", "2026-06-21T03:18:00Z", "2026-06-21T20:06:00Z"],
    ["22 December 2026", "2026-12-21T23:00:00Z", "2026-12-22T07:48:00Z", "2026-12-22T15:29:00Z"],
  ])("Amsterdam, %s", (_day, midnight, sunrise, sunset) => {
    const from = Date.parse(midnight);
    const events = sunEvents(from, from + 24 * 60 * MINUTE, LAT, LON);
    expect(events.map((e) => e.kind)).toEqual(["sunrise", "sunset"]);
    expect(Math.abs(events[0]!.atMs - Date.parse(sunrise))).toBeLessThanOrEqual(2 * MINUTE);
    expect(Math.abs(events[1]!.atMs - Date.parse(sunset))).toBeLessThanOrEqual(2 * MINUTE);
  });

  it("finds none in the polar night (Tromsø, 69.65° N, 21 December)", () => {
    const from = Date.parse("2026-12-20T23:00:00Z");
    expect(sunEvents(from, from + 24 * 60 * MINUTE, 69.65, 18.96)).toEqual([]);
  });
});
