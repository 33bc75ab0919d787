import { describe, expect, it } from "vitest";
import { RateWindow } from "../../src/radio/rate.ts";

describe("RateWindow", () => {
  it("allows max events per window and names when the next fits", () => {
    const w = new RateWindow(3, 60_000);
    for (const t of [0, 10_000, 20_000]) {
      expect(w.nextSlotAt(t)).toBe(t);
      w.record(t);
    }
    expect(w.nextSlotAt(30_000)).toBe(60_000);
    expect(w.used(30_000)).toBe(3);
    expect(w.nextSlotAt(60_000)).toBe(60_000);
    expect(w.used(60_000)).toBe(2);
  });

  it("refuses a budget below one", () => {
    expect(() => new RateWindow(0, 1000)).toThrow(/max ≥ 1/);
  });
});
