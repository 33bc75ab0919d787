/**
 * The ECU speaks its own local wall time (cycle times `YYYY-MM-DDThh:mm:ss`, its nightly maintenance
 * around 02:45–03:15). These convert between that and epoch ms for an IANA zone, with Intl only:
 * deterministic, no clock read.
 */

import { type WallTime, wallTime, zoneOffsetMs } from "../zone.ts";

/** The instant a local wall time names (the later one when a DST change repeats it). */
export function localToEpochMs(l: WallTime, timeZone: string): number {
  const wall = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  let t = wall - zoneOffsetMs(wall, timeZone);
  t = wall - zoneOffsetMs(t, timeZone);
  return t;
}

/** `YYYY-MM-DDThh:mm:ss` (the codec's cycle and clock times) → epoch ms in the zone; undefined if not that shape. */
export function isoLocalToEpochMs(iso: string, timeZone: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(iso);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return localToEpochMs({ year, month, day, hour, minute, second }, timeZone);
}

/** Epoch ms → the 14 digits `YYYYMMDDhhmmss` of local time, as the ECU writes its times. */
export function localDigits(ms: number, timeZone: string): string {
  const l = wallTime(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${l.year}${two(l.month)}${two(l.day)}${two(l.hour)}${two(l.minute)}${two(l.second)}`;
}

/** Minutes since local midnight. */
export function localMinuteOfDay(ms: number, timeZone: string): number {
  const l = wallTime(ms, timeZone);
  return l.hour * 60 + l.minute + l.second / 60;
}
