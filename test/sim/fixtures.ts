/** Shared inputs for the simulator tests: places, days and panels. */
import type { PanelSpec } from "../../src/sim/panel.ts";
import { SimSite, type SimSiteOptions } from "../../src/sim/site.ts";

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** Midnight UTC of the June solstice 2025. */
export const JUNE_21 = Date.UTC(2025, 5, 21);
export const DEC_21 = Date.UTC(2025, 11, 21);

export const AMSTERDAM = { latitudeDeg: 52.37, longitudeDeg: 4.9 } as const;

/** A 400 Wp module facing south at 35°. */
export const MODULE_400: PanelSpec = {
  wp: 400,
  vmpV: 34,
  impA: 11.8,
  vocV: 41,
  iscA: 12.5,
  tiltDeg: 35,
  azimuthDeg: 180,
};

/** A 500 Wp module: four of them are far more than a QS1's 1200 W. */
export const MODULE_500: PanelSpec = {
  wp: 500,
  vmpV: 42,
  impA: 11.9,
  vocV: 50,
  iscA: 12.6,
  tiltDeg: 35,
  azimuthDeg: 180,
};

export function oneInverterSite(
  serial: string,
  panels: PanelSpec[],
  over: Partial<Omit<SimSiteOptions, "inverters">> = {},
): SimSite {
  return new SimSite({ ...AMSTERDAM, seed: 7, clearSky: true, ...over, inverters: [{ serial, panels }] });
}

/** AC share of one input as the reply states it: V·I·0.95. */
export function acShare(ch: { voltageV: number; currentA: number }): number {
  return ch.voltageV * ch.currentA * 0.95;
}
