/**
 * The schedule and the export limiter both cap max power. Per inverter the lower cap wins, and the result
 * carries both reasons, so the homeowner sees why and neither side reads the other's cap as a stranger's.
 * Pure: whole-inverter W in (the limiter's unit and the schedule's decisions), whole-inverter W out.
 *
 * How the module uses it: for each inverter, combine the schedule's decision with the limit the export
 * limiter holds or asks for; write only when the combined target differs from what is set; verify the
 * poll against the combined target (target.ts verify). limiter-link.ts shows the limiter the schedule's
 * binding cap as its own limit, so its foreign-limit alarm stays for real strangers (the vendor app).
 */
import type { Target, Want } from "./types.ts";

/** What one side wants for an inverter, whole-inverter W, and why. */
export interface LimitClaim {
  limitW: number;
  reason: string;
}

export interface ScheduleClaim {
  want: Want;
  target: Target;
  reason: string;
}

export type Winner = "schedule" | "export-limit" | "both";

export interface Combined {
  /** What to set: the lower max power; `on: false` only when the schedule switches off by command. */
  target: Target;
  /** Whose cap binds; "both" when they are equal. */
  by: Winner;
  /** "schedule: off, 80 W (rule 'night' 22:00–06:00); the export limiter would allow 900 W (…)". */
  reason: string;
  schedule: ScheduleClaim;
  exportLimit?: LimitClaim;
}

export function combine(schedule: ScheduleClaim, exportLimit: LimitClaim | undefined): Combined {
  const s = schedule.target;
  const sched = `schedule: ${words(schedule)} (${schedule.reason})`;
  if (!exportLimit) return { target: { ...s }, by: "schedule", reason: sched, schedule };
  const e = exportLimit;
  const limitW = Math.min(s.limitW, e.limitW);
  // Switched off by command, the limit still follows the limiter: it is what the inverter resumes with.
  const target: Target = { on: s.on, limitW };
  const lim = `export limiter: ${Math.round(e.limitW)} W (${e.reason})`;
  let by: Winner;
  let reason: string;
  if (!s.on || s.limitW < e.limitW) {
    by = "schedule";
    reason = `${sched}; the export limiter would allow ${Math.round(e.limitW)} W (${e.reason})`;
  } else if (e.limitW < s.limitW) {
    by = "export-limit";
    reason = `${lim}; the schedule allows ${Math.round(s.limitW)} W (${schedule.reason})`;
  } else {
    by = "both";
    reason = `${sched} and ${lim}`;
  }
  return { target, by, reason, schedule, exportLimit: e };
}

function words(s: ScheduleClaim): string {
  if (!s.target.on) return "off by the on/off command";
  if (s.want === "on") return `on, ${Math.round(s.target.limitW)} W`;
  return `${s.want}, ${Math.round(s.target.limitW)} W`;
}

/**
 * The schedule's site-wide reason with the limiter beside it: the schedule's own reason, and the other
 * side's word where it matters — the limiter's lower limit where it binds, what it would allow where
 * the schedule's cap holds it back. Without a limiter claim, the schedule's reason alone.
 */
export function siteReason(scheduleReason: string, all: readonly Combined[], limiterReason: string): string {
  const sum = (cs: Combined[], f: (c: Combined) => number) => Math.round(cs.reduce((n, c) => n + f(c), 0));
  const lower = all.filter((c) => c.by === "export-limit");
  if (lower.length > 0) {
    const n = lower.length === 1 ? "1 inverter" : `${lower.length} inverters`;
    return `${scheduleReason}; the export limiter's lower limit holds ${n} at ${sum(lower, (c) => c.target.limitW)} W (${limiterReason})`;
  }
  const held = all.filter((c) => c.by === "schedule" && c.exportLimit && c.schedule.want !== "on");
  if (held.length > 0)
    return `${scheduleReason}; the export limiter would allow ${sum(held, (c) => c.exportLimit!.limitW)} W (${limiterReason})`;
  return scheduleReason;
}
