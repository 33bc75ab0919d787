/**
 * Whether inverters should be awake: the sun at least 10° above the horizon at the site. Above that a silent
 * inverter is a problem to report; below it (dawn, dusk, night) silence is sleep. Uses the simulator's solar
 * position, which is plain astronomy (src/sim/sun.ts).
 */
import { solarPosition } from "../sim/sun.ts";

export const DAYLIGHT_MIN_ELEVATION_DEG = 10;

export function daylightTest(latitudeDeg: number, longitudeDeg: number): (atMs: number) => boolean {
  return (atMs) => solarPosition(atMs, latitudeDeg, longitudeDeg).elevationDeg >= DAYLIGHT_MIN_ELEVATION_DEG;
}
