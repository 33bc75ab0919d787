/**
 * One site's environment: sun, clouds, air temperature and the grid, all pure functions of time
 * for a seed (any t, any order, same answer).
 */
import { type SunPosition, solarPosition } from "../site/sun.ts";
import { OuNoise } from "./noise.ts";
import { deriveSeed } from "./random.ts";
import { clearSkyIrradiance, cloudyIrradiance, type Irradiance, planeOfArray } from "./sun.ts";

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY_MS = 86_400_000;

/** Grid values stay inside the QS1 datasheet window (DESIGN.md §5) unless a fault is injected. */
const GRID_V_RANGE: readonly [number, number] = [184, 253];
const GRID_HZ_BAND = 0.05;

export interface EnvironmentOptions {
  latitudeDeg: number;
  longitudeDeg: number;
  seed: number;
  /** No clouds: clearness is 1 at all times. */
  clearSky?: boolean;
}

export interface Conditions {
  tMs: number;
  sun: SunPosition;
  /** 0..1, share of the clear-sky global irradiance that gets through the clouds. */
  clearness: number;
  irradiance: Irradiance;
  ambientC: number;
}

function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export class SimEnvironment {
  readonly latitudeDeg: number;
  readonly longitudeDeg: number;
  readonly seed: number;
  readonly clearSky: boolean;
  // Two cloud time scales: the day's regime (sunny vs overcast) and passing clouds.
  private readonly cloudRegime: OuNoise;
  private readonly cloudPassing: OuNoise;
  private readonly tempDrift: OuNoise;
  private readonly voltFast: OuNoise;
  private readonly voltSlow: OuNoise;
  private readonly freq: OuNoise;
  private last: Conditions | undefined;

  constructor(opts: EnvironmentOptions) {
    const { latitudeDeg: lat, longitudeDeg: lon, seed } = opts;
    if (!(Number.isFinite(lat) && lat >= -90 && lat <= 90)) {
      throw new RangeError(`SimEnvironment: latitudeDeg must be within -90..90, got ${lat}`);
    }
    if (!(Number.isFinite(lon) && lon >= -180 && lon <= 180)) {
      throw new RangeError(`SimEnvironment: longitudeDeg must be within -180..180, got ${lon}`);
    }
    if (!Number.isSafeInteger(seed))
      throw new RangeError(`SimEnvironment: seed must be an integer, got ${seed}`);
    this.latitudeDeg = lat;
    this.longitudeDeg = lon;
    this.seed = seed;
    this.clearSky = opts.clearSky ?? false;
    const s = (label: string) => deriveSeed(seed, label);
    this.cloudRegime = new OuNoise(s("cloud-regime"), 1, { tauMs: 8 * HOUR, knotMs: 30 * MIN });
    this.cloudPassing = new OuNoise(s("cloud-passing"), 2, { tauMs: 15 * MIN, knotMs: 2 * MIN });
    this.tempDrift = new OuNoise(s("temperature"), 3, { tauMs: 12 * HOUR, knotMs: HOUR });
    this.voltFast = new OuNoise(s("grid-v-fast"), 4, { tauMs: 2 * MIN, knotMs: 15_000 });
    this.voltSlow = new OuNoise(s("grid-v-slow"), 5, { tauMs: 3 * HOUR, knotMs: 15 * MIN });
    this.freq = new OuNoise(s("grid-hz"), 6, { tauMs: 30_000, knotMs: 5_000 });
  }

  /** Everything a panel needs at `tMs`; the last answer is cached because all inverters ask for it. */
  conditions(tMs: number): Conditions {
    if (this.last?.tMs === tMs) return this.last;
    const sun = solarPosition(tMs, this.latitudeDeg, this.longitudeDeg);
    const clearness = this.clearness(tMs);
    const irradiance = cloudyIrradiance(clearSkyIrradiance(sun), sun, clearness);
    this.last = { tMs, sun, clearness, irradiance, ambientC: this.ambientC(tMs) };
    return this.last;
  }

  /** Share of clear-sky light that reaches the ground: 1 under a clear sky, ≥ 0.08 under thick cloud. */
  clearness(tMs: number): number {
    if (this.clearSky) return 1;
    const cover = logistic(1.6 * this.cloudRegime.at(tMs) + 1.3 * this.cloudPassing.at(tMs));
    return Math.max(0.08, 1 - 0.9 * cover);
  }

  /** Plane-of-array irradiance for a panel orientation, W/m². */
  poaWm2(tMs: number, tiltDeg: number, azimuthDeg: number): number {
    const c = this.conditions(tMs);
    return planeOfArray(c.sun, c.irradiance, tiltDeg, azimuthDeg);
  }

  /**
   * Air temperature: a seasonal mean falling with latitude, a daily swing peaking mid-afternoon
   * (local solar time) that is wider on clear days, and a slow random drift.
   */
  ambientC(tMs: number): number {
    const absLat = Math.abs(this.latitudeDeg);
    const yearFrac = ((tMs / DAY_MS) % 365.2425) / 365.2425;
    // 1970-01-01 + 0.55 y ≈ 20 July, the usual northern summer peak; flipped south of the equator.
    const season = Math.cos(2 * Math.PI * (yearFrac - 0.55)) * Math.sign(this.latitudeDeg || 1);
    const annualMeanC = 27 - 0.33 * absLat;
    const seasonalAmpC = 0.16 * absLat;
    const solarHour = (((tMs / HOUR + this.longitudeDeg / 15) % 24) + 24) % 24;
    const sunnyDay = this.clearSky ? 1 : 1 - logistic(1.6 * this.cloudRegime.at(tMs));
    const dailyAmpC = 2.5 + 4 * sunnyDay;
    const daily = Math.cos((2 * Math.PI * (solarHour - 15)) / 24);
    return annualMeanC + seasonalAmpC * season + dailyAmpC * daily + 1.5 * this.tempDrift.at(tMs);
  }

  /** Grid RMS voltage: ≈230 V with a slow drift and fast flicker, inside 184–253 V. */
  gridVoltageV(tMs: number): number {
    const v = 230 + 3 * this.voltSlow.at(tMs) + 1.5 * this.voltFast.at(tMs);
    return Math.min(GRID_V_RANGE[1], Math.max(GRID_V_RANGE[0], v));
  }

  /** Grid frequency: 50 Hz with noise, within ±0.05 Hz. */
  gridFrequencyHz(tMs: number): number {
    const df = 0.018 * this.freq.at(tMs);
    return 50 + Math.min(GRID_HZ_BAND, Math.max(-GRID_HZ_BAND, df));
  }
}
