/**
 * Each family's energy counter and uptime on the wire: the Wh per raw LSB and where the raw values wrap.
 * The accounting (src/site/energy) and the ECU source (src/ecu, which keeps a counter of its own) read them.
 */
import type { Family } from "./models.ts";
import { DS3_ENERGY_WH_PER_LSB, QS1_ENERGY_WH_PER_LSB } from "./scales.ts";

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
