/** What every controller in the limiter benchmark is: the core's inputs in, limit writes out. */
import type { LimiterInput, LimitWrite } from "../../src/automations/export-limit/types.ts";

export interface BenchController {
  readonly name: string;
  /** The inputs our core gets, in the same order, at the same times. Returns the writes asked. */
  input(i: LimiterInput): LimitWrite[];
  /** The truth each second (true load, what each inverter could give): only the oracle looks. */
  truth?(tMs: number, loadW: number, availW: readonly number[], outputW: readonly number[]): LimitWrite[];
}
