/**
 * The grid-protection settings a simulated inverter holds, in physical units keyed by the vendor codes
 * (V, Hz, s, %/Hz, mode codes). Transcribed here from APsystems' own profiles (grid-protection.md §6.1,
 * [V]: openaps gridprofiles-seed/profiles @ 3b01007), deliberately not imported from the commissioning
 * check's table: the emulator is the truth a check is tested against, so a transcription slip in one
 * must not cancel out in the other.
 *
 * Beyond the profile file, the values read back from the DS3 that ran EN50549-1 in openaps' capture
 * (§4.1): AH 196 V and AI 264 V are not in the profile but the inverter holds them.
 */
import type { ProtectionCode } from "../protocol/protection/types.ts";

export type SimGridSettings = Partial<Record<ProtectionCode, number>>;

/** APsystems EN50549-1 (vendor type 36), the demo site's profile (a Dutch roof). */
export const SIM_EN50549_1: Readonly<SimGridSettings> = {
  AC: 196,
  AQ: 184,
  BB: 0.02,
  BD: 1.2,
  AD: 264,
  AY: 253,
  AB: 253,
  BC: 0.1,
  BE: 0.05,
  AE: 47.5,
  AJ: 47,
  BJ: 0.3,
  BH: 0.16,
  AF: 52,
  AK: 52,
  BK: 0.3,
  BI: 0.3,
  BN: 196,
  BO: 253,
  BP: 49.5,
  BQ: 50.2,
  AG: 60,
  AS: 60,
  // Held by the DS3 of §4.1 beside the profile:
  AH: 196,
  AI: 264,
};

/** APsystems VDE-AR-N-4105 (vendor type 4): another code's values, to plant "one inverter on a different profile". */
export const SIM_VDE_AR_N_4105: Readonly<SimGridSettings> = {
  AC: 184,
  BB: 0.3,
  BD: 3,
  AB: 253,
  BC: 0.1,
  AE: 47.5,
  AJ: 47.5,
  BJ: 0.1,
  BH: 0.02,
  AF: 51.5,
  AK: 50.5,
  BK: 0.1,
  BI: 0.02,
  BN: 196,
  BO: 253,
  BP: 47.5,
  BQ: 50.2,
  AG: 80,
};

/** An inverter's settings: starts from a profile; single values can be changed at runtime (a planted deviation). */
export class GridSettingsStore {
  private current: SimGridSettings;

  constructor(initial: Readonly<SimGridSettings> = SIM_EN50549_1) {
    this.current = { ...initial };
  }

  get(): Readonly<SimGridSettings> {
    return this.current;
  }

  /** Replaces the whole profile (`replace`) or overrides single codes on top of it. */
  set(values: Readonly<SimGridSettings>, replace = false): void {
    for (const [code, v] of Object.entries(values)) {
      if (!Number.isFinite(v) || (v as number) < 0) {
        throw new RangeError(`grid setting ${code} must be a finite value ≥ 0, got ${v}`);
      }
    }
    this.current = replace ? { ...values } : { ...this.current, ...values };
  }
}
