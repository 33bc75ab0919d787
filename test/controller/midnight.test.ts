import { describe, expect, it } from "vitest";
import { nextLocalMidnight } from "../../src/controller/midnight.ts";

describe("next local midnight", () => {
  it.each([
    [
      "an ordinary summer evening",
      "2026-06-21T21:37:12+02:00",
      "Europe/Amsterdam",
      "2026-06-22T00:00:00+02:00",
    ],
    ["just after midnight", "2026-06-22T00:00:30+02:00", "Europe/Amsterdam", "2026-06-23T00:00:00+02:00"],
    [
      "the day clocks go back (25 h)",
      "2026-10-25T01:00:00+02:00",
      "Europe/Amsterdam",
      "2026-10-26T00:00:00+01:00",
    ],
    [
      "the day clocks go forward (23 h)",
      "2026-03-29T01:00:00+01:00",
      "Europe/Amsterdam",
      "2026-03-30T00:00:00+02:00",
    ],
    ["a half-hour zone", "2026-06-21T23:59:00+05:30", "Asia/Kolkata", "2026-06-22T00:00:00+05:30"],
    ["UTC", "2026-12-31T12:00:00Z", "UTC", "2027-01-01T00:00:00Z"],
  ])("%s", (_n, now, tz, want) => {
    expect(new Date(nextLocalMidnight(Date.parse(now), tz)).toISOString()).toBe(new Date(want).toISOString());
  });
});
