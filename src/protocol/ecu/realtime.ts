/**
 * 0002 — real-time data (ecu-lan-protocol.md §2.5). Offsets from the A of APS:
 *
 *   13 status "00"  15 data kind "01" (inverters)  17 record count u16  19 cycle time, 7 BCD  26 records
 *
 * Record: +0 UID (6 BCD) +6 online (01/00) +7 type (2 ASCII) +9 body of u16 BE values:
 *
 *   type  length  body                                                   models
 *   00     9      none (registered, never heard)                         any
 *   01    21      freq temp P1 V1 P2 V2                                  YC600, DS3
 *   02    27      freq temp P1 V1 P2 V2 P3 V3 P4                         YC1000, QT2 (3-phase)
 *   03    23      freq temp P1 V P2 P3 P4                                QS1, QS1A
 *   04    21      as 01                                                  DS3D-L / DS3-H (code only)
 *   05  21 or 27  disputed (2-input in one project, QT2 in another)      none seen
 *
 * freq is 0.1 Hz, temp is raw − 100 °C, P are W per input, V are AC volts.
 * Worked example (P9, ECU-B 216300007004, mi-hol/readAPSystemsECU DS3_data.txt): record
 * 70 20 00 99 99 99 | 01 | "01" | 01F3 0097 00D3 00F0 00D6 00F0 → 702000999999 online, 49.9 Hz,
 * 0x97 = 151 − 100 = 51 °C, P [211, 214] W, 240 V.
 *
 * A record's length follows from its type code only, so after an unknown code the rest cannot be
 * walked safely: we stop there and say so (a warning, never a throw), except when it is the last
 * record and its length is simply what is left.
 */
import { readUintBE, toHex } from "../bytes.ts";
import { modelForSerial } from "../models.ts";
import type { Input } from "../types.ts";
import { ascii, bcdDateTime, bcdDigits, readStatus } from "./frame.ts";
import type {
  EcuChannel,
  EcuFrame,
  EcuInverterRecord,
  EcuRealtime,
  EcuRecordLayout,
  EcuWarning,
} from "./types.ts";

const RECORD_HEAD = 9;
const LAYOUT_BYTES: Record<Exclude<EcuRecordLayout, "none">, number> = {
  "2-input": 21,
  "3-phase-4-input": 27,
  "4-input": 23,
};
const LAYOUT_OF_TYPE: Record<string, EcuRecordLayout> = {
  "00": "none",
  "01": "2-input",
  "02": "3-phase-4-input",
  "03": "4-input",
  "04": "2-input",
};
const INPUTS: Input[] = ["A", "B", "C", "D"];

/** Inverter model from its UID: our datasheet table first, then the prefixes the ECU projects list (§1). */
export function modelOfUid(uid: string): string | undefined {
  const known = modelForSerial(uid);
  if (known !== undefined) return known.model;
  const p3 = uid.slice(0, 3);
  if (["702", "703", "704", "706", "707"].includes(p3)) return "DS3";
  if (p3 === "901") return "QT2";
  if (uid.startsWith("10")) return "YC500";
  return undefined;
}

/** Reads one record's values at `off` (from the start of the answer) for a layout with a body. */
function readings(b: Uint8Array, off: number, layout: Exclude<EcuRecordLayout, "none">) {
  const u = (rel: number) => readUintBE(b, off + rel, 2);
  const watts =
    layout === "2-input"
      ? [u(13), u(17)]
      : layout === "4-input"
        ? [u(13), u(17), u(19), u(21)]
        : [u(13), u(17), u(21), u(25)];
  const channels: EcuChannel[] = watts.map((powerW, i) => ({ channel: i + 1, input: INPUTS[i]!, powerW }));
  return {
    frequencyHz: u(9) / 10,
    temperatureC: u(11) - 100,
    // 3-phase records carry one voltage per phase (QT2's ~390 V may be line-to-line): no single AC voltage.
    ...(layout === "3-phase-4-input" ? { phaseVoltagesV: [u(15), u(19), u(23)] } : { acVoltageV: u(15) }),
    channels,
    acPowerW: watts.reduce((s, w) => s + w, 0),
  };
}

