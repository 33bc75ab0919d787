/**
 * Grid-protection settings as the inverters report them on their protection pages (read only: writes
 * are out of scope, see docs/installer.md). Settings are keyed by the vendor's two-letter parameter
 * code (../shared/reference/grid-protection.md §3.7), the one name the pages, the vendor tools and
 * APsystems' own grid profiles share. This file is the contract between the page codec
 * (src/protocol/protection), the emulator's profiles (src/sim) and the commissioning check.
 */

/** Vendor parameter codes that appear on at least one model's pages (§3.7). */
export const PROTECTION_CODES = [
  // Voltage trip thresholds, V
  "AC",
  "AQ",
  "AH",
  "AD",
  "AY",
  "AI",
  "AB",
  "AZ",
  "BA",
  // Frequency trip thresholds, Hz
  "AE",
  "AJ",
  "AF",
  "AK",
  // Trip (clearance) times, s
  "BB",
  "BC",
  "BD",
  "BE",
  "BH",
  "BI",
  "BJ",
  "BK",
  // Reconnection window (V, Hz) and recovery / start times (s)
  "BN",
  "BO",
  "BP",
  "BQ",
  "AG",
  "AS",
  // Over/under-frequency power response
  "CV",
  "CA",
  "CB",
  "CC",
  "DH",
  "DI",
  "DD",
  "CF",
  "CG",
  "DC",
  // Output and power factor
  "DA",
  "CH",
  // YC600/YC1000 "17-parameter" set only
  "AL",
  "AM",
  "AN",
  "AO",
  "AR",
  "AP",
  "AA",
] as const;
export type ProtectionCode = (typeof PROTECTION_CODES)[number];

/**
 * QS1/QS1A page-A codes whose meaning no source knows (§3.3, §7 "unknown meaning"). Decoded because the
 * captured page's source asserts them (§4.2) and support may need them; never compared with a grid code,
 * so they are kept apart from ProtectionCode.
 */
export const UNKNOWN_MEANING_CODES = ["AT", "AU", "AV", "AW", "AX", "BF", "BG", "BL", "BM"] as const;
export type UnknownMeaningCode = (typeof UNKNOWN_MEANING_CODES)[number];

/** Any code a protection page carries. */
export type PageCode = ProtectionCode | UnknownMeaningCode;

export type ProtectionUnit = "V" | "Hz" | "s" | "W" | "%/Hz" | "code";

/** One model's protection page, named as in the reference: A, B, C (which reply byte carries it is per model). */
export type ProtectionPage = "A" | "B" | "C";

/**
 * A setting's value as read. A field a model's page is known not to carry reliably (QS1 page-A trip
 * times) is "not-readable" with the reason: never a 0 that a check would compare.
 */
export type ProtectionValue =
  | { kind: "value"; value: number; unit: ProtectionUnit }
  | { kind: "not-readable"; why: string };

/** Everything read from one inverter's pages. */
export interface ProtectionReading {
  serial: string;
  /** Model name as in src/protocol/models.ts. */
  model: string;
  /** Pages that answered. */
  pages: ProtectionPage[];
  settings: Partial<Record<ProtectionCode, ProtectionValue>>;
  /** QS1 page-A values of unknown meaning (AT–AX, BF, BG, BL, BM), for support only. */
  unknownMeaning?: Partial<Record<UnknownMeaningCode, ProtectionValue>>;
  /** Each answered page's L2 frame as hex, kept for support (§7: "keep raw bytes in the report"). */
  raw?: Partial<Record<ProtectionPage, string>>;
}
