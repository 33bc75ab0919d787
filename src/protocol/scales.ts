/**
 * Wire scales. Each is a published reverse-engineering result; the source is named so a later
 * correction can be traced. The stick emulator deliberately does not use them: it has its own copy
 * (src/sim/wire/scales.ts), so a mistake here fails the end-to-end tests instead of cancelling out.
 */

// QS1 / QS1A / YC600 telemetry (cmd 0xB1): ESP-ECU AAA_DECODE.ino, No13 aps_yc600.py, openaps qs1a.go.
/** °C = raw · 0.2752 − 258.7 (ESP-ECU, PY; openaps calls the field bus voltage with ~the same numbers) */
export const QS1_TEMP_GAIN = 0.2752;
export const QS1_TEMP_OFFSET = -258.7;
/** Hz = 50 000 000 / raw (24-bit) — all sources */
export const QS1_FREQ_NUMERATOR = 50_000_000;
/** Packed DC channel: 12-bit current · 27.5/4096 A, 12-bit voltage · 82.5/4096 V — all sources agree */
export const QS1_DC_AMPS_PER_LSB = 27.5 / 4096;
export const QS1_DC_VOLTS_PER_LSB = 82.5 / 4096;
/** V = raw / 1.3277 / 4 (ESP-ECU); openaps uses 1.32, 0.6 % apart */
export const QS1_AC_VOLT_DIVISOR = 1.3277 * 4;
/** openaps (from the vendor firmware): 5-byte accumulator × 3.756e-11 kWh. ESP-ECU's 3-byte reading is 6.6 % lower. */
export const QS1_ENERGY_WH_PER_LSB = 3.756e-8;
/** AC power estimate for models that do not report it: ΣV·I × 0.95 (openaps) */
export const DC_TO_AC_EFFICIENCY = 0.95;

// DS3 telemetry (cmd 0xBB): openaps ds3.go scales (the ESP-ECU ones disagree with a real DS3-L frame, see research §3.3).
export const DS3_DC_VOLTS_PER_LSB = 0.02;
export const DS3_DC_AMPS_PER_LSB = 0.01172;
export const DS3_AC_VOLTS_PER_LSB = 0.268;
export const DS3_HZ_PER_LSB = 0.01;
/** openaps: 32-bit × 1.674e-8 kWh */
export const DS3_ENERGY_WH_PER_LSB = 1.674e-5;
/** ESP-ECU: raw · 0.0198 − 23.84 (openaps does not decode it) */
export const DS3_TEMP_GAIN = 0.0198;
export const DS3_TEMP_OFFSET = -23.84;

// Max-power values.
/** QS1/YC600: value = (W · 7395) >> 8; reproduces every vendor ECU-C sniff (100 W → 0x0B48). */
export const QS1_LIMIT_MUL = 7395;
/** DS3: value = round(W / 0.06027) (openaps, live-tested). */
export const DS3_LIMIT_W_PER_LSB = 0.06027;
export const DS3_LIMIT_MAX_RAW = 0x474c;
