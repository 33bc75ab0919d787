/**
 * 0003 power of day and 0004 energy history (ecu-lan-protocol.md §2.7). No real answer of either is
 * public; the layouts come from the vendor test tool and npeter's adapter, so both are unconfirmed.
 *
 * 0003: 13 status  15 N × (hhmm 2 BCD + power u16 W)  END LF
 *   e.g. 12 05 | 01 2C → 12:05, 300 W.
 * 0004: 13 status  15 period "00" week / "01" month / "02" year  17 N × (YYYYMMDD 4 BCD + energy, 0.01 kWh)  END LF
 *   e.g. 20 23 11 20 | 00 11 → 2023-11-20, 17 × 10 Wh = 170 Wh.
 *
 * The energy value is u16 in group 11 and u32 in group 12 according to npeter (npeter#16), but
 * ksheumaker read u32 from an ECU-R 2160 answering group 11. So the width is taken from the data:
 * the one that splits the entries evenly into valid dates; the group decides only when both fit.
 */
import { readUintBE } from "../bytes.ts";
import { ascii, bcdDigits, readStatus } from "./frame.ts";
import type { EcuEnergyHistory, EcuEnergyPeriod, EcuFrame, EcuPowerOfDay, EcuWarning } from "./types.ts";

export function decodeEcuPowerOfDay(f: EcuFrame): EcuPowerOfDay {
  const p = f.payload;
  const status = readStatus(p);
  const warnings: EcuWarning[] = [];
  const points: EcuPowerOfDay["points"] = [];
  const base = { kind: "ecu-power-of-day" as const, group: f.group, status };
  if (!status.ok) return { ...base, points, warnings };
  const whole = Math.floor((p.length - 2) / 4);
  for (let i = 0; i < whole; i++) {
    const rel = 2 + i * 4;
    const hhmm = bcdDigits(p, rel, 2);
    if (hhmm === undefined || Number(hhmm.slice(0, 2)) > 23 || Number(hhmm.slice(2)) > 59) {
      warnings.push({
        code: "record-stop",
        detail: `entry ${i + 1} does not start with a BCD time hhmm; ${whole - i} entries not read`,
        offset: 13 + rel,
      });
      break;
    }
    points.push({ time: `${hhmm.slice(0, 2)}:${hhmm.slice(2)}`, acPowerW: readUintBE(p, rel + 2, 2) });
  }
  if ((p.length - 2) % 4 !== 0) {
    warnings.push({
      code: "count",
      detail: `${(p.length - 2) % 4} bytes left over after 4-byte entries`,
      offset: 13 + 2 + whole * 4,
    });
  }
  return { ...base, points, warnings };
}

const PERIODS: Record<string, EcuEnergyPeriod> = { "00": "week", "01": "month", "02": "year" };

/** Dates of entries `size` bytes apart, or undefined if any is not a BCD YYYYMMDD (day 00 allowed: monthly sums). */
function datesAt(p: Uint8Array, from: number, size: number): string[] | undefined {
  const out: string[] = [];
  for (let rel = from; rel < p.length; rel += size) {
    const d = bcdDigits(p, rel, 4);
    if (d === undefined) return undefined;
    const [mo, da] = [Number(d.slice(4, 6)), Number(d.slice(6, 8))];
    if (mo < 1 || mo > 12 || da > 31) return undefined;
    out.push(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`);
  }
  return out;
}

export function decodeEcuEnergyHistory(f: EcuFrame): EcuEnergyHistory {
  const p = f.payload;
  const status = readStatus(p);
  const warnings: EcuWarning[] = [];
  const base = { kind: "ecu-energy-history" as const, group: f.group, status };
  if (!status.ok) return { ...base, entries: [], warnings };
  const periodCode = ascii(p, 2, 2);
  const period = PERIODS[periodCode];
  const head = { ...base, periodCode, ...(period === undefined ? {} : { period }) };
  if (period === undefined) {
    warnings.push({
      code: "layout",
      detail: `period "${periodCode}" at byte 15 is not 00/01/02`,
      offset: 15,
    });
  }
  const n = Math.max(0, p.length - 4);
  if (n === 0) return { ...head, entries: [], warnings };
  const fits = ([2, 4] as const).filter((w) => n % (4 + w) === 0 && datesAt(p, 4, 4 + w) !== undefined);
  const byGroup = f.group === "12" ? 4 : 2;
  const width = fits.length === 1 ? fits[0]! : fits.length === 2 ? byGroup : undefined;
  if (width === undefined) {
    warnings.push({
      code: "layout",
      detail: `${n} bytes of entries split neither into 6-byte nor 8-byte entries of BCD dates; not decoded`,
      offset: 17,
    });
    return { ...head, entries: [], warnings };
  }
  if (width !== byGroup) {
    warnings.push({
      code: "inferred",
      detail: `energy values are ${width} bytes (the only width that fits), not the ${byGroup} bytes npeter documents for group ${f.group}`,
      offset: 17,
    });
  }
  const dates = datesAt(p, 4, 4 + width)!;
  const entries = dates.map((date, i) => ({
    date,
    energyWh: readUintBE(p, 4 + i * (4 + width) + 4, width) * 10,
  }));
  return { ...head, valueBytes: width, entries, warnings };
}
