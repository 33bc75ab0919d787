/**
 * Decoded answers of the vendor ECU's LAN protocol (TCP port 8899), in physical units. Field names
 * follow our ZigBee telemetry (`Telemetry`, `ChannelReading`) where the two overlap: acPowerW,
 * acVoltageV, temperatureC, frequencyHz, powerW per channel, energy in Wh.
 *
 * What 8899 does not carry is absent, not zero: no DC voltage or current per panel, no per-inverter
 * energy (ecu-lan-protocol.md §2.5). Values the ECU reports for offline inverters (zeros, −100 °C,
 * stale numbers) are not readings and are left undefined.
 */
import type { Input } from "../types.ts";

/** Answer group: `11` for every answer except 0001 (and sometimes 0004) from ECU-R-Pro / ECU-C, which use `12`. */
export type EcuGroup = "11" | "12";

/** Something in an answer we decoded around, with where and why; the answer is still usable. */
export interface EcuWarning {
  code:
    | "unknown-type" // a record type code we have no layout for
    | "record-stop" // records left unread because a record's length could not be known
    | "count" // the record count disagrees with the bytes present
    | "unreliable" // a value the ECU is known to report wrongly (firmware faults)
    | "inferred" // a layout chosen from the data, not from a documented code
    | "layout"; // bytes we do not know the meaning of (kept as hex)
  detail: string;
  /** Byte offset from the start of the answer (the `A` of `APS`). */
  offset?: number;
}

/** The envelope every 8899 answer shares: `APS` group length(4) command(4) payload `END` LF. */
export interface EcuFrame {
  group: EcuGroup;
  /** The length field: bytes from `A` of `APS` through the `D` of `END` (the final LF not counted). */
  length: number;
  /** Four decimal digits, e.g. `0002`. */
  command: string;
  /** Offset 13 up to (not including) `END`; for the short no-data answer, offset 13 to the LF. */
  payload: Uint8Array;
  /** False only for the 16-byte status-only answer (`APS1100150002` `02` LF), which has no `END`. */
  hasEnd: boolean;
}

/** The 2-ASCII-digit status at offset 13 of every answer except 0001. */
export interface EcuStatus {
  code: string;
  ok: boolean;
  /** What the code means and what to do, per the vendor test tool (ecu-lan-protocol.md §2.2). */
  meaning: string;
}

/** Model from the first digits of the ECU id (ecu_reader const.py ECU_MODEL_MAP). */
export type EcuModel = "ECU-R" | "ECU-R-Pro" | "ECU-B" | "ECU-C" | "ECU-3" | "unknown";

/** 0001 — ECU information. */
export interface EcuInfo {
  kind: "ecu-info";
  group: EcuGroup;
  ecuId: string;
  ecuModel: EcuModel;
  /** `01` normal; `02` ECU-R-RS layout (vendor tool only, no capture). */
  layoutCode: string;
  /** Lifetime energy (wire: u32, 0.1 kWh). 0 on a new ECU, and at random on some firmware. */
  lifetimeEnergyWh: number;
  /** Current system power, W. */
  acPowerW: number;
  /** Today's energy (wire: u32, 0.01 kWh); stuck at 0 on some firmware. */
  todayEnergyWh: number;
  /** "Last connected to EMA", ECU local time `YYYY-MM-DDThh:mm:ss`; undefined for the D0… placeholder or zeros. */
  lastEmaContact?: string;
  /** The 7 wire bytes behind lastEmaContact, as hex. */
  lastEmaContactRaw: string;
  invertersRegistered: number;
  invertersOnline: number;
  zigbeeChannel: string;
  firmware: string;
  /** Etc/GMT-8 on every ECU-R 2160 / ECU-B regardless of location; real zones on APS12 units. */
  timezone?: string;
  ethernetMac?: string;
  /** undefined when the ECU sends zeros (ECU-R 2160, ECU-B). */
  wifiMac?: string;
  /** APS12 units: 12 bytes after the MACs whose meaning is unknown, as hex. */
  tailHex?: string;
  warnings: EcuWarning[];
}

