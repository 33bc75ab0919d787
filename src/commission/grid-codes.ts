/**
 * The grid codes an installer can name in site.yaml (`site.grid_code`) and what each expects of the
 * protection settings. Transcribed from ../shared/reference/grid-protection.md §6:
 *
 * - `settings`: APsystems' own profile for the code [V] (§6.1) — the values the vendor ECU writes when
 *   an installer picks the code, in the same two-letter codes and units the pages read back, so they
 *   are compared directly. Source: openaps `gridprofiles-seed/profiles` @ 3b01007 (fetched by openaps
 *   from the vendor table `protection_parameters60_info` on 2026-05-23). `range` is the adjustable
 *   range the vendor allows.
 * - `standard`: the standard's own figure for a stage, only where §7 calls the code↔stage pairing
 *   unambiguous (G98/G99, AS/NZS 4777.2 region A, the U< and frequency stages of VDE and CEI).
 *   Marked [S] (as generally published, to be confirmed against the paywalled document) or [P]
 *   (stated on a retrieved public page). EN 50549-1 leaves defaults to national rules: no figures.
 *
 * Codes a profile leaves unset ("–" in §6.1) are absent: the inverter keeps whatever it had.
 */
import type { ProtectionCode } from "../protocol/protection/types.ts";

export const GRID_CODE_IDS = ["en50549-1", "vde-ar-n-4105", "g98", "g99", "as4777-a", "cei-0-21"] as const;
export type GridCodeId = (typeof GRID_CODE_IDS)[number];

/** The reference's provenance tags: [V] vendor profile, [S] standard unconfirmed, [P] public page, [INF] inference. */
export type Mark = "V" | "S" | "P" | "INF";

/** Vendor profile values and public-page figures are confirmed; [S] and [INF] are not. */
export function isConfirmed(mark: Mark): boolean {
  return mark === "V" || mark === "P";
}

export interface ProfileValue {
  value: number;
  /** Adjustable range the vendor's table allows for this code. */
  range: readonly [number, number];
}

/** "equal": the stage's setting; "at-most"/"at-least": a maximum trip time or a window edge. */
export type Compare = "equal" | "at-most" | "at-least";

export interface StandardFigure {
  value: number;
  compare: Compare;
  mark: Mark;
  /** Document and stage, as the reference names them. */
  source: string;
}

export interface GridCode {
  id: GridCodeId;
  title: string;
  /** The APsystems profile: its name in the vendor table and its vendor type number. */
  profile: { name: string; vendorType: number; source: string };
  settings: Partial<Record<ProtectionCode, ProfileValue>>;
  standard: Partial<Record<ProtectionCode, StandardFigure>>;
  /** What the report must say about this code (vendor oddities, what cannot be verified). */
  notes: string[];
}

const PROFILE_SOURCE =
  "openaps gridprofiles-seed/profiles @ 3b01007 (vendor table protection_parameters60_info)";

