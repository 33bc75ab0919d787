/**
 * Where the sun is at a site: NOAA "General Solar Position Calculations" (fractional-year series for the
 * equation of time and declination), good to a few tenths of a degree. Plain astronomy shared by the
 * simulator (irradiance), the site (daylight: is a silent inverter asleep?) and the automations (idle at
 * night), so none of them reaches into another's folder for it.
 */

const DEG = Math.PI / 180;
const DAY_MS = 86_400_000;

export interface SunPosition {
  /** Degrees above the horizon (negative at night). */
  elevationDeg: number;
  /** Degrees clockwise from north (90 = east, 180 = south, 270 = west). */
  azimuthDeg: number;
  zenithDeg: number;
}

export function solarPosition(tMs: number, latitudeDeg: number, longitudeDeg: number): SunPosition {
  const d = new Date(tMs);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const daysInYear = (Date.UTC(d.getUTCFullYear() + 1, 0, 1) - yearStart) / DAY_MS;
  const dayOfYear = Math.floor((tMs - yearStart) / DAY_MS) + 1;
  const minutesUtc = (tMs - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())) / 60_000;
  const g = ((2 * Math.PI) / daysInYear) * (dayOfYear - 1 + (minutesUtc / 60 - 12) / 24);

  const eqTimeMin =
    229.18 *
    (0.000075 +
      0.001868 * Math.cos(g) -
      0.032077 * Math.sin(g) -
      0.014615 * Math.cos(2 * g) -
      0.040849 * Math.sin(2 * g));
  const decl =
    0.006918 -
    0.399912 * Math.cos(g) +
    0.070257 * Math.sin(g) -
    0.006758 * Math.cos(2 * g) +
    0.000907 * Math.sin(2 * g) -
    0.002697 * Math.cos(3 * g) +
    0.00148 * Math.sin(3 * g);

  const trueSolarMin = minutesUtc + eqTimeMin + 4 * longitudeDeg;
  const hourAngle = (trueSolarMin / 4 - 180) * DEG;
  const lat = latitudeDeg * DEG;

  const cosZenith = Math.sin(lat) * Math.sin(decl) + Math.cos(lat) * Math.cos(decl) * Math.cos(hourAngle);
  const zenith = Math.acos(Math.min(1, Math.max(-1, cosZenith)));
  // atan2 form measures from south, positive westwards; +180° turns it into a compass bearing.
  const fromSouth = Math.atan2(
    Math.sin(hourAngle),
    Math.cos(hourAngle) * Math.sin(lat) - Math.tan(decl) * Math.cos(lat),
  );
  const azimuthDeg = (fromSouth / DEG + 180 + 360) % 360;
  return { elevationDeg: 90 - zenith / DEG, azimuthDeg, zenithDeg: zenith / DEG };
}

/** Whether inverters should be awake: the sun at least this high. Below it (dawn, dusk, night) silence is sleep. */
export const DAYLIGHT_MIN_ELEVATION_DEG = 10;

export function daylightTest(latitudeDeg: number, longitudeDeg: number): (atMs: number) => boolean {
  return (atMs) => solarPosition(atMs, latitudeDeg, longitudeDeg).elevationDeg >= DAYLIGHT_MIN_ELEVATION_DEG;
}

/**
 * Sunrise and sunset as almanacs publish them: the upper limb on the horizon, i.e. the centre 0.833° below
 * it (0.567° refraction + 0.267° half-diameter), at sea level with a flat horizon.
 */
export const SUNRISE_ELEVATION_DEG = -0.833;

export interface SunEvent {
  kind: "sunrise" | "sunset";
  atMs: number;
}

/**
 * Every sunrise and sunset in [fromMs, toMs), in time order: the sun's elevation sampled every 10 minutes
 * and each crossing of -0.833° bisected to a second. Polar day or night gives none. A 10-minute grid can
 * only miss a sunrise and sunset less than 10 minutes apart, which happens within a day of the polar
 * transitions and is harmless for schedules.
 */
export function sunEvents(
  fromMs: number,
  toMs: number,
  latitudeDeg: number,
  longitudeDeg: number,
): SunEvent[] {
  const above = (t: number) =>
    solarPosition(t, latitudeDeg, longitudeDeg).elevationDeg - SUNRISE_ELEVATION_DEG;
  const out: SunEvent[] = [];
  const STEP = 600_000;
  let t0 = fromMs;
  let v0 = above(t0);
  while (t0 < toMs) {
    const t1 = Math.min(t0 + STEP, toMs);
    const v1 = above(t1);
    if (v0 < 0 !== v1 < 0) {
      let lo = t0;
      let hi = t1;
      // Bisect until the bracket is under a second.
      while (hi - lo > 1000) {
        const mid = (lo + hi) / 2;
        if (above(mid) < 0 === v0 < 0) lo = mid;
        else hi = mid;
      }
      const at = Math.round((lo + hi) / 2);
      if (at >= fromMs && at < toMs) out.push({ kind: v0 < 0 ? "sunrise" : "sunset", atMs: at });
    }
    t0 = t1;
    v0 = v1;
  }
  return out;
}
