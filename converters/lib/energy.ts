/**
 * Energy for hosted converters: the site's pure accounting core (src/site/energy/step.ts) per device — restart
 * detection by uptime and counters, wrap handling, garbage rejection; lifetime never goes down — plus seeding
 * from the last published state. zigbee2mqtt keeps no store, only its state cache (state.json), so after a
 * restart the converter knows the published lifetime but not the counter anchors. Seeding rule per channel:
 *
 *   lifetime = published lifetime + max(0, energy since power-up − published energy today)
 *
 * The published lifetime already holds today's energy up to the last published reading, so adding the whole
 * since-power-up counter again would count today twice; this never counts anything twice and never goes down
 * (at worst it under-counts the energy of the polls missed while zigbee2mqtt was down).
 */

import type { Telemetry } from "../../src/protocol/types.ts";
import { localDay } from "../../src/site/daily.ts";
import { DEFAULT_TOLERANCE } from "../../src/site/energy/session.ts";
import type { AccountingResult, InverterState } from "../../src/site/energy/state.ts";
import { stepReading } from "../../src/site/energy/step.ts";
import { defaultMaxChannelW } from "../../src/site/energy/units.ts";

export interface EnergyContext {
  atMs: number;
  /** IANA zone for "today"; zigbee2mqtt uses its host's zone. */
  timeZone: string;
  /** Site energy_calibration factor (1 = the openaps scale). */
  calibration: number;
}

export interface EnergyStep {
  next: InverterState;
  /** The reading's booking; after seeding, its lifetimes are the seeded ones. */
  result: AccountingResult;
}

export function accountReading(
  prev: InverterState | undefined,
  t: Telemetry,
  ctx: EnergyContext,
  published?: Readonly<Record<string, unknown>>,
): EnergyStep {
  const { next, result } = stepReading(prev, t, ctx.atMs, {
    timeZone: ctx.timeZone,
    calibration: ctx.calibration,
    tolerance: DEFAULT_TOLERANCE,
    maxChannelW: (_serial, model) => defaultMaxChannelW(model),
  });
  if (prev === undefined && published && seedFromPublished(next, published)) {
    result.channels.forEach((c, i) => {
      c.lifetimeWh = next.channels[i]?.lifetimeWh ?? c.lifetimeWh;
    });
    result.lifetimeWh = result.channels.reduce((a, c) => a + c.lifetimeWh, 0);
  }
  return { next, result };
}

/** True when a published lifetime was found for at least one channel. */
function seedFromPublished(next: InverterState, published: Readonly<Record<string, unknown>>): boolean {
  let seeded = false;
  next.channels.forEach((c, i) => {
    const lifetimeKWh = finite(published[`energy_ch${i + 1}`]);
    if (lifetimeKWh === undefined) return;
    const todayWh = (finite(published[`energy_today_ch${i + 1}`]) ?? 0) * 1000;
    c.lifetimeWh = lifetimeKWh * 1000 + Math.max(0, c.dayWh - todayWh);
    seeded = true;
  });
  return seeded;
}

/** Lifetime and today's Wh per channel at `atMs`; today is 0 once local midnight has passed. */
export function energyTotals(
  s: InverterState,
  atMs: number,
  timeZone: string,
): { lifetimeWh: number; todayWh: number }[] {
  const current = s.day !== null && s.day >= localDay(atMs, timeZone);
  return s.channels.map((c) => ({ lifetimeWh: c.lifetimeWh, todayWh: current ? c.dayWh : 0 }));
}

function finite(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : undefined;
}
