/**
 * What each vendor code means, in plain words, and its unit (grid-protection.md §3.7). The stage pairing
 * (which time belongs to which threshold) is inferred from APsystems' own G98 and AS/NZS profiles, where
 * every pair matches the standard's stage; no source states it.
 */
import type { PageCode, ProtectionUnit } from "./types.ts";

export interface CodeMeaning {
  /** Plain meaning for installers. */
  meaning: string;
  unit: ProtectionUnit;
  /** True where no source knows what the setting does (§7 "unknown meaning"): shown, never checked. */
  unknown?: true;
}

export const CODE_MEANINGS: Readonly<Record<PageCode, CodeMeaning>> = {
  AC: { meaning: "under-voltage stage 1 (U<), trips after BD", unit: "V" },
  AQ: { meaning: "deep under-voltage stage 2 (U<<), trips after BB", unit: "V" },
  AH: { meaning: "fast under-voltage (outer window)", unit: "V" },
  AD: { meaning: "over-voltage stage 2 (U>>), trips after BC", unit: "V" },
  AY: { meaning: "over-voltage stage 1 (U>), trips after BE", unit: "V" },
  AI: { meaning: "fast over-voltage (outer window)", unit: "V" },
  AB: { meaning: "10-minute mean over-voltage", unit: "V" },
  AZ: { meaning: "further voltage stage (QS1 only)", unit: "V", unknown: true },
  BA: { meaning: "further voltage stage (QS1 only)", unit: "V", unknown: true },
  AE: { meaning: "under-frequency stage 1, trips after BJ", unit: "Hz" },
  AJ: { meaning: "under-frequency stage 2, trips after BH", unit: "Hz" },
  AF: { meaning: "over-frequency stage 1, trips after BK", unit: "Hz" },
  AK: { meaning: "over-frequency stage 2, trips after BI", unit: "Hz" },
  BB: { meaning: "trip time of deep under-voltage AQ", unit: "s" },
  BC: { meaning: "trip time of over-voltage stage 2 AD", unit: "s" },
  BD: { meaning: "trip time of under-voltage stage 1 AC", unit: "s" },
  BE: { meaning: "trip time of over-voltage stage 1 AY", unit: "s" },
  BH: { meaning: "trip time of under-frequency stage 2 AJ", unit: "s" },
  BI: { meaning: "trip time of over-frequency stage 2 AK", unit: "s" },
  BJ: { meaning: "trip time of under-frequency stage 1 AE", unit: "s" },
  BK: { meaning: "trip time of over-frequency stage 1 AF", unit: "s" },
  BN: { meaning: "reconnection window, lowest voltage", unit: "V" },
  BO: { meaning: "reconnection window, highest voltage", unit: "V" },
  BP: { meaning: "reconnection window, lowest frequency", unit: "Hz" },
  BQ: { meaning: "reconnection window, highest frequency", unit: "Hz" },
  AG: { meaning: "wait before reconnecting (grid recovery time)", unit: "s" },
  AS: { meaning: "start-up / ramp time", unit: "s" },
  CV: { meaning: "over-frequency power response mode (13 AS/NZS, 14 other, 15 off)", unit: "code" },
  CA: { meaning: "over-frequency curtailment start", unit: "Hz" },
  CB: { meaning: "over-frequency power curve start", unit: "Hz" },
  CC: { meaning: "over-frequency power curve end", unit: "Hz" },
  DH: { meaning: "under-frequency power curve, low point", unit: "Hz" },
  DI: { meaning: "under-frequency power curve, high point", unit: "Hz" },
  DD: { meaning: "over-frequency droop slope", unit: "%/Hz" },
  CF: { meaning: "over-frequency droop slope as written", unit: "%/Hz" },
  CG: { meaning: "power response delay", unit: "s" },
  DC: { meaning: "over-frequency power response start / recover-high", unit: "Hz" },
  DA: { meaning: "output limit (per panel on QS1/YC600, per inverter on DS3)", unit: "W" },
  CH: { meaning: "power factor code", unit: "code" },
  AL: { meaning: "voltage trip time, fast stages (YC600/YC1000)", unit: "s" },
  AM: { meaning: "voltage trip time, slow stages (YC600/YC1000)", unit: "s" },
  AN: { meaning: "frequency trip time, fast stages (YC600/YC1000)", unit: "s" },
  AO: { meaning: "frequency trip time, slow stages (YC600/YC1000)", unit: "s" },
  AR: { meaning: "voltage stage 3 trip time (YC600/YC1000)", unit: "s" },
  AP: { meaning: "regulated DC working point (YC600/YC1000)", unit: "V" },
  AA: { meaning: "active anti-islanding time (YC600/YC1000; unit not stated)", unit: "code" },
  AT: { meaning: "QS1 page-A enum (bits 7–6)", unit: "code", unknown: true },
  AU: { meaning: "QS1 page-A enum (bits 5–4)", unit: "code", unknown: true },
  AV: { meaning: "QS1 page-A enum (bits 2–1)", unit: "code", unknown: true },
  AW: { meaning: "QS1 page-A enum (bit 0)", unit: "code", unknown: true },
  AX: { meaning: "QS1 page-A value, unscaled", unit: "code", unknown: true },
  BF: { meaning: "QS1 clearance time without known stage", unit: "s", unknown: true },
  BG: { meaning: "QS1 clearance time without known stage", unit: "s", unknown: true },
  BL: { meaning: "QS1 time, meaning unknown", unit: "s", unknown: true },
  BM: { meaning: "QS1 time, meaning unknown", unit: "s", unknown: true },
};
