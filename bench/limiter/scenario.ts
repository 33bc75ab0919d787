/**
 * The simulated days: PV from the project's inverter simulator (the demo site: 4 QS1 × 4 × 400 Wp,
 * south and west roofs near Amsterdam), load from the seeded household, both precomputed once per
 * day at 1 s so every controller sees exactly the same world.
 */

import type { LimiterInverter } from "../../src/automations/export-limit/types.ts";
import { createDemoSite, DEMO_LOCATION } from "../../src/sim/demo-site.ts";
import { Household } from "../../src/sim/household.ts";
import { solarPosition } from "../../src/site/sun.ts";

export interface DaySpec {
  name: string;
  /** Local midnight of the day, epoch ms (CEST: UTC+2). */
  dayMs: number;
  clearSky: boolean;
  siteSeed: number;
  householdSeed: number;
  lowLoad: boolean;
}

export interface DayData {
  spec: DaySpec;
  startMs: number;
  seconds: number;
  loadW: Float64Array;
  /** availW[i][s]: what inverter i could give, unlimited, at second s. */
  availW: Float64Array[];
  daylight: Uint8Array;
  inverters: LimiterInverter[];
}

const CEST_MIN = 120;
/** Simulated span of each day, local time: from before sunrise to after sunset in summer. */
const FROM_H = 4;
const TO_H = 23;

export const DAYS: DaySpec[] = [
  {
    name: "sunny",
    dayMs: Date.UTC(2026, 5, 21) - CEST_MIN * 60_000,
    clearSky: true,
    siteSeed: 1,
    householdSeed: 11,
    lowLoad: false,
  },
  {
    name: "broken-clouds",
    dayMs: Date.UTC(2026, 6, 8) - CEST_MIN * 60_000,
    clearSky: false,
    siteSeed: 3,
    householdSeed: 12,
    lowLoad: false,
  },
  {
    name: "low-load",
    dayMs: Date.UTC(2026, 4, 24) - CEST_MIN * 60_000,
    clearSky: true,
    siteSeed: 3,
    householdSeed: 13,
    lowLoad: true,
  },
];

export function buildDay(spec: DaySpec): DayData {
  const site = createDemoSite({ seed: spec.siteSeed, clearSky: spec.clearSky });
  const house = new Household({ seed: spec.householdSeed, lowLoad: spec.lowLoad, utcOffsetMin: CEST_MIN });
  const startMs = spec.dayMs + FROM_H * 3_600_000;
  const seconds = (TO_H - FROM_H) * 3600;
  const loadW = new Float64Array(seconds);
  const availW = site.inverters.map(() => new Float64Array(seconds));
  const daylight = new Uint8Array(seconds);
  for (let s = 0; s < seconds; s++) {
    const t = startMs + s * 1000;
    loadW[s] = house.load(t);
    site.inverters.forEach((inv, i) => {
      availW[i]![s] = inv.availableAcW(t);
    });
    if (s % 10 === 0) {
      const up =
        solarPosition(t, DEMO_LOCATION.latitudeDeg, DEMO_LOCATION.longitudeDeg).elevationDeg > -1 ? 1 : 0;
      daylight.fill(up, s, Math.min(seconds, s + 10));
    }
  }
  // QS1: 20–500 W per panel on the wire, but 1200 W per inverter at most: 4 panels × 1 W steps.
  const inverters = site.inverters.map((inv) => ({
    serial: inv.serial,
    minW: 80,
    maxW: inv.maxContinuousW,
    stepW: 4,
  }));
  return { spec, startMs, seconds, loadW, availW, daylight, inverters };
}
