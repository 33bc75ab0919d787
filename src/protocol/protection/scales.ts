/**
 * Protection-page scales, each with its source (../shared/reference/grid-protection.md §3; OA = openaps
 * @ 3b01007 codec/ds3.go, codec/qs1a.go; VEN = the vendor's 2017 ECU source set_protection_parameters.c).
 * The stick emulator has its own copy (src/sim/wire/protection-scales.ts), so a slip here fails the
 * end-to-end tests instead of cancelling out.
 */

/** DS3 volts: round(raw × 0.268) V — OA ds3ReadPageA; same LSB as DS3 telemetry AC volts. */
export const DS3_PROT_VOLTS_PER_LSB = 0.268;
/** DS3 frequencies: raw × 0.01 Hz (OA). */
export const DS3_PROT_HZ_PER_LSB = 0.01;
/** DS3 clearance times: raw × 0.01 s (OA); the inverter reports one count below what was written (§4.1). */
export const DS3_PROT_S_PER_LSB = 0.01;
/** DS3 grid recovery time AG counts mains cycles: raw / 50 s on a 50 Hz grid (OA; a 60 Hz site needs /60). */
export const DS3_AG_CYCLES_PER_S = 50;
/** DS3 droop slope DD: raw × 6000 / 2208898 × 100 %Pref/Hz (OA ds3ReadPageB). */
export const DS3_DD_PCT_PER_LSB = (6000 / 2_208_898) * 100;
/** DS3 output limit DA: raw × 0.06027 W, the inverse of the set-power encoder (OA EncodeSetPowerDS3). */
export const DS3_DA_W_PER_LSB = 0.06027;

/** QS1/QS1A/YC600 volts: round(raw / 1.332 / 4) V (OA qs1ReadPageA/B, "from the vendor parser"). */
export const QS1_PROT_VOLT_DIVISOR = 1.332 * 4;
/** QS1 frequencies are a 24-bit period: Hz = 50 000 000 / raw (OA; the same as QS1 telemetry). */
export const QS1_PROT_FREQ_NUMERATOR = 50_000_000;
/** QS1 times: raw / 100 s (OA). */
export const QS1_PROT_S_PER_LSB = 0.01;
/** QS1 10-minute mean over-voltage AB: round(((raw div 600) / 1.3315) / 4) V — integer division first (OA). */
export const QS1_AB_SAMPLES = 600;
export const QS1_AB_VOLT_DIVISOR = 1.3315 * 4;
/** QS1 droop slope DD: raw × 0.169 %Pref/Hz (OA qs1ReadPageB). */
export const QS1_DD_PCT_PER_LSB = 0.169;
/** QS1/YC600 output limit DA: raw × 256 / 7395 W per panel (matches every ECU-C set-power sniff). */
export const QS1_DA_MUL = 7395;

/** YC600 page A (VEN resolve_protection_paras_YC600): volts raw / 1.3277, DC working point raw × 82.5 / 4096. */
export const YC600_PROT_VOLT_DIVISOR = 1.3277;
export const YC600_AP_VOLTS_PER_LSB = 82.5 / 4096;
/** YC600 anti-islanding time AA: raw × 2.5, unit not stated by VEN. */
export const YC600_AA_PER_LSB = 2.5;

/** OA's plausibility guard: a decoded value outside 0–2000 is cross-talk or a corrupt page, not a setting. */
export const PLAUSIBLE_MAX = 2000;
