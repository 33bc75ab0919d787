/**
 * One controller through one simulated day: the plant, the meter at its cadence, telemetry polls at
 * theirs (staggered over the inverters, plus one right after each write takes effect, as the real
 * module polls affected inverters), ticks every 10 s, and the metrics.
 */
import type { LimiterInput, LimiterSettings, LimitWrite } from "../../src/automations/export-limit/types.ts";
import { Plant } from "./plant.ts";
import type { DayData } from "./scenario.ts";
import type { BenchController } from "./types.ts";

export interface Variant {
  meterS: number;
  telemetryS: number;
}

export interface RunResult {
  violationWh: number;
  curtailedWh: number;
  /** Curtailment each second, W (for comparing with the oracle second by second). */
  curtailedW: Float32Array;
  /**
   * The least curtailment that keeps export within the allowed value each second, W (what the
   * panels give beyond load + allowed export, as far as the inverters' minimum limits let it go).
   */
  requiredW: Float32Array;
  writes: number;
  refused: number;
}

/** A poll answers this long after the write's result (the module queues it at once). */
const POLL_AFTER_WRITE_S = 3;

export function simulate(
  day: DayData,
  variant: Variant,
  settings: LimiterSettings,
  make: () => BenchController,
  seed: number,
): RunResult {
  const ctl = make();
  const plant = new Plant(day.inverters, seed, settings.maxWritesPerHour);
  const n = day.inverters.length;
  const allowed = settings.mode === "zero_export" ? 0 : settings.targetW;
  const extraPolls = new Map<number, Set<number>>();
  let violationWs = 0;
  let curtailedWs = 0;
  const curtailedW = new Float32Array(day.seconds);
  const requiredW = new Float32Array(day.seconds);
  const avail = new Array<number>(n).fill(0);
  const output = new Array<number>(n).fill(0);

  const send = (i: LimiterInput) => take(ctl.input(i), i.atMs);
  const take = (writes: LimitWrite[], tMs: number) => {
    for (const wr of writes) plant.write(wr, tMs);
  };
  const t0 = day.startMs;
  for (const inv of day.inverters) send({ kind: "limit", atMs: t0, serial: inv.serial, limitW: inv.maxW });

  for (let s = 0; s < day.seconds; s++) {
    const t = t0 + s * 1000;
    for (let k = 0; k < n; k++) avail[k] = day.availW[k]![s]!;
    const applied = plant.step(t, avail);
    for (let k = 0; k < n; k++) output[k] = plant.units[k]!.outputW;
    const load = day.loadW[s]!;
    const produced = output.reduce((a, b) => a + b, 0);
    const exportW = produced - load;
    if (exportW > allowed) violationWs += exportW - allowed;
    const curtailed = avail.reduce((a, b) => a + b, 0) - produced;
    curtailedWs += curtailed;
    curtailedW[s] = curtailed;
    let most = 0;
    for (let k = 0; k < n; k++) most += Math.max(0, avail[k]! - day.inverters[k]!.minW);
    requiredW[s] = Math.min(most, Math.max(0, avail.reduce((a, b) => a + b, 0) - load - allowed));

    for (const a of applied) {
      send({ kind: "write-result", atMs: t, serial: a.serial, limitW: a.limitW, ok: true });
      const at = s + POLL_AFTER_WRITE_S;
      const set = extraPolls.get(at) ?? new Set<number>();
      set.add(day.inverters.findIndex((inv) => inv.serial === a.serial));
      extraPolls.set(at, set);
    }
    if (ctl.truth) take(ctl.truth(t, load, avail, output), t);
    if (s % 10 === 0) send({ kind: "tick", atMs: t, daylight: day.daylight[s] === 1 });
    if (s % variant.meterS === 0) send({ kind: "meter", atMs: t, gridW: Math.round(load - produced) });
    // Polls staggered: inverter k at k·(period/n) into each period.
    const polled = extraPolls.get(s) ?? new Set<number>();
    extraPolls.delete(s);
    for (let k = 0; k < n; k++) {
      if ((s - Math.floor((k * variant.telemetryS) / n)) % variant.telemetryS === 0) polled.add(k);
    }
    for (const k of polled) {
      if (avail[k]! <= 0 && output[k]! <= 0) continue; // asleep: no answer
      send({ kind: "reading", atMs: t, serial: day.inverters[k]!.serial, acPowerW: Math.round(output[k]!) });
    }
  }
  return {
    violationWh: violationWs / 3600,
    curtailedWh: curtailedWs / 3600,
    curtailedW,
    requiredW,
    writes: plant.writes,
    refused: plant.refused,
  };
}
