import { describe, expect, it } from "vitest";
import { deriveSeed, gaussianAt, hash32, hashString, Rng } from "../../src/sim/random.ts";

describe("hash32", () => {
  it("is a pure function of its inputs", () => {
    expect(hash32(1, 2, 3)).toBe(hash32(1, 2, 3));
  });

  it.each([
    ["neighbouring indices", [1, 2, 3], [1, 2, 4]],
    ["epoch ms that differ only above 32 bits", [1, 1_750_000_000_000], [1, 1_750_000_000_000 + 2 ** 32]],
    ["negative and positive index", [1, -5], [1, 5]],
    ["argument count", [1, 0], [1]],
  ])("separates %s", (_name, a, b) => {
    expect(hash32(...a)).not.toBe(hash32(...b));
  });

  it("stays within unsigned 32 bits", () => {
    for (let i = 0; i < 1000; i++) {
      const h = hash32(42, i);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
  });
});

describe("seeds from labels", () => {
  it("gives different seeds for different labels and serials", () => {
    expect(deriveSeed(1, "a")).not.toBe(deriveSeed(1, "b"));
    expect(deriveSeed(1, "a")).not.toBe(deriveSeed(2, "a"));
    expect(hashString("801000012345")).not.toBe(hashString("801000012346"));
  });
});

describe("gaussianAt", () => {
  it("has mean ≈ 0 and variance ≈ 1 over many indices", () => {
    const n = 20_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const g = gaussianAt(9, 1, i);
      sum += g;
      sq += g * g;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.05);
  });
});

describe("Rng", () => {
  it("repeats its sequence for a seed and differs across seeds", () => {
    const seq = (seed: number) => {
      const r = new Rng(seed);
      return Array.from({ length: 8 }, () => r.next());
    };
    expect(seq(5)).toEqual(seq(5));
    expect(seq(5)).not.toEqual(seq(6));
  });

  it("stays in [lo, hi)", () => {
    const r = new Rng(3);
    for (let i = 0; i < 1000; i++) {
      const x = r.range(2, 5);
      expect(x >= 2 && x < 5).toBe(true);
    }
  });
});
