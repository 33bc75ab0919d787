/**
 * 0030 — ZigBee signal level per inverter (ecu-lan-protocol.md §2.6). Offsets from the A of APS:
 *
 *   13 status "00"  15 N × (UID 6 BCD + level u8)  END LF      (no count field: N = (length − 18) / 7)
 *
 * Worked example (P2, ECU-R 216000120830, ksheumaker#185): 90 10 00 00 73 52 AB → 901000007352, level 0xAB = 171.
 *
 * The unit is undocumented: ksheumaker shows level/255×100 %, ecu_reader −100 + level/255×100 "dBm",
 * npeter level − 256. We keep the raw 0–255 value. 0 means never heard / offline on an ECU-R 2160,
 * while an ECU-R-Pro keeps the last level of offline inverters at night (P13), so a non-zero level is
 * not proof the inverter is online.
 */
import { toHex } from "../bytes.ts";
import { bcdDigits, readStatus } from "./frame.ts";
import { modelOfUid } from "./realtime.ts";
import type { EcuFrame, EcuSignal, EcuSignalEntry, EcuWarning } from "./types.ts";

const ENTRY = 7;

export function decodeEcuSignal(f: EcuFrame): EcuSignal {
  const p = f.payload;
  const status = readStatus(p);
  const warnings: EcuWarning[] = [];
  const inverters: EcuSignalEntry[] = [];
  const base = { kind: "ecu-signal" as const, group: f.group, status };
  if (!status.ok) return { ...base, inverters, warnings };
  const whole = Math.floor((p.length - 2) / ENTRY);
  for (let i = 0; i < whole; i++) {
    const rel = 2 + i * ENTRY;
    const uid = bcdDigits(p, rel, 6);
    if (uid === undefined) {
      warnings.push({
        code: "record-stop",
        detail: `entry ${i + 1}: UID bytes ${toHex(p.subarray(rel, rel + 6)).toUpperCase()} are not BCD; ${whole - i} entries not read`,
        offset: 13 + rel,
      });
      break;
    }
    const levelRaw = p[rel + 6]!;
    const model = modelOfUid(uid);
    inverters.push({
      uid,
      ...(model === undefined ? {} : { model }),
      levelRaw,
      ...(levelRaw === 0 ? {} : { level: levelRaw }),
    });
  }
  const rest = (p.length - 2) % ENTRY;
  if (rest !== 0) {
    warnings.push({
      code: "count",
      detail: `${rest} bytes before END do not make a whole 7-byte entry (UID + level)`,
      offset: 13 + 2 + whole * ENTRY,
    });
  }
  return { ...base, inverters, warnings };
}
