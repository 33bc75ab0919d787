/**
 * Seeded randomness for the simulator. Two kinds:
 * - `hash32` / `gaussianAt`: pure functions of (seed, stream, index), so a value for any time can
 *   be computed in any order (clouds, grid noise).
 * - `Rng`: a small sequential generator for per-inverter events (command delays, dropped replies),
 *   deterministic for a seed and a call sequence.
 */

const TWO32 = 4_294_967_296;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** Folds one 32-bit word into the running hash (murmur3-style block step). */
function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = rotl(k, 15);
  k = Math.imul(k, 0x1b873593);
  const x = rotl(h ^ k, 13);
  return (Math.imul(x, 5) + 0xe6546b64) | 0;
}

/** Final avalanche so neighbouring indices give unrelated outputs. */
function avalanche(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Unsigned 32-bit hash of any finite numbers. Each number is split into its low and high 32 bits,
 * so epoch milliseconds and negative indices hash without collisions from truncation.
 */
export function hash32(...parts: number[]): number {
  let h = 0x2545f491;
  for (const p of parts) {
    const n = Math.trunc(p);
    const lo = ((n % TWO32) + TWO32) % TWO32;
    const hi = Math.floor(n / TWO32);
    h = mixWord(h, lo | 0);
    h = mixWord(h, hi | 0);
  }
  return avalanche(h ^ parts.length);
}

/** FNV-1a of a string, for turning serials and labels into seeds. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return avalanche(h);
}

/** A seed for a named part of the simulation, independent of the other parts' seeds. */
export function deriveSeed(seed: number, label: string): number {
  return hash32(seed, hashString(label));
}

/** Uniform in (0, 1): never exactly 0, so it is safe under `Math.log`. */
export function unitFromHash(h: number): number {
  return (h + 0.5) / TWO32;
}

/** Standard normal value that depends only on (seed, stream, index) — Box–Muller on two hashes. */
export function gaussianAt(seed: number, stream: number, index: number): number {
  const u1 = unitFromHash(hash32(seed, stream, index, 1));
  const u2 = unitFromHash(hash32(seed, stream, index, 2));
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Sequential 32-bit generator (mulberry32 recurrence), seeded per inverter. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = hash32(seed) | 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO32;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
}
