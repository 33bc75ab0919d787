import { describe, expect, it } from "vitest";
import { Household } from "../../src/sim/household.ts";

const DAY = 86_400_000;

function dayEnergyKWh(h: Household, dayStartMs: number): number {
  let wh = 0;
  for (let s = 0; s < 86_400; s++) wh += h.load(dayStartMs + s * 1000) / 3600;
  return wh / 1000;
}

describe("Household", () => {
  it("is deterministic: the same seed gives the same load, in any order of asking", () => {
    const t0 = Date.UTC(2026, 5, 21, 6);
    const times = Array.from({ length: 2000 }, (_, i) => t0 + i * 7_000);
    const a = new Household({ seed: 42 });
    const b = new Household({ seed: 42 });
    const forward = times.map((t) => a.load(t));
    const backward = [...times].reverse().map((t) => b.load(t));
    expect(backward.reverse()).toEqual(forward);
    const other = new Household({ seed: 43 });
    expect(times.map((t) => other.load(t))).not.toEqual(forward);
  });

  it("has 1 s resolution: constant within a second", () => {
    const h = new Household({ seed: 7 });
    const t = Date.UTC(2026, 5, 21, 12, 0, 5);
    expect(h.load(t + 999)).toBe(h.load(t));
  });

  it("uses about 5–12 kWh a day (a typical European family: 2–4 MWh a year), a low-load house 2.5–6", () => {
    const day = Date.UTC(2026, 5, 21);
    for (const seed of [1, 2, 3]) {
      const normal = dayEnergyKWh(new Household({ seed }), day);
      const low = dayEnergyKWh(new Household({ seed, lowLoad: true }), day);
      expect(normal).toBeGreaterThan(5);
      expect(normal).toBeLessThan(12);
      expect(low).toBeGreaterThan(2.5);
      expect(low).toBeLessThan(6);
      expect(low).toBeLessThan(normal);
    }
  });

  it("draws 2–3 kW more while the kettle boils, and only standby (under 600 W) at 3 a.m.", () => {
    const h = new Household({ seed: 5, utcOffsetMin: 60 });
    const day = Date.UTC(2026, 5, 21) - 60 * 60_000; // local midnight, CET
    const kettle = h.appliances(day).find((r) => r.kind === "kettle")!;
    expect(kettle.startMs).toBeGreaterThanOrEqual(6.5 * 3_600_000);
    const before = h.load(day + kettle.startMs - 5_000);
    const during = h.load(day + kettle.startMs + 60_000);
    expect(during - before).toBeGreaterThan(1_800);
    expect(during - before).toBeLessThan(3_400);
    for (let s = 0; s < 600; s++) expect(h.load(day + 3 * 3_600_000 + s * 1000)).toBeLessThan(600);
  });

  it("shows an oven cycling on its thermostat on some evening within a week", () => {
    const h = new Household({ seed: 11 });
    const monday = Date.UTC(2026, 5, 22);
    const days = [0, 1, 2, 3, 4, 5, 6].map((d) => monday + d * DAY);
    const day = days.find((d) =>
      h.appliances(d).some((r) => r.kind === "oven" && r.startMs > 16 * 3_600_000),
    )!;
    const oven = h.appliances(day).find((r) => r.kind === "oven" && r.startMs > 16 * 3_600_000)!;
    // After the 10 min preheat the oven switches on and off: both states appear within 20 minutes.
    const samples = Array.from({ length: 1200 }, (_, i) =>
      h.load(day + oven.startMs + 12 * 60_000 + i * 1000),
    );
    expect(Math.max(...samples) - Math.min(...samples)).toBeGreaterThan(1_800);
  });

  it("rejects a bad seed or offset with a clear message", () => {
    expect(() => new Household({ seed: Number.NaN })).toThrow(/seed must be a finite number/);
    expect(() => new Household({ seed: 1, utcOffsetMin: 2000 })).toThrow(/utcOffsetMin must be between/);
  });
});