/** Record layouts of 0002 (ecu-lan-protocol.md §2.5). */
export type EcuRecordLayout = "none" | "2-input" | "3-phase-4-input" | "4-input";

/** Per-input power as the ECU reports it (the integrations' "power channel n"). */
export interface EcuChannel {
  /** 1-based; channel 1 = input A, as in ChannelReading. */
  channel: number;
  input: Input;
  powerW: number;
}

export interface EcuInverterRecord {
  uid: string;
  /** From the UID prefix (ecu-lan-protocol.md §1); undefined when the prefix is not one we know. */
  model?: string;
  online: boolean;
  typeCode: string;
  layout: EcuRecordLayout;
  /** Record start, from the start of the answer. */
  offset: number;
  /** The following are set only when online (offline records hold zeros, −100 °C or stale values). */
  frequencyHz?: number;
  temperatureC?: number;
  /** Single-phase AC voltage (type 01/03/04: V1; V2 of type 01 repeats it on every capture). */
  acVoltageV?: number;
  /** Three phase voltages (type 02: V1..V3; QT2's ~390 V may be line-to-line, unconfirmed). */
  phaseVoltagesV?: number[];
  channels?: EcuChannel[];
  /** Σ of the channels' power. */
  acPowerW?: number;
  /** The record's wire bytes after the type code, as hex, for bug reports (never a reading). */
  bodyHex: string;
}

/** 0002 — real-time data of every registered inverter at the ECU's last ZigBee cycle. */
export interface EcuRealtime {
  kind: "ecu-realtime";
  group: EcuGroup;
  status: EcuStatus;
  /** `01` inverter data; `02` RSD/optimizer data (vendor tool; not decoded). */
  dataKind?: string;
  /** The record count field. */
  count?: number;
  /** ECU local time of its last inverter cycle, `YYYY-MM-DDThh:mm:ss`; moves only after a new cycle. */
  cycleTime?: string;
  inverters: EcuInverterRecord[];
  warnings: EcuWarning[];
}

export interface EcuSignalEntry {
  uid: string;
  model?: string;
  /** Raw 0–255 link indicator; the unit is not documented (three projects convert it three ways). */
  levelRaw: number;
  /** levelRaw, or undefined for 0 (never heard / offline on ECU-R 2160). */
  level?: number;
}

/** 0030 — ZigBee signal level per inverter. */
export interface EcuSignal {
  kind: "ecu-signal";
  group: EcuGroup;
  status: EcuStatus;
  inverters: EcuSignalEntry[];
  warnings: EcuWarning[];
}

/** 0003 — power of one day, one point per ECU cycle. */
export interface EcuPowerOfDay {
  kind: "ecu-power-of-day";
  group: EcuGroup;
  status: EcuStatus;
  points: { time: string; acPowerW: number }[];
  warnings: EcuWarning[];
}

export type EcuEnergyPeriod = "week" | "month" | "year";

/** 0004 — daily (or monthly) energy over the last week, month or year. */
export interface EcuEnergyHistory {
  kind: "ecu-energy-history";
  group: EcuGroup;
  status: EcuStatus;
  periodCode?: string;
  period?: EcuEnergyPeriod;
  /** Bytes per energy value: 2 or 4 (depends on firmware; see history.ts). */
  valueBytes?: 2 | 4;
  entries: { date: string; energyWh: number }[];
  warnings: EcuWarning[];
}

/** 0012 — the ECU's clock. */
export interface EcuClock {
  kind: "ecu-clock";
  group: EcuGroup;
  status: EcuStatus;
  /** ECU local time, `YYYY-MM-DDThh:mm:ss`. */
  time?: string;
  warnings: EcuWarning[];
}

/** An answer to a command we frame but do not decode (e.g. 0058 from the EMA Manager app). */
export interface EcuOther {
  kind: "ecu-other";
  group: EcuGroup;
  command: string;
  status?: EcuStatus;
  payloadHex: string;
  warnings: EcuWarning[];
}

export type EcuAnswer =
  | EcuInfo
  | EcuRealtime
  | EcuSignal
  | EcuPowerOfDay
  | EcuEnergyHistory
  | EcuClock
  | EcuOther;
