/**
 * Where the sun is and how much light reaches a panel.
 *
 * - Position: src/site/sun.ts (shared with the site and the automations).
 * - Clear sky: Haurwitz (1945) for global horizontal irradiance, Meinel (1976) with the
 *   Kasten–Young (1989) air mass for direct normal irradiance; diffuse is what is left.
 * - Plane of array: beam on the tilted plane + isotropic sky diffuse + ground reflection.
 */

import type { SunPosition } from "../site/sun.ts";

const DEG = Math.PI / 180;

export interface Irradiance {
  /** Global horizontal, W/m². */
  ghiWm2: number;
  /** Direct normal, W/m². */
  dniWm2: number;
  /** Diffuse horizontal, W/m². */
  dhiWm2: number;
}

export const NO_LIGHT: Irradiance = Object.freeze({ ghiWm2: 0, dniWm2: 0, dhiWm2: 0 });

/** Kasten–Young relative air mass; only meaningful above the horizon. */
export function airMass(zenithDeg: number): number {
  return 1 / (Math.cos(zenithDeg * DEG) + 0.50572 * (96.07995 - zenithDeg) ** -1.6364);
}

export function clearSkyIrradiance(sun: SunPosition): Irradiance {
  if (sun.elevationDeg <= 0) return NO_LIGHT;
  const cosZ = Math.cos(sun.zenithDeg * DEG);
  const ghi = 1098 * cosZ * Math.exp(-0.059 / cosZ);
  const dniMeinel = 1353 * 0.7 ** (airMass(sun.zenithDeg) ** 0.678);
  // The two models are independent; near the horizon Meinel's beam would exceed Haurwitz's total,
  // so the beam is capped to leave at least 15 % of the light as diffuse.
  const beamHorizontal = Math.min(dniMeinel * cosZ, 0.85 * ghi);
  return { ghiWm2: ghi, dniWm2: beamHorizontal / cosZ, dhiWm2: ghi - beamHorizontal };
}

/**
 * Irradiance under clouds. `clearness` (0..1) scales the global light; the beam survives only
 * through gaps: none below 0.3, all of it at 1 — the rest becomes diffuse.
 */
export function cloudyIrradiance(clear: Irradiance, sun: SunPosition, clearness: number): Irradiance {
  if (clear.ghiWm2 <= 0) return NO_LIGHT;
  const kt = Math.min(1, Math.max(0, clearness));
  const cosZ = Math.cos(sun.zenithDeg * DEG);
  const ghi = kt * clear.ghiWm2;
  const beamShare = Math.min(1, Math.max(0, (kt - 0.3) / 0.7));
  const beamHorizontal = Math.min(ghi, beamShare * clear.dniWm2 * cosZ);
  return { ghiWm2: ghi, dniWm2: beamHorizontal / cosZ, dhiWm2: ghi - beamHorizontal };
}

/** Cosine of the angle between the sun and a panel's normal (negative: sun behind the panel). */
export function cosIncidence(sun: SunPosition, tiltDeg: number, azimuthDeg: number): number {
  const z = sun.zenithDeg * DEG;
  const b = tiltDeg * DEG;
  return (
    Math.cos(z) * Math.cos(b) + Math.sin(z) * Math.sin(b) * Math.cos((sun.azimuthDeg - azimuthDeg) * DEG)
  );
}

/** Irradiance on a panel tilted `tiltDeg` from horizontal, facing `azimuthDeg` (180 = south). */
export function planeOfArray(
  sun: SunPosition,
  irr: Irradiance,
  tiltDeg: number,
  azimuthDeg: number,
  albedo = 0.2,
): number {
  if (irr.ghiWm2 <= 0) return 0;
  const cosB = Math.cos(tiltDeg * DEG);
  const beam = irr.dniWm2 * Math.max(0, cosIncidence(sun, tiltDeg, azimuthDeg));
  const sky = (irr.dhiWm2 * (1 + cosB)) / 2;
  const ground = (irr.ghiWm2 * albedo * (1 - cosB)) / 2;
  return beam + sky + ground;
}
