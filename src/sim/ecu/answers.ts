/**
 * Builds the ECU's port-8899 answers byte for byte (the inverse of src/protocol/ecu; layouts in
 * ecu-lan-protocol.md §2.2–2.7, offsets from the A of APS):
 *
 *   "APS" group(2) length(4, = bytes through the D of END) command(4) payload "END" LF
 *
 *   0001  13 ECU id (12 ASCII)  25 "01"  27 lifetime u32 (0.1 kWh)  31 power u32 (W)  35 today u32 (0.01 kWh)
 *         39 last EMA contact (7 bytes)  46 registered u16  48 online u16  50 channel (2 ASCII)
 *         52 firmware (3-digit length + text)  timezone (3-digit length + text)  Ethernet MAC  Wi-Fi MAC
 *         [APS12: "00" + 10 × 00]
 *   0002  13 "00"  15 "01"  17 count u16  19 cycle time (7 BCD)  26 records: UID (6 BCD) online(1) type(2 ASCII) body (u16 each)
 *   0030  13 "00"  then UID (6 BCD) + level (1) per inverter
 *   0003  13 "00"  then hhmm (2 BCD) + W (u16) per point
 *   0004  13 "00"  15 period (2 ASCII)  then YYYYMMDD (4 BCD) + energy (u16 or u32, 0.01 kWh) per entry
 *   0012  13 "00"  15 YYYYMMDDhhmmss (14 ASCII)
 *   no data: "APS11" "0015" command "02" LF — no END (ECU-B, ksheumaker#270)
 *
 * Worked example (P9, ECU-B 216300007004, one DS3 at 12:59:32): record 70 20 00 99 99 99 | 01 | "01" |
 * 01F3 (49.9 Hz × 10) 0097 (51 °C + 100) 00D3 (211 W) 00F0 (240 V) 00D6 (214 W) 00F0 (240 V).
 */
import { fromHex } from "../../protocol/bytes.ts";

export type EcuAnswerGroup = "11" | "12";

const ascii = (s: string) => Buffer.from(s, "latin1");

