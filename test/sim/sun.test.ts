import { describe, expect, it } from "vitest";
import {
  airMass,
  clearSkyIrradiance,
  cloudyIrradiance,
  cosIncidence,
  planeOfArray,
} from "../../src/sim/sun.ts";

describe("clear-sky irradiance", () => {
  const sunAt = (elevationDeg: number) => ({ elevationDeg, zenithDeg: 90 - elevationDeg, azimuthDeg: 180 });

  it("is dark with the sun below the horizon", () => {
    expect(clearSkyIrradiance(sunAt(-1))).toEqual({ ghiWm2: 0, dniWm2: 0, dhiWm2: 0 });
  });

  it.each([5, 15, 30, 45, 60, 75, 90])(
    "at %i° elevation: global = beam·cos Z + diffuse, all plausible",
    (el) => {
      const irr = clearSkyIrradiance(sunAt(el));
      const cosZ = Math.cos(((90 - el) * Math.PI) / 180);
      expect(irr.dniWm2 * cosZ + irr.dhiWm2).toBeCloseTo(irr.ghiWm2, 6);
      expect(irr.dhiWm2).toBeGreaterThan(0);
      expect(irr.ghiWm2).toBeLessThan(1100);
      expect(irr.dniWm2).toBeLessThan(1000);
    },
  );

  it("grows with elevation", () => {
    const ghi = [5, 20, 40, 60, 80].map((el) => clearSkyIrradiance(sunAt(el)).ghiWm2);
    for (let i = 1; i < ghi.length; i++) expect(ghi[i]).toBeGreaterThan(ghi[i - 1]!);
  });

  it("uses one air mass overhead and more near the horizon", () => {
    expect(airMass(0)).toBeCloseTo(1, 2);
    expect(airMass(80)).toBeGreaterThan(5);
  });

  it("under clouds keeps the global share and turns the beam into diffuse", () => {
    const sun = sunAt(50);
    const clear = clearSkyIrradiance(sun);
    const half = cloudyIrradiance(clear, sun, 0.5);
    const overcast = cloudyIrradiance(clear, sun, 0.2);
    expect(half.ghiWm2).toBeCloseTo(clear.ghiWm2 * 0.5, 6);
    expect(half.dniWm2).toBeLessThan(clear.dniWm2);
    expect(overcast.dniWm2).toBe(0);
    expect(overcast.dhiWm2).toBeCloseTo(overcast.ghiWm2, 6);
  });
});

describe("planeOfArray", () => {
  it("gets the full beam when the panel faces the sun", () => {
    const sun = { elevationDeg: 40, zenithDeg: 50, azimuthDeg: 200 };
    const irr = clearSkyIrradiance(sun);
    expect(cosIncidence(sun, 50, 200)).toBeCloseTo(1, 10);
    const poa = planeOfArray(sun, irr, 50, 200);
    expect(poa).toBeGreaterThan(irr.dniWm2);
    expect(poa).toBeGreaterThan(irr.ghiWm2);
  });

  it("equals the global irradiance for a flat panel", () => {
    const sun = { elevationDeg: 35, zenithDeg: 55, azimuthDeg: 120 };
    const irr = clearSkyIrradiance(sun);
    expect(planeOfArray(sun, irr, 0, 180)).toBeCloseTo(irr.ghiWm2, 6);
  });

  it("gets only diffuse and ground light with the sun behind the panel", () => {
    const sun = { elevationDeg: 20, zenithDeg: 70, azimuthDeg: 90 };
    const irr = clearSkyIrradiance(sun);
    const west = planeOfArray(sun, irr, 35, 270);
    const cos35 = Math.cos((35 * Math.PI) / 180);
    expect(west).toBeCloseTo((irr.dhiWm2 * (1 + cos35)) / 2 + (irr.ghiWm2 * 0.2 * (1 - cos35)) / 2, 6);
  });
});
