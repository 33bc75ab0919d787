/**
 * What each protection setting code means and the unit it is read in, for deviations and the report.
 * Meanings: ../shared/reference/grid-protection.md §3.7 (vendor names from openaps' encoders and the
 * vendor ECU source); the stage pairing noted there is an inference [INF], so the text names the
 * threshold, not the stage number a standard would use.
 */
import type { ProtectionCode, ProtectionUnit } from "../protocol/protection/types.ts";

export interface SettingInfo {
  meaning: string;
  unit: ProtectionUnit;
}

export const SETTINGS: Readonly<Record<ProtectionCode, SettingInfo>> = {
  AC: { meaning: "under-voltage stage 1 (U<)", unit: "V" },
  AQ: { meaning: "deep under-voltage stage 2 (U<<)", unit: "V" },
  AH: { meaning: "fast under-voltage (outer window)", unit: "V" },
  AD: { meaning: "over-voltage stage 2 (U>>)", unit: "V" },
  AY: { meaning: "over-voltage stage 1 (U>)", unit: "V" },
  AI: { meaning: "fast over-voltage (outer window)", unit: "V" },
  AB: { meaning: "10-minute mean over-voltage", unit: "V" },
  AZ: { meaning: "further voltage stage (meaning unknown)", unit: "V" },
  BA: { meaning: "further voltage stage (meaning unknown)", unit: "V" },
  AE: { meaning: "under-frequency stage 1", unit: "Hz" },
  AJ: { meaning: "under-frequency stage 2", unit: "Hz" },
  AF: { meaning: "over-frequency stage 1", unit: "Hz" },
  AK: { meaning: "over-frequency stage 2", unit: "Hz" },
  BB: { meaning: "trip time of the deep under-voltage (AQ)", unit: "s" },
  BC: { meaning: "trip time of the over-voltage stage 2 (AD)", unit: "s" },
  BD: { meaning: "trip time of the under-voltage stage 1 (AC)", unit: "s" },
  BE: { meaning: "trip time of the over-voltage stage 1 (AY)", unit: "s" },
  BH: { meaning: "trip time of the under-frequency stage 2 (AJ)", unit: "s" },
  BI: { meaning: "trip time of the over-frequency stage 2 (AK)", unit: "s" },
  BJ: { meaning: "trip time of the under-frequency stage 1 (AE)", unit: "s" },
  BK: { meaning: "trip time of the over-frequency stage 1 (AF)", unit: "s" },
  BN: { meaning: "reconnection window, lowest voltage", unit: "V" },
  BO: { meaning: "reconnection window, highest voltage", unit: "V" },
  BP: { meaning: "reconnection window, lowest frequency", unit: "Hz" },
  BQ: { meaning: "reconnection window, highest frequency", unit: "Hz" },
  AG: { meaning: "wait before reconnecting (grid recovery time)", unit: "s" },
  AS: { meaning: "start-up time", unit: "s" },
  CV: { meaning: "over-frequency power response mode (13 AS/NZS, 14 other, 15 off)", unit: "code" },
  CA: { meaning: "over-frequency power response start", unit: "Hz" },
  CB: { meaning: "over-frequency power curve start", unit: "Hz" },
  CC: { meaning: "over-frequency power curve end", unit: "Hz" },
  DH: { meaning: "under-frequency power curve, low point", unit: "Hz" },
  DI: { meaning: "under-frequency power curve, high point", unit: "Hz" },
  DD: { meaning: "over-frequency droop slope", unit: "%/Hz" },
  CF: { meaning: "over-frequency slope as written", unit: "%/Hz" },
  CG: { meaning: "over-frequency response delay", unit: "s" },
  DC: { meaning: "over-frequency response start / recover-high (see reference §3.7)", unit: "Hz" },
  DA: { meaning: "output limit per panel", unit: "W" },
  CH: { meaning: "power-factor code", unit: "code" },
  AL: { meaning: "voltage trip time, fast (17-parameter set)", unit: "s" },
  AM: { meaning: "voltage trip time, slow (17-parameter set)", unit: "s" },
  AN: { meaning: "frequency trip time, fast (17-parameter set)", unit: "s" },
  AO: { meaning: "frequency trip time, slow (17-parameter set)", unit: "s" },
  AR: { meaning: "third voltage stage trip time (17-parameter set)", unit: "s" },
  AP: { meaning: "regulated DC working point", unit: "V" },
  AA: { meaning: "active anti-islanding time", unit: "code" },
};

/** "AC (under-voltage stage 1 (U<))": the code the vendor tools show, then what it does. */
export function describeSetting(code: ProtectionCode): string {
  return `${code} (${SETTINGS[code].meaning})`;
}
