/**
 * The demo installation: a house near Amsterdam with 16 × 400 Wp on two roof faces, four QS1s.
 * One inverter's C and D panels sit behind a chimney, so the map has something to show.
 */
import type { PanelSpec } from "./panel.ts";
import { SimSite, type SimSiteOptions } from "./site.ts";

export const DEMO_LOCATION = { latitudeDeg: 52.37, longitudeDeg: 4.9 } as const;
export const DEMO_SEED = 20240621;

export const DEMO_SERIALS = ["801000012345", "801000012346", "801000012347", "801000012348"] as const;

/** Datasheet values typical of 400 Wp 108-half-cell mono modules (e.g. the Trina Vertex S DE09 class). */
export const DEMO_MODULE = {
  wp: 400,
  vmpV: 34.2,
  impA: 11.7,
  vocV: 41.2,
  iscA: 12.28,
  tempCoeffPmaxPctPerC: -0.34,
  tempCoeffVocPctPerC: -0.25,
} as const;

export const DEMO_ROOF_FACES = {
  south: { tiltDeg: 35, azimuthDeg: 180 },
  west: { tiltDeg: 35, azimuthDeg: 270 },
} as const;

export type DemoFace = keyof typeof DEMO_ROOF_FACES;

/** Which roof face each demo inverter's panels are on. */
export const DEMO_FACE_OF: Readonly<Record<(typeof DEMO_SERIALS)[number], DemoFace>> = {
  "801000012345": "south",
  "801000012346": "south",
  "801000012347": "west",
  "801000012348": "west",
};

/** Chimney shade on 801000012346, inputs C and D (fraction of light lost). */
export const DEMO_SHADING: Readonly<Record<string, readonly number[]>> = {
  "801000012346": [0, 0, 0.35, 0.2],
};

function panel(face: DemoFace, shading = 0): PanelSpec {
  return { ...DEMO_MODULE, ...DEMO_ROOF_FACES[face], shading };
}

export interface DemoSiteOptions {
  seed?: number;
  clearSky?: boolean;
}

export function demoSiteOptions(opts: DemoSiteOptions = {}): SimSiteOptions {
  return {
    ...DEMO_LOCATION,
    seed: opts.seed ?? DEMO_SEED,
    clearSky: opts.clearSky ?? false,
    inverters: DEMO_SERIALS.map((serial) => ({
      serial,
      panels: [0, 1, 2, 3].map((i) => panel(DEMO_FACE_OF[serial], DEMO_SHADING[serial]?.[i] ?? 0)),
    })),
  };
}

export function createDemoSite(opts: DemoSiteOptions = {}): SimSite {
  return new SimSite(demoSiteOptions(opts));
}
