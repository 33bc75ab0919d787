import { describe, expect, it } from "vitest";
import { OuNoise } from "../../src/sim/noise.ts";

const OPTS = { tauMs: 600_000, knotMs: 60_000 };

describe("OuNoise", () => {
  it("answers the same for a time whatever was asked before", () => {
    const times = [5_000_000, 123_456, 9_999_999, 5_000_000 + 30_000];
    const forward = new OuNoise(1, 1, OPTS);
    const a = times.map((t) => forward.at(t));
    const backward = new OuNoise(1, 1, OPTS);
    const b = [...times]
      .reverse()
      .map((t) => backward.at(t))
      .reverse();
    expect(b).toEqual(a);
  });

  it("passes through its knots", () => {
    const n = new OuNoise(2, 1, OPTS);
    expect(n.at(7 * 60_000)).toBeCloseTo(n.knot(7), 12);
  });

  it("has unit variance and decorrelates over its time constant", () => {
    const n = new OuNoise(3, 1, OPTS);
    const k = 20_000;
    let sq = 0;
    let lag1 = 0;
    let lag10 = 0;
    for (let i = 0; i < k; i++) {
      const x = n.knot(i);
      sq += x * x;
      lag1 += x * n.knot(i + 1);
      lag10 += x * n.knot(i + 10);
    }
    expect(sq / k).toBeGreaterThan(0.85);
    expect(sq / k).toBeLessThan(1.15);
    // a = exp(-knot/tau): 0.905 one knot apart, 0.368 ten knots apart.
    expect(lag1 / sq).toBeCloseTo(Math.exp(-0.1), 1);
    expect(lag10 / sq).toBeCloseTo(Math.exp(-1), 1);
  });

  it("steps across its 64-knot block seams like anywhere else", () => {
    const n = new OuNoise(5, 1, OPTS);
    const meanSq = (ks: number[]) => ks.reduce((s, k) => s + (n.knot(k) - n.knot(k - 1)) ** 2, 0) / ks.length;
    const seams = Array.from({ length: 400 }, (_, j) => 64 * (j + 1));
    const inside = seams.map((k) => k + 17);
    // For an AR(1) with unit variance E[(x[k] − x[k−1])²] = 2(1 − a), a = exp(−0.1).
    const expected = 2 * (1 - Math.exp(-0.1));
    expect(meanSq(seams) / expected).toBeGreaterThan(0.75);
    expect(meanSq(seams) / expected).toBeLessThan(1.25);
    expect(meanSq(inside) / expected).toBeGreaterThan(0.75);
    expect(meanSq(inside) / expected).toBeLessThan(1.25);
  });

  it("moves smoothly between knots", () => {
    const n = new OuNoise(4, 1, OPTS);
    let maxJump = 0;
    for (let t = 0; t < 3_600_000; t += 1000) maxJump = Math.max(maxJump, Math.abs(n.at(t + 1000) - n.at(t)));
    expect(maxJump).toBeLessThan(0.2);
  });

  it("rejects a non-positive time constant", () => {
    expect(() => new OuNoise(1, 1, { tauMs: 0, knotMs: 1 })).toThrow(/tauMs and knotMs must be > 0/);
  });
});
