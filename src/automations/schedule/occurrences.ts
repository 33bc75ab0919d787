/**
 * When rules start and end, as instants: each rule's `at` (and `until`) on every local date it runs,
 * sunrise/sunset resolved for that date at the site. Pure: the site, the rules and a date range in.
 */

import {
  addDays,
  type LocalDate,
  localDateOf,
  localToUtc,
  startOfLocalDay,
  weekdayOf,
} from "../../site/local-time.ts";
import type { CompiledRule, TimeSpec } from "../../site/schedule-rules.ts";
import { sunEvents } from "../../site/sun.ts";
import type { ScheduleSite } from "./types.ts";

export interface Occurrence {
  rule: CompiledRule;
  startMs: number;
  /** Windows only. */
  endMs?: number;
}

export class Calendar {
  private readonly sun = new Map<string, { sunrise?: number; sunset?: number }>();

  constructor(readonly site: ScheduleSite) {}

  /** The instant of a time spec on a local date; undefined when the sun does not rise or set that day. */
  resolve(spec: TimeSpec, date: LocalDate): number | undefined {
    if (spec.kind === "clock") return localToUtc(date, spec.minute, this.site.timezone);
    const at = this.sunOf(date)[spec.event];
    return at === undefined ? undefined : at + spec.offsetMin * 60_000;
  }

  /** Every occurrence of the rules starting on local dates from `fromMs`'s date − `back` to + `ahead` days. */
  occurrences(rules: readonly CompiledRule[], aroundMs: number, back: number, ahead: number): Occurrence[] {
    const today = localDateOf(aroundMs, this.site.timezone);
    const out: Occurrence[] = [];
    for (let k = -back; k <= ahead; k++) {
      const date = addDays(today, k);
      const weekday = weekdayOf(date);
      for (const rule of rules) {
        if (rule.days && !rule.days.has(weekday)) continue;
        const startMs = this.resolve(rule.at, date);
        if (startMs === undefined) continue;
        if (!rule.until) {
          out.push({ rule, startMs });
          continue;
        }
        // A window ends at the first `until` after its start: 22:00–06:00 ends the next morning.
        let endMs: number | undefined;
        for (let j = 0; j <= 2 && endMs === undefined; j++) {
          const e = this.resolve(rule.until, addDays(date, j));
          if (e !== undefined && e > startMs) endMs = e;
        }
        // No end within two days (polar night with `until: sunrise`): never hold inverters off open-ended.
        if (endMs !== undefined) out.push({ rule, startMs, endMs });
      }
    }
    return out.sort((a, b) => a.startMs - b.startMs || a.rule.index - b.rule.index);
  }

  private sunOf(date: LocalDate): { sunrise?: number; sunset?: number } {
    const key = `${date.y}-${date.m}-${date.d}`;
    let s = this.sun.get(key);
    if (!s) {
      s = {};
      const { latitude, longitude, timezone } = this.site;
      if (latitude !== undefined && longitude !== undefined) {
        const from = startOfLocalDay(date, timezone);
        const to = startOfLocalDay(addDays(date, 1), timezone);
        for (const e of sunEvents(from, to, latitude, longitude)) s[e.kind] ??= e.atMs;
      }
      if (this.sun.size > 64) this.sun.clear();
      this.sun.set(key, s);
    }
    return s;
  }
}

/**
 * The rule in force at `t` for one inverter: among the occurrences that have started and (for windows)
 * not ended, the one that started last; on a tie the later rule in the file. Undefined = no rule applies.
 */
export function ruleAt(occs: readonly Occurrence[], serial: string, t: number): Occurrence | undefined {
  let best: Occurrence | undefined;
  for (const o of occs) {
    if (o.startMs > t) break;
    if (o.rule.inverters && !o.rule.inverters.has(serial)) continue;
    if (o.endMs !== undefined && t >= o.endMs) continue;
    if (!best || o.startMs > best.startMs || (o.startMs === best.startMs && o.rule.index > best.rule.index))
      best = o;
  }
  return best;
}