function u16(v: number, what: string): Buffer {
  const n = Math.round(v);
  if (!(n >= 0 && n <= 0xffff)) throw new RangeError(`${what} ${v} does not fit the 2-byte field (0–65535)`);
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u32(v: number, what: string): Buffer {
  const n = Math.floor(v + 1e-6);
  if (!(n >= 0 && n <= 0xffffffff)) throw new RangeError(`${what} ${v} does not fit the 4-byte field`);
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** Decimal digits (or D0-style placeholders) written as hex nibbles: "20231120" → 20 23 11 20. */
function bcd(hex: string, bytes: number, what: string): Buffer {
  if (!new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(hex)) {
    throw new RangeError(`${what} must be ${bytes * 2} digits, got '${hex}'`);
  }
  return Buffer.from(fromHex(hex));
}

function lengthPrefixed(text: string): Buffer {
  return ascii(`${String(text.length).padStart(3, "0")}${text}`);
}

function mac(text: string | undefined): Buffer {
  if (text === undefined) return Buffer.alloc(6);
  return bcd(text.replace(/:/g, ""), 6, "MAC");
}

/** The envelope around a payload. */
export function encodeEcuEnvelope(group: EcuAnswerGroup, command: string, payload: Buffer): Buffer {
  const length = 13 + payload.length + 3;
  return Buffer.concat([
    ascii(`APS${group}${String(length).padStart(4, "0")}${command}`),
    payload,
    ascii("END\n"),
  ]);
}

/** Status 02 "no data": 16 bytes, no END (as an ECU-B sent it). */
export function encodeEcuNoData(command: string): Buffer {
  return ascii(`APS110015${command}02\n`);
}

export interface EcuInfoFields {
  group: EcuAnswerGroup;
  ecuId: string;
  lifetimeEnergyWh: number;
  acPowerW: number;
  todayEnergyWh: number;
  /** The 7 bytes at 39 as 14 hex digits: a time `20260423101135`, or the placeholder `d0d0d0d0d0d0d0`. */
  lastEmaContactHex: string;
  invertersRegistered: number;
  invertersOnline: number;
  zigbeeChannel: string;
  firmware: string;
  timezone: string;
  ethernetMac: string;
  /** undefined → six zero bytes (ECU-R 2160, ECU-B). */
  wifiMac?: string;
  /** APS12 units' 12 bytes after the MACs, as hex (on every capture `303000000000000000000000`). */
  tailHex?: string;
}

export function encodeEcuInfo(f: EcuInfoFields): Buffer {
  if (!/^\d{12}$/.test(f.ecuId)) throw new RangeError(`ECU id must be 12 digits, got '${f.ecuId}'`);
  return encodeEcuEnvelope(
    f.group,
    "0001",
    Buffer.concat([
      ascii(f.ecuId),
      ascii("01"),
      u32(f.lifetimeEnergyWh / 100, "lifetime energy (0.1 kWh)"),
      u32(f.acPowerW, "system power (W)"),
      u32(f.todayEnergyWh / 10, "today's energy (0.01 kWh)"),
      bcd(f.lastEmaContactHex, 7, "last EMA contact"),
      u16(f.invertersRegistered, "inverters registered"),
      u16(f.invertersOnline, "inverters online"),
      ascii(f.zigbeeChannel.padStart(2, "0").slice(0, 2)),
      lengthPrefixed(f.firmware),
      lengthPrefixed(f.timezone),
      mac(f.ethernetMac),
      mac(f.wifiMac),
      f.tailHex === undefined ? Buffer.alloc(0) : Buffer.from(fromHex(f.tailHex)),
    ]),
  );
}

/** What an online record carries, in physical units. */
export interface EcuRecordReadings {
  frequencyHz: number;
  temperatureC: number;
  /** W per input, input A first (2 for types 01/04, 4 for 02/03). */
  powersW: number[];
  /** One AC voltage (types 01/03/04), or three phase voltages (type 02). */
  voltagesV: number[];
}

export interface EcuRecordFields {
  uid: string;
  online: boolean;
  /** "00" (no body), "01"/"04" 2-input, "02" 3-phase 4-input, "03" QS1 4-input; others are written as given. */
  typeCode: string;
  /** Values to encode in the type's field order. */
  readings?: EcuRecordReadings;
  /** Or the body's u16 values as they go on the wire (offline flavours: zeros, temperature raw 100, stale). */
  raw?: number[];
}

/** The u16 body of a record in wire order, from readings (ecu-lan-protocol.md §2.5). */
export function recordBody(typeCode: string, r: EcuRecordReadings): number[] {
  const f = Math.round(r.frequencyHz * 10);
  const t = Math.round(r.temperatureC) + 100;
  const P = r.powersW;
  const V = r.voltagesV;
  const v1 = V[0] ?? 0;
  switch (typeCode) {
    case "01":
    case "04":
      return [f, t, P[0] ?? 0, v1, P[1] ?? 0, V[1] ?? v1];
    case "02":
      return [f, t, P[0] ?? 0, v1, P[1] ?? 0, V[1] ?? v1, P[2] ?? 0, V[2] ?? v1, P[3] ?? 0];
    case "03":
      return [f, t, P[0] ?? 0, v1, P[1] ?? 0, P[2] ?? 0, P[3] ?? 0];
    default:
      // Unknown types (a fault the emulator plays): the 2-input layout, so the bytes are plausible.
      return [f, t, P[0] ?? 0, v1, P[1] ?? 0, V[1] ?? v1];
  }
}

export function encodeEcuRecord(r: EcuRecordFields): Buffer {
  const body = r.raw ?? (r.typeCode === "00" || !r.readings ? [] : recordBody(r.typeCode, r.readings));
  return Buffer.concat([
    bcd(r.uid, 6, "inverter UID"),
    Buffer.from([r.online ? 1 : 0]),
    ascii(r.typeCode),
    ...body.map((v, i) => u16(v, `${r.uid} body value ${i + 1}`)),
  ]);
}

export interface EcuRealtimeFields {
  /** ECU local time of its last round, 14 digits `YYYYMMDDhhmmss`. */
  cycleTimeDigits: string;
  records: EcuRecordFields[];
  /** Defaults to the number of records. */
  count?: number;
}

export function encodeEcuRealtime(f: EcuRealtimeFields): Buffer {
  return encodeEcuEnvelope(
    "11",
    "0002",
    Buffer.concat([
      ascii("00"),
      ascii("01"),
      u16(f.count ?? f.records.length, "record count"),
      bcd(f.cycleTimeDigits, 7, "cycle time"),
      ...f.records.map(encodeEcuRecord),
    ]),
  );
}

export function encodeEcuSignal(entries: { uid: string; levelRaw: number }[]): Buffer {
  return encodeEcuEnvelope(
    "11",
    "0030",
    Buffer.concat([
      ascii("00"),
      ...entries.map((e) => Buffer.concat([bcd(e.uid, 6, "inverter UID"), Buffer.from([e.levelRaw & 0xff])])),
    ]),
  );
}

/** 0003: points `hhmm` + W. */
export function encodeEcuPowerOfDay(points: { hhmm: string; acPowerW: number }[]): Buffer {
  return encodeEcuEnvelope(
    "11",
    "0003",
    Buffer.concat([
      ascii("00"),
      ...points.map((p) => Buffer.concat([bcd(p.hhmm, 2, "time hhmm"), u16(p.acPowerW, "power (W)")])),
    ]),
  );
}

/** 0004: entries `YYYYMMDD` + energy in 0.01 kWh, 2 bytes (group 11) or 4 (group 12, npeter#16). */
export function encodeEcuEnergyHistory(
  group: EcuAnswerGroup,
  periodCode: string,
  entries: { yyyymmdd: string; energyWh: number }[],
): Buffer {
  const wide = group === "12";
  return encodeEcuEnvelope(
    group,
    "0004",
    Buffer.concat([
      ascii("00"),
      ascii(periodCode),
      ...entries.map((e) =>
        Buffer.concat([
          bcd(e.yyyymmdd, 4, "date YYYYMMDD"),
          wide
            ? u32(e.energyWh / 10, "energy (0.01 kWh)")
            : u16(Math.floor(e.energyWh / 10), "energy (0.01 kWh)"),
        ]),
      ),
    ]),
  );
}

/** 0012: the ECU's local time. */
export function encodeEcuClock(timeDigits: string): Buffer {
  if (!/^\d{14}$/.test(timeDigits)) throw new RangeError(`ECU time must be 14 digits, got '${timeDigits}'`);
  return encodeEcuEnvelope("11", "0012", ascii(`00${timeDigits}`));
}
