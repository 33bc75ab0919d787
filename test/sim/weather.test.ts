import { describe, expect, it } from "vitest";
import { SimEnvironment } from "../../src/sim/weather.ts";
import { AMSTERDAM, DEC_21, HOUR, JUNE_21, MINUTE } from "./fixtures.ts";

const env = (seed: number, clearSky = false) => new SimEnvironment({ ...AMSTERDAM, seed, clearSky });
const dayTimes = (day: number, stepMs: number) =>
  Array.from({ length: Math.floor((24 * HOUR) / stepMs) }, (_, i) => day + i * stepMs);

describe("SimEnvironment clouds", () => {
  it("gives the same clearness for a seed whatever order times are asked in", () => {
    const times = dayTimes(JUNE_21, 7 * MINUTE);
    const a = times.map((t) => env(11).clearness(t));
    const e = env(11);
    const b = [...times]
      .reverse()
      .map((t) => e.clearness(t))
      .reverse();
    expect(b).toEqual(a);
  });

  it("gives different clouds for a different seed", () => {
    const times = dayTimes(JUNE_21, 10 * MINUTE);
    const a = env(11);
    const b = env(12);
    const diffs = times.filter((t) => Math.abs(a.clearness(t) - b.clearness(t)) > 0.05);
    expect(diffs.length).toBeGreaterThan(times.length / 4);
  });

  it("keeps clearness within 0..1, varies it, and changes it smoothly", () => {
    const e = env(5);
    const times = dayTimes(JUNE_21, MINUTE);
    const k = times.map((t) => e.clearness(t));
    expect(Math.min(...k)).toBeGreaterThan(0);
    expect(Math.max(...k)).toBeLessThanOrEqual(1);
    expect(Math.max(...k) - Math.min(...k)).toBeGreaterThan(0.2);
    for (let i = 1; i < k.length; i++) expect(Math.abs(k[i]! - k[i - 1]!)).toBeLessThan(0.25);
  });

  it("is always clear with clearSky", () => {
    const e = env(5, true);
    for (const t of dayTimes(JUNE_21, 13 * MINUTE)) expect(e.clearness(t)).toBe(1);
  });

  it("gives more plane-of-array light to a south panel at noon than at dawn", () => {
    const e = env(5, true);
    expect(e.poaWm2(JUNE_21 + 11.6 * HOUR, 35, 180)).toBeGreaterThan(900);
    expect(e.poaWm2(JUNE_21 + 1 * HOUR, 35, 180)).toBe(0);
  });
});

describe("SimEnvironment temperature", () => {
  it("is warmer in summer than in winter and warmer mid-afternoon than before dawn", () => {
    const e = env(3, true);
    const mean = (day: number) => dayTimes(day, HOUR).reduce((s, t) => s + e.ambientC(t), 0) / 24;
    expect(mean(JUNE_21)).toBeGreaterThan(mean(DEC_21) + 8);
    expect(e.ambientC(JUNE_21 + 14 * HOUR)).toBeGreaterThan(e.ambientC(JUNE_21 + 3 * HOUR) + 5);
    expect(mean(JUNE_21)).toBeGreaterThan(10);
    expect(mean(JUNE_21)).toBeLessThan(28);
  });
});

describe("SimEnvironment grid", () => {
  it("keeps voltage near 230 V inside 184–253 V and frequency within 50 ± 0.05 Hz", () => {
    const e = env(8);
    const times = dayTimes(JUNE_21, 10_000);
    const v = times.map((t) => e.gridVoltageV(t));
    const f = times.map((t) => e.gridFrequencyHz(t));
    expect(Math.min(...v)).toBeGreaterThanOrEqual(184);
    expect(Math.max(...v)).toBeLessThanOrEqual(253);
    expect(Math.abs(v.reduce((s, x) => s + x, 0) / v.length - 230)).toBeLessThan(6);
    expect(Math.max(...v) - Math.min(...v)).toBeGreaterThan(2);
    expect(Math.min(...f)).toBeGreaterThanOrEqual(49.95);
    expect(Math.max(...f)).toBeLessThanOrEqual(50.05);
    expect(Math.max(...f) - Math.min(...f)).toBeGreaterThan(0.02);
  });
});

describe("SimEnvironment options", () => {
  it.each([
    [{ latitudeDeg: 91, longitudeDeg: 0, seed: 1 }, /latitudeDeg/],
    [{ latitudeDeg: 0, longitudeDeg: 200, seed: 1 }, /longitudeDeg/],
    [{ latitudeDeg: 0, longitudeDeg: 0, seed: 1.5 }, /seed must be an integer/],
  ])("rejects %o", (opts, message) => {
    expect(() => new SimEnvironment(opts)).toThrow(message);
  });
});