type Cell = readonly [number, number, number] | null;
/** §6.1 as printed: one row per code, columns EN50549-1, VDE-AR-N-4105, G98, G99, AS-NZS4777.2-2020-AU-A, CEI-0-21. */
// biome-ignore format: kept one row per code so it reads against the reference's table
const PROFILE_TABLE: Partial<Record<ProtectionCode, readonly [Cell, Cell, Cell, Cell, Cell, Cell]>> = {
  AC: [[196, 60, 229], [184, 184, 229], [184, 60, 229], [184, 60, 229], [180, 180, 229], [195.5, 195.5, 229]],
  AQ: [[184, 60, 229], null, [115, 60, 229], [115, 60, 229], [70, 70, 229], null],
  BB: [[0.02, 0.02, 610], [0.3, 0.02, 0.4], [0.02, 0.02, 610], [0.02, 0.02, 610], [1, 0.02, 610], null],
  BD: [[1.2, 0.02, 610], [3, 0.02, 3.1], [2.5, 0.02, 610], [2.5, 0.02, 610], [10, 0.02, 610], [1.48, 0.02, 610]],
  AD: [[264, 231, 276], null, [274, 231, 276], [274, 231, 276], [275, 231, 275], [264.5, 231, 275]],
  AY: [[253, 231, 276], null, [263, 231, 276], [263, 231, 276], [265, 231, 275], [253, 231, 275]],
  AB: [[253, 253, 300], [253, 253, 300], null, null, [258, 253, 300], [253, 253, 300]],
  BC: [[0.1, 0.02, 610], [0.1, 0.02, 0.2], [0.5, 0.02, 610], [0.5, 0.02, 610], [0.02, 0.02, 610], [0.18, 0.02, 610]],
  BE: [[0.05, 0.02, 610], null, [1, 0.02, 610], [1, 0.02, 610], [1, 0.02, 610], [0.02, 0.02, 610]],
  AE: [[47.5, 45.1, 49.9], [47.5, 47.5, 49.5], [47.5, 45.1, 49.9], [47.5, 45.1, 49.9], [47, 45.1, 49.9], [49.8, 45, 49.9]],
  AJ: [[47, 45.1, 49.9], [47.5, 47.5, 49.5], [47, 45.1, 49.9], [47, 45.1, 49.9], null, [47.5, 45, 49.9]],
  BJ: [[0.3, 0.06, 610], [0.1, 0.02, 0.2], [20, 0.06, 610], [20, 0.06, 610], [1, 0.06, 610], [0.08, 0.06, 610]],
  BH: [[0.16, 0.06, 610], [0.02, 0.02, 0.2], [0.5, 0.06, 610], [0.5, 0.06, 610], null, [0.08, 0.06, 610]],
  AF: [[52, 50.1, 54.9], [51.5, 50.5, 51.5], [52, 50.1, 54.9], [52, 50.1, 54.9], [52, 50.1, 54.9], [50.2, 50.1, 55]],
  AK: [[52, 50.1, 54.9], [50.5, 50.5, 51.5], null, null, null, [51.5, 50.1, 55]],
  BK: [[0.3, 0.06, 610], [0.1, 0.02, 0.2], [0.5, 0.06, 610], [0.5, 0.06, 610], [0.16, 0.06, 610], [0.08, 0.06, 610]],
  BI: [[0.3, 0.06, 610], [0.02, 0.02, 0.2], null, null, null, [0.08, 0.06, 610]],
  BN: [[196, 60, 229], [196, 196, 229], [184, 180, 229], [184, 180, 229], [205, 180, 229], [195.5, 195.5, 229]],
  BO: [[253, 231, 270], [253, 231, 253], [262.2, 231, 270], [262.2, 231, 270], [253, 231, 270], [253, 231, 275]],
  BP: [[49.5, 45.1, 49.9], [47.5, 47.5, 49.5], [47.5, 45.1, 49.9], [47.5, 45.1, 49.9], [47.5, 45.1, 49.9], [49.8, 45, 49.9]],
  BQ: [[50.2, 50.1, 54.9], [50.2, 50.2, 51.5], [52, 50.1, 54.9], [52, 50.1, 54.9], [50.1, 50.1, 54.9], [50.2, 50.1, 55]],
  AG: [[60, 10, 610], [80, 60, 610], [80, 10, 610], [80, 10, 610], [60, 10, 610], [320, 10, 610]],
  AS: [[60, 10, 610], null, null, null, [60, 10, 610], [60, 10, 610]],
  CB: [null, null, null, null, [50.25, 50.1, 50.5], [50.2, 50.1, 50.5]],
  CC: [null, null, null, null, [52, 51, 53], [51.5, 51, 53]],
  DH: [null, null, null, null, [48, 47, 49], null],
  DI: [null, null, null, null, [49.75, 49.5, 49.9], null],
  CV: [null, null, null, null, [14, 0, 999], null],
  DD: [null, null, null, null, [16.67, 5, 100], [8, 5, 100]],
  CG: [null, null, null, null, [20, 20, 100], [1, 1, 100]],
};

function profileColumn(column: number): Partial<Record<ProtectionCode, ProfileValue>> {
  const out: Partial<Record<ProtectionCode, ProfileValue>> = {};
  for (const [code, cells] of Object.entries(PROFILE_TABLE) as [ProtectionCode, readonly Cell[]][]) {
    const cell = cells[column];
    if (cell) out[code] = { value: cell[0], range: [cell[1], cell[2]] };
  }
  return out;
}

function figure(value: number, compare: Compare, mark: Mark, source: string): StandardFigure {
  return { value, compare, mark, source };
}

// G98 Issue 1 Amendment 7 (Oct 2022), LV interface protection [S]; G99 Issue 1 Amd 9 uses the same LV
// settings for type-tested / type A plant [S] (reference §6.2).
function g98Figures(doc: string): Partial<Record<ProtectionCode, StandardFigure>> {
  return {
    AC: figure(184.0, "equal", "S", `${doc} U/V`),
    BD: figure(2.5, "equal", "S", `${doc} U/V time`),
    AY: figure(262.2, "equal", "S", `${doc} O/V stage 1`),
    BE: figure(1.0, "equal", "S", `${doc} O/V stage 1 time`),
    AD: figure(273.7, "equal", "S", `${doc} O/V stage 2`),
    BC: figure(0.5, "equal", "S", `${doc} O/V stage 2 time`),
    AE: figure(47.5, "equal", "S", `${doc} U/F stage 1`),
    BJ: figure(20, "equal", "S", `${doc} U/F stage 1 time`),
    AJ: figure(47.0, "equal", "S", `${doc} U/F stage 2`),
    BH: figure(0.5, "equal", "S", `${doc} U/F stage 2 time`),
    AF: figure(52.0, "equal", "S", `${doc} O/F`),
    BK: figure(0.5, "equal", "S", `${doc} O/F time`),
  };
}