export function decodeEcuRealtime(f: EcuFrame): EcuRealtime {
  // Work on the whole answer so every offset we report is from the A of APS.
  const b = new Uint8Array(13 + f.payload.length);
  b.set(f.payload, 13);
  const end = b.length; // where END starts
  const status = readStatus(f.payload);
  const warnings: EcuWarning[] = [];
  const base = { kind: "ecu-realtime" as const, group: f.group, status };
  if (!status.ok || f.payload.length < 2) return { ...base, inverters: [], warnings };
  if (end < 26) {
    warnings.push({
      code: "count",
      detail: `the header needs bytes up to 26, the answer ends at ${end}`,
      offset: end,
    });
    return { ...base, inverters: [], warnings };
  }
  const dataKind = ascii(b, 15, 2);
  const count = readUintBE(b, 17, 2);
  const cycle = bcdDateTime(b, 19);
  const head = { ...base, dataKind, count, ...(cycle === undefined ? {} : { cycleTime: cycle }) };
  if (cycle === undefined) {
    warnings.push({
      code: "layout",
      detail: `cycle time ${toHex(b.subarray(19, 26))} is not a BCD date`,
      offset: 19,
    });
  }
  if (dataKind !== "01") {
    warnings.push({
      code: "unknown-type",
      detail: `data kind "${dataKind}" at byte 15 is not inverter data ("01"; "02" is the vendor tool's RSD data): records not decoded`,
      offset: 15,
    });
    return { ...head, inverters: [], warnings };
  }

  const inverters: EcuInverterRecord[] = [];
  let off = 26;
  for (let n = 0; n < count; n++) {
    const left = count - n;
    if (off + RECORD_HEAD > end) {
      warnings.push({
        code: "count",
        detail: `${left} of ${count} records announced but only ${end - off} bytes left before END`,
        offset: off,
      });
      break;
    }
    const uid = bcdDigits(b, off, 6);
    if (uid === undefined) {
      warnings.push({
        code: "record-stop",
        detail: `record ${n + 1}: UID bytes ${toHex(b.subarray(off, off + 6)).toUpperCase()} are not BCD; ${left} records not read`,
        offset: off,
      });
      off = end;
      break;
    }
    const online = b[off + 6] === 1;
    if (b[off + 6]! > 1) {
      warnings.push({
        code: "layout",
        detail: `record ${n + 1} (${uid}): online byte ${toHex(b.subarray(off + 6, off + 7)).toUpperCase()} is neither 00 nor 01; read as offline`,
        offset: off + 6,
      });
    }
    const typeCode = ascii(b, off + 7, 2);
    const isLast = left === 1;
    let layout = LAYOUT_OF_TYPE[typeCode];
    if (layout === undefined && typeCode === "05" && isLast) {
      // Two projects disagree on type 05 (2 or 4 inputs); as the last record its length tells which.
      const size = end - off;
      layout = size === 21 ? "2-input" : size === 27 ? "3-phase-4-input" : undefined;
      if (layout !== undefined) {
        warnings.push({
          code: "inferred",
          detail: `record ${n + 1} (${uid}) type "05": layout ${layout} inferred from its ${size} bytes (no capture of type 05 seen)`,
          offset: off,
        });
      }
    }
    if (layout === undefined) {
      const size = end - off;
      warnings.push({
        code: "unknown-type",
        detail: `record ${n + 1} (${uid}) has type code "${typeCode}" we have no layout for${isLast ? ` (skipped its ${size} bytes)` : ""}; please report the answer`,
        offset: off,
      });
      if (!isLast) {
        warnings.push({
          code: "record-stop",
          detail: `a record's length follows from its type, so the ${left - 1} records after ${uid} were not read`,
          offset: off,
        });
      }
      off = end;
      break;
    }
    const size = layout === "none" ? RECORD_HEAD : LAYOUT_BYTES[layout];
    if (off + size > end) {
      warnings.push({
        code: "count",
        detail: `record ${n + 1} (${uid}, type "${typeCode}") needs ${size} bytes, only ${end - off} left before END`,
        offset: off,
      });
      off = end;
      break;
    }
    const model = modelOfUid(uid);
    inverters.push({
      uid,
      ...(model === undefined ? {} : { model }),
      online,
      typeCode,
      layout,
      offset: off,
      // Offline records carry zeros, raw 0 (−100 °C) or stale values: they are not readings.
      ...(online && layout !== "none" ? readings(b, off, layout) : {}),
      bodyHex: toHex(b.subarray(off + RECORD_HEAD, off + size)),
    });
    off += size;
  }
  if (off < end) {
    warnings.push({
      code: "count",
      detail: `${end - off} bytes before END after the ${count} announced records`,
      offset: off,
    });
  }
  return { ...head, inverters, warnings };
}
