import { gaussianAt } from "./random.ts";

export interface OuOptions {
  /** Correlation time: values this far apart are correlated by 1/e. */
  tauMs: number;
  /** Spacing of the knots the process is sampled at; values between knots are interpolated. */
  knotMs: number;
}

/** Weight below which older innovations are dropped from a knot's sum. */
const TRUNCATION = 1e-4;
const CACHE_LIMIT = 8192;

/**
 * Unit-variance Ornstein–Uhlenbeck process, evaluated as a pure function of time.
 *
 * Why not step it: the simulator must answer for any t in any order with the same value. The AR(1)
 * recurrence x[k] = a·x[k−1] + √(1−a²)·z[k] unrolls to x[k] = √(1−a²)·Σ a^m z[k−m]; we keep the terms
 * until a^m < 1e-4 and rescale so the truncated sum still has unit variance. z[j] comes from a hash of
 * (seed, stream, j), so knot k is reproducible on its own. Between knots: Catmull–Rom, which keeps
 * the curve smooth (no kinks at knots) for the cloud and temperature signals built on it.
 */
export class OuNoise {
  private readonly weights: Float64Array;
  private readonly cache = new Map<number, number>();

  constructor(
    private readonly seed: number,
    private readonly stream: number,
    private readonly opts: OuOptions,
  ) {
    if (!(opts.tauMs > 0 && opts.knotMs > 0)) {
      throw new RangeError(`OuNoise: tauMs and knotMs must be > 0, got ${opts.tauMs} and ${opts.knotMs}`);
    }
    const a = Math.exp(-opts.knotMs / opts.tauMs);
    const terms = Math.max(1, Math.ceil(Math.log(TRUNCATION) / Math.log(a)));
    const norm = Math.sqrt((1 - a * a) / (1 - a ** (2 * terms)));
    this.weights = new Float64Array(terms);
    for (let m = 0; m < terms; m++) this.weights[m] = norm * a ** m;
  }

  /** Process value at knot `k` (time k·knotMs). */
  knot(k: number): number {
    const hit = this.cache.get(k);
    if (hit !== undefined) return hit;
    let x = 0;
    for (let m = 0; m < this.weights.length; m++)
      x += this.weights[m]! * gaussianAt(this.seed, this.stream, k - m);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(k, x);
    return x;
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
