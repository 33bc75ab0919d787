/**
 * Wall-clock time in the site's time zone, DST-correct, with nothing but Intl: rules say "22:00" and mean
 * 22:00 on the kitchen clock, winter and summer. A local date is { y, m (1–12), d }.
 */

import { wallTime, zoneOffsetMs } from "../zone.ts";

export interface LocalDate {
  y: number;
  m: number;
  d: number;
}

export interface LocalParts extends LocalDate {
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday, like Date.getDay. */
  weekday: number;
}

const DAY_MS = 86_400_000;
export function localParts(atMs: number, timeZone: string): LocalParts {
  const w = wallTime(atMs, timeZone);
  const date = { y: w.year, m: w.month, d: w.day };
  return { ...date, hour: w.hour, minute: w.minute, weekday: weekdayOf(date) };
}

/** Local time minus UTC at that instant, ms (Amsterdam: +1 h in winter, +2 h in summer). */
export const offsetMs = zoneOffsetMs;

/**
 * The instant a local wall-clock time happens. On the autumn night that repeats an hour, the first of the
 * two; in the spring gap (02:30 in Amsterdam on the last Sunday of March does not exist) the instant the
 * clock would have shown it without the jump, i.e. 03:30 summer time — the rule still fires that night.
 */
export function localToUtc(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(date.y, date.m - 1, date.d) + minuteOfDay * 60_000;
  const before = offsetMs(wall - DAY_MS, timeZone);
  const after = offsetMs(wall + DAY_MS, timeZone);
  const fits = [before, after].map((o) => wall - o).filter((t) => offsetMs(t, timeZone) === wall - t);
  if (fits.length > 0) return Math.min(...fits);
  return wall - before;
}

/** Local midnight that starts the date (00:00 exists in every zone we care about; else the gap rule above). */
export function startOfLocalDay(date: LocalDate, timeZone: string): number {
  return localToUtc(date, 0, timeZone);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay();
}

export function localDateOf(atMs: number, timeZone: string): LocalDate {
  const { y, m, d } = localParts(atMs, timeZone);
  return { y, m, d };
}

const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** "14:00" for today (relative to `nowMs`), "Wed 14:00" for another day within a week, else "2026-12-09 14:00". */
export function showLocalTime(atMs: number, timeZone: string, nowMs?: number): string {
  const p = localParts(atMs, timeZone);
  const hhmm = `${pad(p.hour)}:${pad(p.minute)}`;
  if (nowMs === undefined) return hhmm;
  const n = localParts(nowMs, timeZone);
  if (n.y === p.y && n.m === p.m && n.d === p.d) return hhmm;
  if (Math.abs(atMs - nowMs) < 6 * DAY_MS) return `${DAY_NAMES[p.weekday]} ${hhmm}`;
  return `${p.y}-${pad(p.m)}-${pad(p.d)} ${hhmm}`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
