/**
 * The plant one controller acts on, second by second: inverters whose output is
 * min(what the panels give, the limit in force), a written limit taking effect after a seeded
 * 2–10 s latency and then ramping at 10 % of the maximum per second (the simulator's ramp), and a
 * command queue that refuses writes over the hourly budget and skips unchanged values, as the real
 * one does. The latency of a write depends on the inverter and the second it is asked, the same for every
 * controller.
 */

import type { LimiterInverter, LimitWrite } from "../../src/automations/export-limit/types.ts";
import { hash32, unitFromHash } from "../../src/sim/random.ts";

const HOUR_MS = 3_600_000;
export const LATENCY_S: readonly [number, number] = [2, 10];
export const RAMP_SHARE_PER_S = 0.1;

interface Unit {
  spec: LimiterInverter;
  /** Stored limit (after the latency). */
  storedW: number;
  /** The limit as ramped, shaping the output. */
  rampW: number;
  pending: { limitW: number; applyAtMs: number } | undefined;
  writeTimes: number[];
  outputW: number;
}

export interface Applied {
  serial: string;
  limitW: number;
}

export class Plant {
  readonly units: Unit[];
  writes = 0;
  refused = 0;

  constructor(
    inverters: readonly LimiterInverter[],
    private readonly seed: number,
    private readonly budgetPerHour: number,
  ) {
    this.units = inverters.map((spec) => ({
      spec,
      storedW: spec.maxW,
      rampW: spec.maxW,
      pending: undefined,
      writeTimes: [],
      outputW: 0,
    }));
  }

  /** A controller's write at `tMs`: queued with its latency, or refused (budget) or skipped (unchanged). */
  write(wr: LimitWrite, tMs: number): void {
    const u = this.units.find((x) => x.spec.serial === wr.serial);
    if (!u) throw new Error(`bench plant: no inverter ${wr.serial}`);
    const limitW = Math.min(u.spec.maxW, Math.max(u.spec.minW, wr.limitW));
    if (limitW === (u.pending?.limitW ?? u.storedW)) return;
    while (u.writeTimes.length > 0 && u.writeTimes[0]! <= tMs - HOUR_MS) u.writeTimes.shift();
    if (u.writeTimes.length >= this.budgetPerHour) {
      this.refused++;
      return;
    }
    u.writeTimes.push(tMs);
    this.writes++;
    // Common random numbers: the latency belongs to the moment and the inverter (radio traffic, the
    // inverter's own cycle), not to how many writes a controller made before, so two controllers
    // writing the same inverter in the same second wait the same time.
    const second = Math.floor(tMs / 1000);
    const r = unitFromHash(hash32(this.seed, second, Number(u.spec.serial.slice(-6))));
    const latencyMs = 1000 * Math.round(LATENCY_S[0] + (LATENCY_S[1] - LATENCY_S[0]) * r);
    u.pending = { limitW, applyAtMs: tMs + latencyMs };
  }

  /** Advances to `tMs` (1 s after the last call) with the panels giving `availW`; returns writes that took effect. */
  step(tMs: number, availW: readonly number[]): Applied[] {
    const applied: Applied[] = [];
    this.units.forEach((u, i) => {
      const avail = availW[i]!;
      if (u.pending && u.pending.applyAtMs <= tMs) {
        u.storedW = u.pending.limitW;
        // A cut starts from what the inverter gives, not from a limit far above it.
        if (u.storedW < u.rampW) u.rampW = Math.min(u.rampW, Math.max(u.outputW, u.storedW));
        applied.push({ serial: u.spec.serial, limitW: u.storedW });
        u.pending = undefined;
      }
      const rate = RAMP_SHARE_PER_S * u.spec.maxW;
      if (u.rampW < u.storedW) u.rampW = Math.min(u.storedW, u.rampW + rate);
      else if (u.rampW > u.storedW) u.rampW = Math.max(u.storedW, u.rampW - rate);
      u.outputW = Math.min(avail, u.rampW);
    });
    return applied;
  }
}
