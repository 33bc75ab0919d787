import { describe, expect, it } from "vitest";
import { daylightTest, solarPosition } from "../../src/site/sun.ts";
import { AMSTERDAM, DEC_21, HOUR, JUNE_21, MINUTE } from "../sim/fixtures.ts";

/** Highest elevation of the day at 1-minute steps, and when it happens. */
function dailyPeak(day: number, lat: number, lon: number): { elevationDeg: number; azimuthDeg: number } {
  let best = solarPosition(day, lat, lon);
  for (let t = day; t < day + 24 * HOUR; t += MINUTE) {
    const p = solarPosition(t, lat, lon);
    if (p.elevationDeg > best.elevationDeg) best = p;
  }
  return best;
}

describe("solarPosition", () => {
  // Noon elevation = 90° − |latitude − declination|; declination ±23.44° at the solstices.
  it.each([
    ["Amsterdam, June solstice", JUNE_21, 52.37, 4.9, 90 - (52.37 - 23.44), 180],
    ["Amsterdam, December solstice", DEC_21, 52.37, 4.9, 90 - (52.37 + 23.44), 180],
    ["Quito, June solstice (sun to the north)", JUNE_21, -0.18, -78.47, 90 - 23.62, 0],
    ["Sydney, December solstice", DEC_21, -33.87, 151.21, 90 - (-23.44 + 33.87), 0],
  ])("%s: noon elevation and azimuth", (_name, day, lat, lon, elevation, azimuth) => {
    const peak = dailyPeak(day, lat, lon);
    expect(peak.elevationDeg).toBeCloseTo(elevation, 0);
    const azErr = Math.abs(((peak.azimuthDeg - azimuth + 540) % 360) - 180);
    expect(azErr).toBeLessThan(2);
  });

  it("puts the Amsterdam June sunrise in the north-east around 03:18 UTC", () => {
    const before = solarPosition(JUNE_21 + 3 * HOUR, AMSTERDAM.latitudeDeg, AMSTERDAM.longitudeDeg);
    const after = solarPosition(JUNE_21 + 3.6 * HOUR, AMSTERDAM.latitudeDeg, AMSTERDAM.longitudeDeg);
    expect(before.elevationDeg).toBeLessThan(0);
    expect(after.elevationDeg).toBeGreaterThan(0);
    expect(after.azimuthDeg).toBeGreaterThan(30);
    expect(after.azimuthDeg).toBeLessThan(70);
  });

  it("is below the horizon at local midnight", () => {
    const p = solarPosition(JUNE_21 + 23.7 * HOUR, AMSTERDAM.latitudeDeg, AMSTERDAM.longitudeDeg);
    expect(p.elevationDeg).toBeLessThan(0);
    expect(p.zenithDeg).toBeCloseTo(90 - p.elevationDeg, 10);
  });
});

const amsterdam = daylightTest(52.37, 4.9);

describe("daylight", () => {
  it.each([
    ["June noon", "2026-06-21T13:30:00+02:00", true],
    ["June 23:00", "2026-06-21T23:00:00+02:00", false],
    ["December 08:00 (before sunrise)", "2026-12-21T08:00:00+01:00", false],
    ["December noon (sun ~14° up)", "2026-12-21T12:40:00+01:00", true],
    ["June 05:45 (sun just up, below 10°)", "2026-06-21T05:45:00+02:00", false],
  ])("%s → %s", (_n, at, want) => {
    expect(amsterdam(Date.parse(at))).toBe(want);
  });
});
