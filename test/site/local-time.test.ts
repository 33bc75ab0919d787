import { describe, expect, it } from "vitest";
import { localParts, localToUtc, offsetMs, showLocalTime } from "../../src/site/local-time.ts";

const AMS = "Europe/Amsterdam";
const HOUR = 3_600_000;

describe("local time in Europe/Amsterdam", () => {
  it("22:00 is 21:00 UTC in winter and 20:00 UTC in summer", () => {
    expect(localToUtc({ y: 2026, m: 12, d: 2 }, 22 * 60, AMS)).toBe(Date.parse("2026-12-02T21:00:00Z"));
    expect(localToUtc({ y: 2026, m: 7, d: 1 }, 22 * 60, AMS)).toBe(Date.parse("2026-07-01T20:00:00Z"));
  });

  it("spring forward (Sun 29 March 2026, 02:00 → 03:00): 01:30 is CET, 03:30 is CEST, the missing 02:30 fires as 03:30", () => {
    const day = { y: 2026, m: 3, d: 29 };
    expect(localToUtc(day, 90, AMS)).toBe(Date.parse("2026-03-29T00:30:00Z"));
    expect(localToUtc(day, 210, AMS)).toBe(Date.parse("2026-03-29T01:30:00Z"));
    expect(localToUtc(day, 150, AMS)).toBe(Date.parse("2026-03-29T01:30:00Z"));
    // That day has 23 hours.
    expect(localToUtc({ y: 2026, m: 3, d: 30 }, 0, AMS) - localToUtc(day, 0, AMS)).toBe(23 * HOUR);
  });

  it("fall back (Sun 25 October 2026, 03:00 → 02:00): the repeated 02:30 is its first (CEST) occurrence", () => {
    const day = { y: 2026, m: 10, d: 25 };
    expect(localToUtc(day, 150, AMS)).toBe(Date.parse("2026-10-25T00:30:00Z"));
    expect(localToUtc(day, 3 * 60 + 30, AMS)).toBe(Date.parse("2026-10-25T02:30:00Z"));
    expect(localToUtc({ y: 2026, m: 10, d: 26 }, 0, AMS) - localToUtc(day, 0, AMS)).toBe(25 * HOUR);
  });

  it("reads back wall time, weekday and offset", () => {
    // 2026-12-02 is a Wednesday.
    expect(localParts(Date.parse("2026-12-02T01:22:00Z"), AMS)).toEqual({
      y: 2026,
      m: 12,
      d: 2,
      hour: 2,
      minute: 22,
      weekday: 3,
    });
    expect(offsetMs(Date.parse("2026-07-01T12:00:00.456Z"), AMS)).toBe(2 * HOUR);
    expect(offsetMs(Date.parse("2026-01-01T12:00:00Z"), "America/New_York")).toBe(-5 * HOUR);
  });

  it("shows a time as HH:MM today and with the weekday on another day", () => {
    const now = Date.parse("2026-12-02T10:00:00Z");
    expect(showLocalTime(Date.parse("2026-12-02T13:00:00Z"), AMS, now)).toBe("14:00");
    expect(showLocalTime(Date.parse("2026-12-03T05:00:00Z"), AMS, now)).toBe("Thu 06:00");
    expect(showLocalTime(Date.parse("2026-12-20T05:00:00Z"), AMS, now)).toBe("2026-12-20 06:00");
  });
});

describe("offsetMs across zones (the demo household's day follows the site's wall clock)", () => {
  it.each([
    ["Europe/Amsterdam", "2026-06-21T12:00:00Z", 120], // CEST
    ["Europe/Amsterdam", "2026-01-15T12:00:00Z", 60], // CET
    ["Asia/Kolkata", "2026-06-21T12:00:00Z", 330], // IST, +5:30
    ["America/New_York", "2026-01-15T03:00:00Z", -300], // EST, local date still the 14th
    ["UTC", "2026-06-21T12:00:00Z", 0],
  ])("%s at %s is %i min ahead of UTC", (zone, at, minutes) => {
    expect(offsetMs(Date.parse(at), zone)).toBe(minutes * 60_000);
  });
});
