/** What every controller in the limiter benchmark is: the core's inputs in, limit writes out. */
import type { LimiterInput, LimiterSettings, LimitWrite } from "../../src/automations/export-limit/types.ts";

export interface BenchController {
  readonly name: string;
  /** The inputs our core gets, in the same order, at the same times. Returns the writes asked. */
  input(i: LimiterInput): LimitWrite[];
  /** The truth each second (true load, what each inverter could give): only the oracle looks. */
  truth?(tMs: number, loadW: number, availW: readonly number[], outputW: readonly number[]): LimitWrite[];
}

/** The settings every controller in the benchmark runs with: zero export, site.yaml's defaults. */
export const BENCH_SETTINGS: LimiterSettings = {
  targetW: 0,
  hysteresisW: 50,
  intervalS: 10,
  meterTimeoutS: 60,
  fallback: "hold",
  maxWritesPerHour: 12,
  mode: "zero_export",
  enabled: true,
};
