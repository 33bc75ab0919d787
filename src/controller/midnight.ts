/**
 * When the next local day starts, found by stepping (hours, then minutes) rather than by date arithmetic,
 * so DST changes and odd offsets need no special cases.
 */
import { localDay } from "../site/daily.ts";

export function nextLocalMidnight(nowMs: number, timeZone: string): number {
  const today = localDay(nowMs, timeZone);
  let t = nowMs;
  for (const step of [3_600_000, 60_000]) {
    while (localDay(t + step, timeZone) === today) t += step;
  }
  // t is the last whole step still today; the day turns within the next minute, on a minute boundary.
  t += 60_000;
  return t - (t % 60_000);
}
