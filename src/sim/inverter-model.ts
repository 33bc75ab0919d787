/**
 * What the simulator needs to know per inverter family: ratings, wire counter widths and timing.
 * Datasheet values are the QS1 ones for every model (DESIGN.md §5); only the AC rating differs.
 */
import { type Family, type ModelInfo, modelByName, modelForSerial } from "../protocol/models.ts";
import type { InputWindow } from "./panel.ts";
import { SIM_DS3_WH_PER_LSB, SIM_QS1_WH_PER_LSB } from "./wire/scales.ts";

export type SimFamily = Exclude<Family, "yc1000">;

/** Continuous AC rating: QS1-EU manual §8 (1200 W); YC600 and DS3 vendor datasheets (600 W, 880 W). */
export const MAX_CONTINUOUS_W: Readonly<Record<SimFamily, number>> = { qs1: 1200, yc600: 600, ds3: 880 };

/** Counter widths on the wire: QS1/YC600 5 bytes, DS3 4 bytes (DESIGN.md §2). */
const ENERGY: Readonly<Record<SimFamily, { whPerLsb: number; wrap: number }>> = {
  qs1: { whPerLsb: SIM_QS1_WH_PER_LSB, wrap: 2 ** 40 },
  yc600: { whPerLsb: SIM_QS1_WH_PER_LSB, wrap: 2 ** 40 },
  ds3: { whPerLsb: SIM_DS3_WH_PER_LSB, wrap: 2 ** 32 },
};
const UPTIME_WRAP_S = 65_536;

export const QS1_SHEET = modelByName("QS1")!.datasheet!;
export const INPUT_WINDOW: InputWindow = {
  mpptV: QS1_SHEET.mpptV,
  operatingV: QS1_SHEET.operatingV,
  maxInputA: QS1_SHEET.maxInputA,
};

/** Sub-step of the integration: a day advanced in one call still samples the sun every minute. */
export const MAX_STEP_MS = 60_000;
/** A command takes effect this long after it is received (seeded per command). */
export const COMMAND_DELAY_MS: readonly [number, number] = [2_000, 5_000];
/** Limit changes move at 10 % of the per-unit rating per second. */
export const LIMIT_RAMP_SHARE_PER_S = 0.1;
/** After power-up, switch-on or a fault clearing, output rises at 10 % of the rating per second. */
export const START_RAMP_SHARE_PER_S = 0.1;
/** Grid protection waits this long after a fault clears before reconnecting (EN 50549-style). */
export const RECONNECT_DELAY_MS = 60_000;

/** The model for a serial, or a clear error for serials the simulator cannot play. */
export function simModelForSerial(serial: string): ModelInfo & { family: SimFamily } {
  const model = modelForSerial(serial);
  if (!model || model.family === "yc1000") {
    throw new RangeError(
      `InverterSim: serial '${serial}' is ${model ? "a YC1000, which has no telemetry decoder" : "not a known model"}; ` +
        "use a QS1 (801 802 804 805), QS1A (806), YC600 (406–409) or DS3 (703 704) serial",
    );
  }
  return model as ModelInfo & { family: SimFamily };
}

/** Raw counter for an energy in Wh: whole LSBs, wrapped at the wire width. */
export function energyCounter(family: SimFamily, wh: number): number {
  const e = ENERGY[family];
  return Math.floor(wh / e.whPerLsb) % e.wrap;
}

/** The 16-bit uptime field: whole seconds since power-up, wrapped. */
export function uptimeCounter(sincePowerUpMs: number): number {
  return Math.floor(sincePowerUpMs / 1000) % UPTIME_WRAP_S;
}
