/**
 * The appliances of the simulated household (src/sim/household.ts): when each runs on a given day
 * and what it draws second by second. Powers and durations are typical European values (a 2–3 kW
 * kettle, a 2–3.5 kW oven with its thermostat, a washing machine that heats then tumbles); they are
 * meant to give a grid meter realistic steps, not to model any one brand.
 */
import { hash32, Rng, unitFromHash } from "./random.ts";

export type ApplianceKind = "kettle" | "oven" | "washer" | "hob";

/** One run of an appliance, in ms since the local midnight of its day. */
export interface ApplianceRun {
  kind: ApplianceKind;
  startMs: number;
  durationMs: number;
  /** Full power while heating, W. */
  powerW: number;
  /** Seed for the run's own on/off pattern (thermostat cycling, tumbling). */
  seed: number;
}

const MIN = 60_000;
const HOUR = 3_600_000;

/** The appliance runs of one day. `lowLoad`: a small or mostly-away household (no oven, no hob). */
export function planDay(daySeed: number, lowLoad: boolean): ApplianceRun[] {
  const rng = new Rng(daySeed);
  const runs: ApplianceRun[] = [];
  const at = (fromH: number, toH: number) => Math.round(rng.range(fromH * HOUR, toH * HOUR));
  const seed = () => Math.floor(rng.next() * 4_294_967_296);
  const kettle = (fromH: number, toH: number) =>
    runs.push({
      kind: "kettle",
      startMs: at(fromH, toH),
      durationMs: Math.round(rng.range(2 * MIN, 4 * MIN)),
      powerW: Math.round(rng.range(2000, 3000)),
      seed: seed(),
    });

  // Kettle: breakfast always; lunch, afternoon tea and evening some days.
  kettle(6.5, 8.5);
  const kettleChance = lowLoad ? 0.3 : 0.7;
  if (rng.next() < kettleChance) kettle(11.5, 13.5);
  if (rng.next() < kettleChance) kettle(15, 17);
  if (rng.next() < kettleChance) kettle(19, 21.5);

  if (!lowLoad) {
    // Oven most evenings, and some days at lunch (a weekend roast, a quiche): about 45 min.
    if (rng.next() < 0.6)
      runs.push({
        kind: "oven",
        startMs: at(17, 18.5),
        durationMs: Math.round(rng.range(40 * MIN, 55 * MIN)),
        powerW: Math.round(rng.range(2000, 3500)),
        seed: seed(),
      });
    if (rng.next() < 0.25)
      runs.push({
        kind: "oven",
        startMs: at(11, 12.5),
        durationMs: Math.round(rng.range(40 * MIN, 55 * MIN)),
        powerW: Math.round(rng.range(2000, 3500)),
        seed: seed(),
      });
    // Electric hob for the evening meal (and lunch some days), cycling on its power regulator.
    if (rng.next() < 0.7)
      runs.push({
        kind: "hob",
        startMs: at(17.5, 19),
        durationMs: Math.round(rng.range(15 * MIN, 30 * MIN)),
        powerW: Math.round(rng.range(1200, 2000)),
        seed: seed(),
      });
    if (rng.next() < 0.3)
      runs.push({
        kind: "hob",
        startMs: at(12, 13),
        durationMs: Math.round(rng.range(10 * MIN, 20 * MIN)),
        powerW: Math.round(rng.range(1200, 2000)),
        seed: seed(),
      });
  }
  // Washing machine during the day (people run it on sunny days for the solar power).
  if (rng.next() < (lowLoad ? 0.3 : 0.6))
    runs.push({
      kind: "washer",
      startMs: at(9, 15),
      durationMs: Math.round(rng.range(90 * MIN, 120 * MIN)),
      powerW: Math.round(rng.range(1800, 2200)),
      seed: seed(),
    });
  return runs.sort((a, b) => a.startMs - b.startMs);
}

/** A value in [0,1) for second `s` of a run: the run's own stream of randomness. */
function u(run: ApplianceRun, stream: number, index: number): number {
  return unitFromHash(hash32(run.seed, stream, index));
}

/**
 * Thermostat cycling: full power for the first `preheatMs`, then alternating on/off periods whose
 * lengths are drawn per cycle (on `onS`, off `offS`, seconds).
 */
function cycling(
  run: ApplianceRun,
  sinceMs: number,
  preheatMs: number,
  onS: [number, number],
  offS: [number, number],
) {
  if (sinceMs < preheatMs) return run.powerW;
  let t = (sinceMs - preheatMs) / 1000;
  for (let cycle = 0; cycle < 10_000; cycle++) {
    const off = offS[0] + (offS[1] - offS[0]) * u(run, 1, cycle);
    if (t < off) return 0;
    t -= off;
    const on = onS[0] + (onS[1] - onS[0]) * u(run, 2, cycle);
    if (t < on) return run.powerW;
    t -= on;
  }
  return 0;
}

/** Power drawn by `run` at `sinceMs` after its start (0 outside the run), W. */
export function runPowerW(run: ApplianceRun, sinceMs: number): number {
  if (sinceMs < 0 || sinceMs >= run.durationMs) return 0;
  switch (run.kind) {
    case "kettle":
      return run.powerW;
    case "oven":
      // Heats up for ~10 min, then the thermostat keeps it around temperature.
      return cycling(run, sinceMs, 10 * MIN, [40, 90], [60, 120]) + 25; // fan and light
    case "hob":
      // The power regulator of a radiant or induction zone switches on a short cycle.
      return cycling(run, sinceMs, 3 * MIN, [10, 30], [10, 30]);
    case "washer": {
      // Heats the water (~18 min), then tumbles (200–500 W, reversing every ~15 s), spins at the end.
      const heatMs = 18 * MIN;
      const spinMs = 8 * MIN;
      if (sinceMs < 2 * MIN) return 60; // filling
      if (sinceMs < 2 * MIN + heatMs) return run.powerW;
      if (sinceMs >= run.durationMs - spinMs) return 450 + 50 * u(run, 3, Math.floor(sinceMs / 1000));
      const phase = Math.floor(sinceMs / 15_000);
      return phase % 2 === 0 ? 200 + 300 * u(run, 4, phase) : 40;
    }
  }
}
