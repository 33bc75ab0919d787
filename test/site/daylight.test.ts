import { describe, expect, it } from "vitest";
import { daylightTest } from "../../src/site/daylight.ts";

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
