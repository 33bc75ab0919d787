/**
 * 0012 — the ECU's clock (vendor tool; EMA Manager app exchange in ksheumaker#199):
 *
 *   13 status "00"  15 "YYYYMMDDhhmmss" (14 ASCII digits, ECU local time)  END LF
 *
 * Worked example (P11, ECU-B 216300054149): `APS11003200120020230801173037END` → 2023-08-01 17:30:37.
 */
import { ascii, isoLocal, readStatus } from "./frame.ts";
import type { EcuClock, EcuFrame, EcuWarning } from "./types.ts";

export function decodeEcuClock(f: EcuFrame): EcuClock {
  const status = readStatus(f.payload);
  const warnings: EcuWarning[] = [];
  const base = { kind: "ecu-clock" as const, group: f.group, status };
  if (!status.ok) return { ...base, warnings };
  const digits = ascii(f.payload, 2, 14);
  const time = /^\d{14}$/.test(digits) ? isoLocal(digits) : undefined;
  if (time === undefined) {
    warnings.push({
      code: "layout",
      detail: `"${digits}" at byte 15 is not a YYYYMMDDhhmmss time`,
      offset: 15,
    });
    return { ...base, warnings };
  }
  if (f.payload.length !== 16) {
    warnings.push({
      code: "count",
      detail: `${f.payload.length - 16} bytes after the time before END`,
      offset: 29,
    });
  }
  return { ...base, time, warnings };
}
