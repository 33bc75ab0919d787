/**
 * What the accountant needs to know about each family's counters: the Wh per raw LSB, where the
 * raw counter wraps, and how much a channel can physically produce (to reject garbage).
 */
import type { Family, ModelName } from "../../protocol/models.ts";
import { modelByName } from "../../protocol/models.ts";
import { DS3_ENERGY_WH_PER_LSB, QS1_ENERGY_WH_PER_LSB } from "../../protocol/scales.ts";

/** Uptime is a 16-bit seconds field (DESIGN.md §2, QS1 bytes 30–31): it wraps after 18.2 h. */
export const UPTIME_MODULUS = 0x1_0000;

export interface CounterSpec {
  whPerLsb: number;
  /** The raw value after which the counter wraps to 0. */
  modulus: number;
}

/** QS1/QS1A/YC600: 5-byte per-input accumulator (DESIGN.md §2 offsets 37, 42, 47, 52). */
const FIVE_BYTE: CounterSpec = { whPerLsb: QS1_ENERGY_WH_PER_LSB, modulus: 2 ** 40 };
/** DS3: 32-bit per-input counter (DESIGN.md §2 offsets 0x28, 0x2C). */
const DS3: CounterSpec = { whPerLsb: DS3_ENERGY_WH_PER_LSB, modulus: 2 ** 32 };

export function counterSpec(family: Family): CounterSpec {
  return family === "ds3" ? DS3 : FIVE_BYTE;
}

/**
 * Continuous AC output per inverter where models.ts carries no datasheet. Vendor datasheets;
 * DS3 takes its largest variant (DS3-H) because the serial prefix does not tell DS3-L/DS3/DS3-H
 * apart. This bound only rejects garbage, so erring high is safe.
 */
const CONTINUOUS_W: Readonly<Record<ModelName, number>> = {
  QS1: 1200,
  QS1A: 1200,
  YC600: 600,
  YC1000: 1000,
  DS3: 960,
};

/** Head-room over the continuous rating: peak output, cold panels, counter-scale error. */
export const MAX_POWER_MARGIN = 1.5;

/** Default per-channel ceiling: 1.5 × continuous output / channels (QS1: 1.5 × 1200 / 4 = 450 W). */
export function defaultMaxChannelW(model: ModelName): number {
  const info = modelByName(model);
  const continuous = info?.datasheet?.maxContinuousW ?? CONTINUOUS_W[model];
  const channels = info?.channels ?? 4;
  return (MAX_POWER_MARGIN * continuous) / channels;
}