const G98_NOTES = [
  "Loss of mains by RoCoF (1 Hz/s, 0.5 s) is not verifiable over ZigBee: no page carries it (reference §7).",
  "APsystems rounds the over-voltage stages up: AY 263 V for 262.2 V and AD 274 V for 273.7 V (within the ±1 V read tolerance).",
  "AQ 115 V / BB 0.02 s is a deep under-voltage stage G98 does not have; it comes from the vendor profile.",
];

const AS4777 = "AS/NZS 4777.2:2020 region A";
const VDE = "VDE-AR-N 4105:2018-11";
const CEI = "CEI 0-21";
const SUNGROW_SH3K6 =
  "Sungrow SH3K6 manual, SPI autotest thresholds (easymanua.ls/sungrow/sh3k6/manual?p=100)";

export const GRID_CODES: Readonly<Record<GridCodeId, GridCode>> = {
  "en50549-1": {
    id: "en50549-1",
    title: "EN 50549-1:2019 (generic, LV)",
    profile: { name: "EN50549-1", vendorType: 36, source: PROFILE_SOURCE },
    settings: profileColumn(0),
    standard: {},
    notes: [
      "EN 50549-1 fixes adjustable ranges and leaves the default values to national rules and the network operator: the APsystems profile is one instance, so overrides the operator asked for belong in site.yaml (site.grid_overrides).",
      "Vendor oddity (reported, not fixed): AY 253 V with BE 0.05 s looks like a fast trip at a value the standard treats as a slow stage.",
    ],
  },
  "vde-ar-n-4105": {
    id: "vde-ar-n-4105",
    title: "VDE-AR-N 4105:2018-11 (Germany)",
    profile: { name: "VDE-AR-N-4105", vendorType: 4, source: PROFILE_SOURCE },
    settings: profileColumn(1),
    standard: {
      AC: figure(184, "equal", "S", `${VDE} U< (0.80 Un)`),
      BD: figure(3.0, "equal", "S", `${VDE} U< time`),
      AE: figure(47.5, "equal", "S", `${VDE} f<`),
      BJ: figure(0.1, "at-most", "S", `${VDE} f< time (≤ 0.1 s)`),
      AF: figure(51.5, "equal", "S", `${VDE} f>`),
      BK: figure(0.1, "at-most", "S", `${VDE} f> time (≤ 0.1 s)`),
    },
    notes: [
      "The profile sets the trip times BB 0.3 s and BC 0.1 s without their thresholds AQ and AD; the standard's U>> 287.5 V and U<< 103.5 V [S] are not compared (the pairing is not unambiguous, reference §7).",
      "Vendor oddity (reported, not fixed): AK 50.5 Hz with BI 0.02 s; the reconnection window's BQ 50.2 Hz is above the standard's 50.1 Hz [S].",
    ],
  },
  g98: {
    id: "g98",
    title: "ENA G98 Issue 1 Amendment 7 (GB, ≤ 16 A per phase)",
    profile: { name: "G98", vendorType: 40, source: PROFILE_SOURCE },
    settings: profileColumn(2),
    standard: g98Figures("G98 Issue 1 Amd 7"),
    notes: G98_NOTES,
  },
  g99: {
    id: "g99",
    title: "ENA G99 Issue 1 Amendment 9 (GB, type A)",
    profile: { name: "G99", vendorType: 41, source: PROFILE_SOURCE },
    settings: profileColumn(3),
    standard: g98Figures("G99 Issue 1 Amd 9 (LV settings as G98)"),
    notes: [...G98_NOTES, "APsystems' G99 profile is identical to its G98 profile."],
  },
  "as4777-a": {
    id: "as4777-a",
    title: "AS/NZS 4777.2:2020, region Australia A",
    profile: { name: "AS-NZS4777.2-2020-AU-A", vendorType: 49, source: PROFILE_SOURCE },
    settings: profileColumn(4),
    standard: {
      AQ: figure(70, "equal", "S", `${AS4777} V<<`),
      BB: figure(2, "at-most", "S", `${AS4777} V<< maximum disconnection time`),
      AC: figure(180, "equal", "S", `${AS4777} V<`),
      BD: figure(11, "at-most", "S", `${AS4777} V< maximum disconnection time`),
      AY: figure(265, "equal", "S", `${AS4777} V>`),
      BE: figure(2, "at-most", "S", `${AS4777} V> maximum disconnection time`),
      AD: figure(275, "equal", "S", `${AS4777} V>>`),
      BC: figure(0.2, "at-most", "S", `${AS4777} V>> maximum disconnection time`),
      // "is permitted to be set up to 258 V" — Western Power page on the 2015 edition [P].
      AB: figure(258, "at-most", "P", `${AS4777} sustained over-voltage (westernpower.com.au, 2015 edition)`),
      AE: figure(47, "equal", "S", `${AS4777} F< (region A)`),
      BJ: figure(2, "at-most", "S", `${AS4777} F< maximum disconnection time`),
      AF: figure(52, "equal", "S", `${AS4777} F>`),
      BK: figure(0.2, "at-most", "S", `${AS4777} F> maximum disconnection time`),
      BN: figure(205, "at-least", "S", `${AS4777} reconnection, lowest voltage`),
      BO: figure(253, "at-most", "S", `${AS4777} reconnection, highest voltage`),
      BP: figure(47.5, "at-least", "S", `${AS4777} reconnection, lowest frequency`),
      BQ: figure(50.15, "at-most", "S", `${AS4777} reconnection, highest frequency`),
      AG: figure(60, "at-least", "S", `${AS4777} reconnection observation time`),
      CB: figure(50.25, "equal", "S", `${AS4777} over-frequency droop start`),
      CC: figure(52, "equal", "S", `${AS4777} over-frequency droop end`),
      DI: figure(49.75, "equal", "S", `${AS4777} under-frequency response start`),
      DH: figure(48, "equal", "S", `${AS4777} under-frequency response full`),
    },
    notes: ["Region Australia A is mandatory on SA Power Networks' network [P]."],
  },
  "cei-0-21": {
    id: "cei-0-21",
    title: "CEI 0-21 (Italy, integrated interface protection)",
    profile: { name: "CEI-0-21", vendorType: 58, source: PROFILE_SOURCE },
    settings: profileColumn(5),
    standard: {
      AC: figure(195.5, "equal", "P", `${CEI} 27.S1 (0.85 Un); ${SUNGROW_SH3K6}`),
      BD: figure(1.5, "at-most", "S", `${CEI} 27.S1 time`),
      AE: figure(49.8, "equal", "S", `${CEI} 81<.S1 (restrictive)`),
      BJ: figure(0.1, "at-most", "S", `${CEI} 81<.S1 time`),
      AF: figure(50.2, "equal", "S", `${CEI} 81>.S1 (restrictive)`),
      BK: figure(0.1, "at-most", "S", `${CEI} 81>.S1 time`),
      AJ: figure(47.5, "equal", "P", `${CEI} 81<.S2 (permissive); ${SUNGROW_SH3K6}`),
      BH: figure(0.1, "at-most", "S", `${CEI} 81<.S2 time`),
      AK: figure(51.5, "equal", "P", `${CEI} 81>.S2 (permissive); ${SUNGROW_SH3K6}`),
      BI: figure(0.1, "at-most", "S", `${CEI} 81>.S2 time`),
    },
    notes: [
      "The S1 frequency thresholds and 27.S2 differ between editions of CEI 0-21 (one vendor's autotest uses 49.5 / 50.5 Hz and 92 V): name the edition with the network operator.",
      "27.S2 (34.5 V, or 92 V in earlier editions) is not set by the APsystems profile and is not compared.",
      "APsystems programs trip times a little below the standard's figure (1.48 s for 1.5 s, 0.18 s for 0.2 s, 0.08 s for 0.1 s).",
    ],
  },
};

