import { gaussianAt } from "./random.ts";

export interface OuOptions {
  /** Correlation time: values this far apart are correlated by 1/e. */
  tauMs: number;
  /** Spacing of the knots the process is sampled at; values between knots are interpolated. */
  knotMs: number;
}

/** Weight below which older innovations are dropped from a block's starting value. */
const TRUNCATION = 1e-4;
/** Knots per block: each block is computed as a whole and cached. */
const BLOCK = 64;
const CACHE_BLOCKS = 256;

/**
 * Unit-variance Ornstein–Uhlenbeck process, evaluated as a pure function of time.
 *
 * Why not simply step it: the simulator must answer for any t in any order with the same value.
 * Knots are grouped in blocks of 64. A block's first knot is the unrolled AR(1) sum
 * x = √(1−a²)·Σ a^m z[k−m], kept until a^m < 1e-4 and rescaled to unit variance; the rest of the
 * block follows the recurrence x[k] = a·x[k−1] + √(1−a²)·z[k]. z[j] comes from a hash of
 * (seed, stream, j), so each block is reproducible on its own, and neighbouring blocks agree at
 * their seam to within the truncation (1e-4). Between knots: Catmull–Rom, which keeps the curve
 * smooth (no kinks at knots) for the cloud and temperature signals built on it.
 */
export class OuNoise {
  private readonly a: number;
  private readonly innovation: number;
  private readonly startWeights: Float64Array;
  private readonly blocks = new Map<number, Float64Array>();

  constructor(
    private readonly seed: number,
    private readonly stream: number,
    private readonly opts: OuOptions,
  ) {
    if (!(opts.tauMs > 0 && opts.knotMs > 0)) {
      throw new RangeError(`OuNoise: tauMs and knotMs must be > 0, got ${opts.tauMs} and ${opts.knotMs}`);
    }
    this.a = Math.exp(-opts.knotMs / opts.tauMs);
    this.innovation = Math.sqrt(1 - this.a * this.a);
    const terms = Math.max(1, Math.ceil(Math.log(TRUNCATION) / Math.log(this.a)));
    const norm = Math.sqrt((1 - this.a * this.a) / (1 - this.a ** (2 * terms)));
    this.startWeights = new Float64Array(terms);
    for (let m = 0; m < terms; m++) this.startWeights[m] = norm * this.a ** m;
  }

  /** Process value at knot `k` (time k·knotMs). */
  knot(k: number): number {
    const b = Math.floor(k / BLOCK);
    return this.block(b)[k - b * BLOCK]!;
  }

  private block(b: number): Float64Array {
    const hit = this.blocks.get(b);
    if (hit) return hit;
    const k0 = b * BLOCK;
    const out = new Float64Array(BLOCK);
    let x = 0;
    for (let m = 0; m < this.startWeights.length; m++) {
      x += this.startWeights[m]! * gaussianAt(this.seed, this.stream, k0 - m);
    }
    out[0] = x;
    for (let i = 1; i < BLOCK; i++) {
      x = this.a * x + this.innovation * gaussianAt(this.seed, this.stream, k0 + i);
      out[i] = x;
    }
    if (this.blocks.size >= CACHE_BLOCKS) this.blocks.clear();
    this.blocks.set(b, out);
    return out;
  }

  at(tMs: number): number {
    const pos = tMs / this.opts.knotMs;
    const k = Math.floor(pos);
    const f = pos - k;
    const p0 = this.knot(k - 1);
    const p1 = this.knot(k);
    const p2 = this.knot(k + 1);
    const p3 = this.knot(k + 2);
    // Catmull–Rom basis with tension 0.5.
    const f2 = f * f;
    const f3 = f2 * f;
    return (
      0.5 *
      (2 * p1 + (-p0 + p2) * f + (2 * p0 - 5 * p1 + 4 * p2 - p3) * f2 + (-p0 + 3 * p1 - 3 * p2 + p3) * f3)
    );
  }
}
