/**
 * The schedule and the export limiter both cap max power. Per inverter the lower cap wins, and the result
 * carries both reasons, so the homeowner sees why and neither side reads the other's cap as a stranger's.
 * Pure: whole-inverter W in (the limiter's unit and the schedule's decisions), whole-inverter W out.
 *
 * How the module uses it: for each inverter, combine the schedule's decision with the limit the export
 * limiter holds or asks for; write only when the combined target differs from what is set; verify the
 * poll against the combined target (target.ts verify); and pass read-backs through `readBackFor`, so the
 * limiter sees its own value while the schedule's lower cap is in force (its foreign-limit alarm stays
 * for real strangers: the vendor app, another controller).
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

/**
 * A polled read-back, as each side should see it. While the schedule's cap binds and the inverter reads
 * back that cap (within one watt per limit unit, at least 2 W), the limiter is told its own limit: the
 * cap is known, not foreign. Any other value goes to both unchanged.
 */
export function readBackFor(
  c: Combined,
  readBackW: number,
  units: number,
): { exportLimit: number; schedule: number } {
  const tol = Math.max(units, 2);
  if (c.by === "schedule" && c.exportLimit && Math.abs(readBackW - c.target.limitW) <= tol)
    return { exportLimit: c.exportLimit.limitW, schedule: readBackW };
  return { exportLimit: readBackW, schedule: readBackW };
}

function words(s: ScheduleClaim): string {
  if (!s.target.on) return "off by the on/off command";
  if (s.want === "on") return `on, ${Math.round(s.target.limitW)} W`;
  return `${s.want}, ${Math.round(s.target.limitW)} W`;
}
