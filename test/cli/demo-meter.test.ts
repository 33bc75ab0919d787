/** The demo household's clock: its day follows the site's wall clock, summer time included. */
import { describe, expect, it } from "vitest";
import { utcOffsetMinutes } from "../../src/cli/demo-meter.ts";

describe("utcOffsetMinutes", () => {
  it.each([
    ["Europe/Amsterdam", "2026-06-21T12:00:00Z", 120], // CEST
    ["Europe/Amsterdam", "2026-01-15T12:00:00Z", 60], // CET
    ["Asia/Kolkata", "2026-06-21T12:00:00Z", 330], // IST, +5:30
    ["America/New_York", "2026-01-15T03:00:00Z", -300], // EST, local date still the 14th
    ["UTC", "2026-06-21T12:00:00Z", 0],
  ])("%s at %s is %i min ahead of UTC", (zone, at, minutes) => {
    expect(utcOffsetMinutes(zone, Date.parse(at))).toBe(minutes);
  });
});
