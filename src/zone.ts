/**
 * Wall-clock time of an instant in an IANA zone, with Intl only (DST-correct, no clock read): the one
 * place every layer reads local time from — the ECU's cycle times, the site's days and rules, the CLI.
 */

export interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError naming the zone when Intl does not know it; returns it otherwise. */
export function checkTimeZone(timeZone: string): string {
  try {
    formatter(timeZone);
  } catch {
    throw new RangeError(`'${timeZone}' is not an IANA time zone (e.g. Europe/Amsterdam)`);
  }
  return timeZone;
}

export function wallTime(ms: number, timeZone: string): WallTime {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ms)) {
    if (part.type !== "literal" && part.type !== "era") p[part.type] = Number(part.value);
  }
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second! };
}

/** "09:05": the local hour and minute, as advice and log lines give a time of day. */
export function hourMinute(ms: number, timeZone: string): string {
  const w = wallTime(ms, timeZone);
  return `${String(w.hour).padStart(2, "0")}:${String(w.minute).padStart(2, "0")}`;
}

/** Local wall time minus UTC at `ms` (Europe/Amsterdam: +1 h in winter, +2 h in summer), ms. */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const w = wallTime(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}
