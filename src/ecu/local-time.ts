/**
 * The ECU speaks its own local wall time (cycle times `YYYY-MM-DDThh:mm:ss`, its nightly maintenance
 * around 02:45–03:15). These convert between that and epoch ms for an IANA zone, with Intl only:
 * deterministic, no clock read.
 */

export interface LocalParts {
  year: number;
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
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError naming the zone when Intl does not know it. */
export function checkTimeZone(timeZone: string): string {
  try {
    formatter(timeZone);
  } catch {
    throw new RangeError(`'${timeZone}' is not an IANA time zone (e.g. Europe/Amsterdam)`);
  }
  return timeZone;
}

export function localParts(ms: number, timeZone: string): LocalParts {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  return {
    year: p.year!,
    month: p.month!,
    day: p.day!,
    hour: p.hour!,
    minute: p.minute!,
    second: p.second!,
  };
}

/** Local wall time minus UTC at `ms`, in ms (Europe/Amsterdam in winter: 3 600 000). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const l = localParts(ms, timeZone);
  const wall = Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant a local wall time names (the later one when a DST change repeats it). */
export function localToEpochMs(l: LocalParts, timeZone: string): number {
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
  const l = localParts(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${l.year}${two(l.month)}${two(l.day)}${two(l.hour)}${two(l.minute)}${two(l.second)}`;
}

/** Minutes since local midnight. */
export function localMinuteOfDay(ms: number, timeZone: string): number {
  const l = localParts(ms, timeZone);
  return l.hour * 60 + l.minute + l.second / 60;
}
