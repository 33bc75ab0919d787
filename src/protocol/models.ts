/**
 * What we know about each inverter family, keyed by serial prefix.
 *
 * Prefixes: ksheumaker/homeassistant-apsystems_ecur (QS1 801 802 804 805 806, YC600 406–409,
 * YC1000 501–504, DS3 703 704). 806 is listed as QS1 there; openaps' docs show a QS1A with serial
 * 806000042582, so we call 806 QS1A — both decode identically.
 * Datasheet numbers: QS1-EU installation manual section 8 (DESIGN.md §5).
 */

/** "confirmed": seen on air against a real inverter. "unverified": only in others' source code. */
export type ControlStatus = "confirmed" | "unverified";

export type ModelName = "QS1" | "QS1A" | "YC600" | "YC1000" | "DS3";
export type Family = "qs1" | "yc600" | "ds3" | "yc1000";

export interface ControlInfo {
  status: ControlStatus;
  /** Where the claim comes from, shown to users next to the control. */
  evidence: string;
}

export interface Datasheet {
  mpptV: readonly [number, number];
  operatingV: readonly [number, number];
  maxInputV: number;
  startupV: number;
  maxInputA: number;
  maxContinuousW: number;
  peakW: number;
  nominalAcV: number;
  acRangeV: readonly [number, number];
  nominalHz: number;
  hzRange: readonly [number, number];
  nominalOutputA: number;
  /** breaker rating (A) → max units per branch */
  unitsPerBreaker: Readonly<Record<number, number>>;
  moduleWp: readonly [number, number];
  /** Manual line these numbers come from, quoted by `localecu check`. */
  source: string;
}

export interface ModelInfo {
  model: ModelName;
  family: Family;
  description: string;
  prefixes: readonly string[];
  channels: number;
  /** L2 command byte of the telemetry reply, undefined where no decoder exists. */
  telemetryCmd?: number;
  /** Range the set-max-power encoder accepts, in W per panel (QS1/YC600) or per inverter (DS3). */
  limitRangeW: readonly [number, number];
  limitPer: "panel" | "inverter";
  datasheet?: Datasheet;
  controls: {
    poll: ControlInfo;
    maxPower: ControlInfo;
    limitQuery: ControlInfo;
    onOff: ControlInfo;
    info: ControlInfo;
  };
}

const QS1_DATASHEET: Datasheet = {
  mpptV: [22, 48],
  operatingV: [16, 55],
  maxInputV: 60,
  startupV: 20,
  maxInputA: 12,
  maxContinuousW: 1200,
  peakW: 1250,
  nominalAcV: 230,
  acRangeV: [184, 253],
  nominalHz: 50,
  hzRange: [48, 51],
  nominalOutputA: 5.22,
  unitsPerBreaker: { 20: 3, 25: 4 },
  moduleWp: [250, 440],
  source: "QS1-EU installation manual, section 8 (technical data)",
};

const POLL: ControlInfo = {
  status: "confirmed",
  evidence: "polled by ESP-ECU and captured replies (frames.json)",
};
const ON_OFF: ControlInfo = {
  status: "unverified",
  evidence: "openaps encoder only (C1/C2); never seen on air",
};
const INFO: ControlInfo = { status: "unverified", evidence: "openaps encoder only (DC); never seen on air" };
const QUERY: ControlInfo = {
  status: "confirmed",
  evidence: "DE replies captured from a YC600 and a DS3 (frames.json)",
};

const QS1_CONTROLS: ModelInfo["controls"] = {
  poll: POLL,
  maxPower: {
    status: "confirmed",
    evidence:
      "frame confirmed on air from a vendor ECU-C to a YC600 (same 1C/8C command); QS1A live-tested by openaps",
  },
  limitQuery: QUERY,
  onOff: ON_OFF,
  info: INFO,
};

export const MODELS: readonly ModelInfo[] = [
  {
    model: "QS1",
    family: "qs1",
    description: "Quad-panel microinverter (1200 W)",
    prefixes: ["801", "802", "804", "805"],
    channels: 4,
    telemetryCmd: 0xb1,
    limitRangeW: [20, 500],
    limitPer: "panel",
    datasheet: QS1_DATASHEET,
    controls: QS1_CONTROLS,
  },
  {
    model: "QS1A",
    family: "qs1",
    description: "Quad-panel microinverter, A revision (1200 W)",
    prefixes: ["806"],
    channels: 4,
    telemetryCmd: 0xb1,
    limitRangeW: [20, 500],
    limitPer: "panel",
    datasheet: QS1_DATASHEET,
    controls: QS1_CONTROLS,
  },
  {
    model: "YC600",
    family: "yc600",
    description: "Dual-panel microinverter (600 W)",
    prefixes: ["406", "407", "408", "409"],
    channels: 2,
    telemetryCmd: 0xb1,
    limitRangeW: [20, 500],
    limitPer: "panel",
    controls: {
      poll: POLL,
      maxPower: { status: "confirmed", evidence: "vendor ECU-C → YC600 sniffs, 100–500 W (frames.json)" },
      limitQuery: QUERY,
      onOff: ON_OFF,
      info: INFO,
    },
  },
  {
    model: "YC1000",
    family: "yc1000",
    description: "Four-panel three-phase microinverter (telemetry not decoded)",
    prefixes: ["501", "502", "503", "504"],
    channels: 4,
    limitRangeW: [20, 500],
    limitPer: "panel",
    controls: {
      poll: { status: "unverified", evidence: "no captured YC1000 reply" },
      maxPower: { status: "unverified", evidence: "no capture" },
      limitQuery: { status: "unverified", evidence: "no capture" },
      onOff: ON_OFF,
      info: INFO,
    },
  },
  {
    model: "DS3",
    family: "ds3",
    description: "Dual-panel microinverter (DS3 / DS3-L / DS3-H)",
    prefixes: ["703", "704"],
    channels: 2,
    telemetryCmd: 0xbb,
    // 0x474C is the largest value openaps lets through: 0x474C × 0.06027 ≈ 1100 W.
    limitRangeW: [30, 1100],
    limitPer: "inverter",
    controls: {
      poll: POLL,
      maxPower: {
        status: "unverified",
        evidence: "openaps (live-tested by its author) and ESP-ECU source; no capture",
      },
      limitQuery: QUERY,
      onOff: ON_OFF,
      info: INFO,
    },
  },
];

export function modelForSerial(serial: string): ModelInfo | undefined {
  const prefix = serial.slice(0, 3);
  return MODELS.find((m) => m.prefixes.includes(prefix));
}

export function modelByName(name: string): ModelInfo | undefined {
  const n = name.toUpperCase();
  return MODELS.find((m) => m.model === n);
}

/** Accepts model names and the CLI's family names (qs1, yc600, ds3). */
export function resolveModel(nameOrFamily: string): ModelInfo | undefined {
  return modelByName(nameOrFamily) ?? MODELS.find((m) => m.family === nameOrFamily.toLowerCase());
}