export function isGridCodeId(id: string): id is GridCodeId {
  return (GRID_CODE_IDS as readonly string[]).includes(id);
}

/**
 * QS1 datasheet (EU, 230 V version): trip limits adjustable 160–278 V and 45.1–54.9 Hz (reference §6.3;
 * the datasheet was not retrieved from a stored copy, the figures are as quoted there and in issue 16,
 * so a value outside is reported as unconfirmed). Vendor profiles allow voltages from 60 V, so a value
 * outside the envelope can be on the wire: it is a finding, not a decode error.
 */
export interface Envelope {
  models: readonly string[];
  voltageV: readonly [number, number];
  frequencyHz: readonly [number, number];
  mark: Mark;
  source: string;
}

export const ENVELOPES: readonly Envelope[] = [
  {
    models: ["QS1", "QS1A"],
    voltageV: [160, 278],
    frequencyHz: [45.1, 54.9],
    mark: "S",
    source: "QS1 datasheet (EU), adjustable trip limits",
  },
];

/** Codes whose value is an AC voltage or frequency threshold, the ones the envelope bounds. */
export const ENVELOPE_CODES: readonly ProtectionCode[] = [
  "AC",
  "AQ",
  "AH",
  "AD",
  "AY",
  "AI",
  "AB",
  "AZ",
  "BA",
  "BN",
  "BO",
  "AE",
  "AJ",
  "AF",
  "AK",
  "BP",
  "BQ",
];

export function envelopeFor(model: string): Envelope | undefined {
  return ENVELOPES.find((e) => e.models.includes(model));
}
