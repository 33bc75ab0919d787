/**
 * What a finding looks like as a notification: a title with the severity word, the core's installer advice,
 * and the caveat when the finding rests on a status bit nobody has seen set on hardware. Pure text: the
 * notifier (notify.ts) sends it, docs/faults.md quotes it, and a test keeps the two in step.
 */
import type { Finding, Severity } from "./types.ts";
import { clockTime, dayName } from "./words.ts";

export interface Notice {
  title: string;
  message: string;
}

/** The word a homeowner reads first, per severity (types.ts Severity). */
export const SEVERITY_WORDS: Readonly<Record<Severity, string>> = {
  info: "Solar note",
  warning: "Solar warning",
  fault: "Solar fault",
  danger: "Solar DANGER",
};

export const UNVERIFIED_NOTE = "(Status-bit meaning not confirmed on hardware.)";

/**
 * The persistent notification's id: one per finding key, so a repeat replaces it and a clear dismisses
 * it. HA accepts any string; we keep to [A-Za-z0-9_] so it also reads well in HA's logs and automations.
 */
export function notificationId(key: string): string {
  return `localecu_${key.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/** A newly opened finding. */
export function openNotice(f: Finding): Notice {
  return { title: `${SEVERITY_WORDS[f.severity]} — ${f.title}`, message: body(f) };
}

/** An open finding reported again after repeat_hours: the same advice, saying since when. */
export function repeatNotice(f: Finding, timezone: string): Notice {
  return {
    title: `${SEVERITY_WORDS[f.severity]}, still open — ${f.title}`,
    message: `Still open since ${when(f.openedAtMs, timezone)}. ${body(f)}`,
  };
}

/**
 * A cleared finding. `unannounced` when its open notice never went out (Home Assistant was unreachable
 * the whole time): the homeowner still learns what happened, with the advice, but not as an open problem.
 */
export function clearedNotice(f: Finding, timezone: string, unannounced = false): Notice {
  const cleared = f.clearedAtMs ?? f.notifiedAtMs;
  const span = `open from ${when(f.openedAtMs, timezone)} until ${when(cleared, timezone, f.openedAtMs)}`;
  if (unannounced)
    return {
      title: `Solar, cleared — ${f.title}`,
      message: `Cleared by itself (${span}) while Home Assistant could not be told. What it was: ${body(f)}`,
    };
  return {
    title: `Solar, cleared — ${f.title}`,
    message: `Cleared (${span}). Nothing to do unless it comes back.`,
  };
}

function body(f: Finding): string {
  return f.verified ? f.advice : `${f.advice} ${UNVERIFIED_NOTE}`;
}

/** "10:42" on the same local day as `sameDayAs` (when given), otherwise "15 Jun 10:42". */
function when(atMs: number, timezone: string, sameDayAs?: number): string {
  const time = clockTime(atMs, timezone);
  if (sameDayAs !== undefined && dayName(sameDayAs, timezone) === dayName(atMs, timezone)) return time;
  return `${dayName(atMs, timezone)} ${time}`;
}
