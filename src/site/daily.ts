/**
 * Local calendar days for daily energy. A reading belongs to the local date of its wall-clock
 * time in the site's IANA time zone; Intl does the DST arithmetic, so a 23 h or 25 h day is just
 * a day. Days are `YYYY-MM-DD` strings: they sort and compare as text.
 */
import { checkTimeZone, wallTime } from "../zone.ts";

/** Throws a RangeError naming the setting when the zone is unknown; call it when loading config. */
export function assertTimeZone(timeZone: string): void {
  try {
    checkTimeZone(timeZone);
  } catch {
    throw new RangeError(
      `time zone "${timeZone}" is not an IANA zone name this Node knows; use one like "Europe/Amsterdam" (site.yaml: timezone)`,
    );
  }
}

/** The local date (`YYYY-MM-DD`) of the instant `atMs` in `timeZone`. */
export function localDay(atMs: number, timeZone: string): string {
  assertTimeZone(timeZone);
  const w = wallTime(atMs, timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${String(w.year).padStart(4, "0")}-${two(w.month)}-${two(w.day)}`;
}

/** The calendar day after `day` (`YYYY-MM-DD`), independent of any time zone. */
export function nextDay(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(t)) throw new RangeError(`"${day}" is not a YYYY-MM-DD day`);
  return new Date(t + 86_400_000).toISOString().slice(0, 10);
}
