/**
 * The emulated inverters' own wire scales, written out again from the public sources instead of imported
 * from src/protocol/scales.ts. Deliberately so: if the emulator encoded with the codec's constants, a wrong
 * codec constant would encode and decode with the same mistake, cancel out, and every end-to-end test that
 * compares decoded values with the emulator's truth would still pass (issue 9: two broken constants, 916 of
 * 924 tests green). Keep these literal; never `import … from "../../protocol/…"` a number here.
 *
 * Sources: DESIGN.md §2, shared/reference/protocol-research.md §3.3 and §4, openaps codec (qs1a.go, ds3.go,
 * setpower.go), ESP32-read-APS-inverters AAA_DECODE.ino, set-power sniffs (frames.json set_power_sniffs).
 */

// ---- QS1 / QS1A / YC600, reply cmd 0xB1 ----

/** Heatsink °C = raw · 0.2752 − 258.7 (ESP-ECU AAA_DECODE.ino `extractValue(20, 4, 0.2752F, -258.7F)`). */
export const SIM_QS1_TEMP = { gain: 0.2752, offset: -258.7 } as const;
/** Hz = 50 000 000 / raw, 24-bit (ESP-ECU `50000000 / extractValue(24, 6 …)`, openaps, PY). */
export const SIM_QS1_HZ_NUMERATOR = 50_000_000;
/** DC input: 12-bit current × 27.5 / 4096 A, 12-bit voltage × 82.5 / 4096 V (all three sources agree). */
export const SIM_QS1_DC_AMPS_PER_LSB = 27.5 / 4096;
export const SIM_QS1_DC_VOLTS_PER_LSB = 82.5 / 4096;
/** AC V = raw / 1.3277 / 4 (ESP-ECU `* (1 / 1.3277)) / 4`), i.e. raw = V · 5.3108. */
export const SIM_QS1_AC_RAW_PER_VOLT = 1.3277 * 4;
/** Energy: 5-byte accumulator × 3.756e-11 kWh = 3.756e-8 Wh per step (openaps, from the vendor firmware). */
export const SIM_QS1_WH_PER_LSB = 3.756e-8;
/** QS1/YC600 report no AC power; an ECU estimates it as Σ V·I × 0.95 (openaps). The sim's inverters
 * convert DC to AC at this same efficiency so that estimate is right for them. */
export const SIM_DC_TO_AC_EFFICIENCY = 0.95;

// ---- DS3 / DS3-L / DS3-H, reply cmd 0xBB (openaps codec/ds3.go) ----

export const SIM_DS3_DC_VOLTS_PER_LSB = 0.02;
export const SIM_DS3_DC_AMPS_PER_LSB = 0.01172;
export const SIM_DS3_AC_VOLTS_PER_LSB = 0.268;
export const SIM_DS3_HZ_PER_LSB = 0.01;
/** 32-bit counter × 1.674e-8 kWh = 1.674e-5 Wh per step. */
export const SIM_DS3_WH_PER_LSB = 1.674e-5;
/** Temperature raw · 0.0198 − 23.84 °C (ESP-ECU; openaps does not decode it). */
export const SIM_DS3_TEMP = { gain: 0.0198, offset: -23.84 } as const;

// ---- max power (set and read back) ----

/**
 * QS1/YC600 limit word = (W · 7395) >> 8 per panel (openaps setpower.go); it reproduces every vendor ECU-C
 * sniff, e.g. 100 W → 0x0B48, 500 W → 0x386B. Read back: W = word · 256 / 7395.
 */
export const SIM_QS1_LIMIT_MUL = 7395;
/** DS3 limit word = round(W / 0.06027) per inverter (openaps, live-tested); 600 W ↔ 0x26E2 in the DD DE capture. */
export const SIM_DS3_LIMIT_W_PER_LSB = 0.06027;
