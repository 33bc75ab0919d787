/**
 * Max power as the emulated inverter stores it: the word a set command carries, and the word it reports in
 * its DE / DD DE reply. Scales from ./scales.ts (written independently of the codec, see there).
 */
import { SIM_DS3_LIMIT_W_PER_LSB, SIM_QS1_LIMIT_MUL } from "./scales.ts";

/** Watts a received set-power word means: QS1/YC600 per panel (word · 256 / 7395), DS3 per inverter. */
export function limitWattsOfWord(family: "qs1" | "yc600" | "ds3", word: number): number {
  return family === "ds3" ? word * SIM_DS3_LIMIT_W_PER_LSB : (word * 256) / SIM_QS1_LIMIT_MUL;
}

/** The word the inverter reports for a stored limit: QS1/YC600 (W · 7395) >> 8, DS3 round(W / 0.06027). */
export function limitWordOfWatts(family: "qs1" | "yc600" | "ds3", watts: number): number {
  return family === "ds3"
    ? Math.round(watts / SIM_DS3_LIMIT_W_PER_LSB)
    : Math.floor((Math.round(watts) * SIM_QS1_LIMIT_MUL) / 256);
}
