import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "../../src/ha/backoff.ts";

describe("reconnect backoff", () => {
  it("doubles from the initial delay, stops at the cap, and jitters within the upper half", () => {
    const o = { initialMs: 1000, maxMs: 60_000 };
    // Worked example: base = min(60 s, 1 s × 2^attempt); delay = base/2 + random × base/2.
    const low = () => 0;
    const high = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelayMs(a, o, low))).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect([0, 1, 5, 6, 50].map((a) => backoffDelayMs(a, o, high))).toEqual([
      1000, 2000, 32_000, 60_000, 60_000,
    ]);
    expect(backoffDelayMs(3, o, () => 0.5)).toBe(6000); // 8 s base: 4 s + 0.5 × 4 s
  });
});
