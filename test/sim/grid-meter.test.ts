/** The simulated grid meter: a house's load minus what the inverters feed in, worked out by hand here. */
import { describe, expect, it } from "vitest";
import { meterDue, readGridMeter } from "../../src/sim/grid-meter.ts";

describe("readGridMeter", () => {
  it("is load minus the inverters' output: positive imports, negative exports", () => {
    // A 2 kW kettle while two inverters give 300 W and 250 W: 2000 − 550 = 1450 W from the grid.
    expect(readGridMeter(1000, 2000, [300, 250])).toEqual({ tMs: 1000, gridW: 1450, loadW: 2000, pvW: 550 });
    // Standby 150 W under 4 × 800 W of sun: 150 − 3200 = −3050 W, exported.
    expect(readGridMeter(2000, 150, [800, 800, 800, 800]).gridW).toBe(-3050);
    // At night: the load, all of it imported.
    expect(readGridMeter(3000, 180, [0, 0, 0, 0]).gridW).toBe(180);
  });

  it("resolves whole watts, as a P1 port does, and a balance of −0.4 W reads 0", () => {
    expect(readGridMeter(0, 200.6, [100.1]).gridW).toBe(101); // 100.5 → 101
    expect(readGridMeter(0, 100, [100.4]).gridW).toBe(0);
    expect(Object.is(readGridMeter(0, 100, [100.4]).gridW, -0)).toBe(false);
  });

  it("refuses a negative or non-finite power, naming it", () => {
    expect(() => readGridMeter(0, -5, [])).toThrow(/must be ≥ 0 W, got -5/);
    expect(() => readGridMeter(0, 100, [Number.NaN])).toThrow(/got NaN/);
  });

  it("reads on whole multiples of its period", () => {
    expect([0, 4_999, 5_000, 10_000, 12_500].map((t) => meterDue(t, 5_000))).toEqual([
      true,
      false,
      true,
      true,
      false,
    ]);
  });
});
