/**
 * Commands on `<base>/site/set` (JSON) and `<base>/site/set/<key>` (bare value): the export limiter's
 * switch, allowed export and mode. Validated like the inverters' commands (commands.ts) before anything
 * happens: the published JSON Schema first (schema/site-command.schema.json, ajv strict, no extra keys),
 * then what the schema cannot know (the site's range for the allowed export).
 */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import type { OverrideRequest } from "../automations/schedule/module.ts";
import { closest } from "../site/config/suggest.ts";
import { LIMITER_MODES } from "./catalog/limiter.ts";
import {
  MAX_TRANSACTION_CHARS,
  parseBare,
  retainedRefusal,
  show,
  type Transaction,
  transactionOf,
} from "./commands.ts";
import { isScheduleCommand, parseScheduleCommand } from "./schedule-commands.ts";
import type { LimiterSnapshot, ScheduleSnapshot } from "./snapshot.ts";

export const SITE_COMMAND_SCHEMA_URL = new URL("./schema/site-command.schema.json", import.meta.url);
export const siteCommandSchema: Record<string, unknown> = JSON.parse(
  readFileSync(SITE_COMMAND_SCHEMA_URL, "utf8"),
);

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(siteCommandSchema);

export const SITE_CONTROL_KEYS = ["export_limit", "export_limit_target", "export_limit_mode"] as const;

export type SiteCommand =
  | { kind: "export_limit"; enabled: boolean }
  | { kind: "export_limit_target"; watts: number }
  | { kind: "export_limit_mode"; mode: LimiterSnapshot["mode"] };

/** The schedule's override (schedule-commands.ts). */
export type ScheduleCommand = { kind: "schedule_override"; override: OverrideRequest };

export type SiteCommandResult =
  | { ok: true; command: SiteCommand | ScheduleCommand; transaction?: Transaction }
  | { ok: false; error: string; transaction?: Transaction };

const EXAMPLES: Record<string, string> = {
  export_limit: '"OFF"',
  export_limit_target: "300",
  export_limit_mode: '"zero_export"',
};
const ALL_EXAMPLES = SITE_CONTROL_KEYS.map((k) => `{"${k}": ${EXAMPLES[k]}}`).join(", ");

export function validateSiteCommand(req: {
  topic: string;
  payload: string;
  retained: boolean;
  key?: string;
  /** The limiter's present state; undefined when the site has none. */
  limiter: LimiterSnapshot | undefined;
  /** The schedule's present state; undefined when the site has none. */
  schedule?: ScheduleSnapshot | undefined;
}): SiteCommandResult {
  const fail = (what: string, transaction?: Transaction): SiteCommandResult => ({
    ok: false,
    error: `${req.topic}: ${what}`,
    ...(transaction !== undefined ? { transaction } : {}),
  });
  if (req.retained) return { ok: false, error: retainedRefusal(req.topic) };
  const sched = scheduleCommand(req, fail);
  if (sched) return sched;
  const limiter = req.limiter;
  if (!limiter) {
    return fail(
      "this site has no export limiter — add automations.export_limit (with a meter) to site.yaml and restart",
    );
  }
  const text = req.payload.trim();
  let data: unknown;
  if (req.key !== undefined) {
    if (!(SITE_CONTROL_KEYS as readonly string[]).includes(req.key)) {
      return fail(
        `unknown command "${req.key}" in the topic — ${didYouMean(req.key)}use set/${SITE_CONTROL_KEYS.join(", set/")}`,
      );
    }
    data = { [req.key]: parseBare(text) };
  } else {
    try {
      data = JSON.parse(text);
    } catch {
      return fail(`payload is not JSON: ${clip(text)} — send one of ${ALL_EXAMPLES}`);
    }
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return fail(
      `payload must be a JSON object, got ${clip(JSON.stringify(data) ?? String(data))} — send one of ${ALL_EXAMPLES}`,
    );
  }
  const obj = data as Record<string, unknown>;
  const tx = transactionOf(obj);
  if (!validate(obj)) {
    const errors = validate.errors ?? [];
    const unknown = errors.find((e) => e.keyword === "additionalProperties");
    if (unknown) {
      const key = String((unknown.params as { additionalProperty: string }).additionalProperty);
      return fail(
        `unknown key "${key}" — ${didYouMean(key)}a site command holds one of: ${SITE_CONTROL_KEYS.join(", ")}`,
        tx,
      );
    }
    const bad = errors.find((e) => e.instancePath !== "");
    if (bad)
      return fail(valueProblem(bad.instancePath.slice(1), obj[bad.instancePath.slice(1)], limiter), tx);
    const controls = Object.keys(obj).filter((k) => (SITE_CONTROL_KEYS as readonly string[]).includes(k));
    if (controls.length > 1)
      return fail(
        `send one control per message, got ${controls.join(" and ")} — send them as separate messages`,
        tx,
      );
    return fail(`no command in the payload — send one of ${ALL_EXAMPLES}`, tx);
  }
  const ok = (command: SiteCommand): SiteCommandResult => ({
    ok: true,
    command,
    ...(tx !== undefined ? { transaction: tx } : {}),
  });
  if (obj.export_limit !== undefined) {
    const v = obj.export_limit;
    return ok({ kind: "export_limit", enabled: v === "TOGGLE" ? !limiter.enabled : v === "ON" });
  }
  if (obj.export_limit_target !== undefined) {
    const w = obj.export_limit_target as number;
    const problem = targetProblem(w, limiter);
    return problem ? fail(problem, tx) : ok({ kind: "export_limit_target", watts: w });
  }
  return ok({ kind: "export_limit_mode", mode: obj.export_limit_mode as LimiterSnapshot["mode"] });
}

/** The schedule's override, or undefined when the message is not about it. */
function scheduleCommand(
  req: { payload: string; key?: string; schedule?: ScheduleSnapshot | undefined },
  fail: (what: string, transaction?: Transaction) => SiteCommandResult,
): SiteCommandResult | undefined {
  const text = req.payload.trim();
  let data: unknown;
  if (req.key !== undefined) {
    if (!isScheduleCommand(req.key, undefined)) return undefined;
    data = { schedule_override: parseBare(text) };
  } else {
    try {
      data = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!isScheduleCommand(undefined, data)) return undefined;
  }
  if (!req.schedule)
    return fail(
      "this site has no schedule — add automations.schedule (rules or price) to site.yaml and restart",
    );
  const obj = data as Record<string, unknown>;
  const tx = transactionOf(obj);
  const r = parseScheduleCommand(obj);
  if (!r.ok) return fail(r.error, tx);
  return {
    ok: true,
    command: { kind: "schedule_override", override: r.request },
    ...(tx !== undefined ? { transaction: tx } : {}),
  };
}

function targetProblem(w: number, l: LimiterSnapshot): string | undefined {
  if (!Number.isFinite(w))
    return `export_limit_target: not a finite number — send whole watts between 0 and ${l.maxTargetW}`;
  if (!Number.isInteger(w))
    return `export_limit_target: ${w} is not a whole number of watts — send e.g. ${Math.round(w)}`;
  if (w > l.maxTargetW) {
    return `export_limit_target: ${w} W is above ${l.maxTargetW} W, all the site's inverters can give — send a value between 0 and ${l.maxTargetW}`;
  }
  return undefined;
}

function valueProblem(key: string, value: unknown, l: LimiterSnapshot): string {
  switch (key) {
    case "export_limit": {
      const upper = typeof value === "string" ? value.toUpperCase() : "";
      const hint = ["ON", "OFF", "TOGGLE"].includes(upper) ? `"${upper}" (upper case)` : '"OFF"';
      return `export_limit: expected "ON", "OFF" or "TOGGLE", got ${show(value)} — send e.g. {"export_limit": ${hint}}`;
    }
    case "export_limit_target":
      if (typeof value === "number" && value < 0)
        return `export_limit_target: ${value} W is below 0 — send a value between 0 (zero export) and ${l.maxTargetW}`;
      return `export_limit_target: expected watts as a number, got ${show(value)} — send e.g. {"export_limit_target": 300}`;
    case "export_limit_mode": {
      const m = typeof value === "string" ? closest(value, [...LIMITER_MODES]) : undefined;
      return `export_limit_mode: expected one of ${LIMITER_MODES.join(", ")}, got ${show(value)} — ${m ? `did you mean "${m}"?` : 'send e.g. {"export_limit_mode": "zero_export"}'}`;
    }
    case "transaction":
      return `transaction: expected a string of at most ${MAX_TRANSACTION_CHARS} characters or a number, got ${show(value)} — e.g. "transaction": "abc123"`;
    default:
      return `${key}: unexpected value ${show(value)} — send one of ${ALL_EXAMPLES}`;
  }
}

function didYouMean(key: string): string {
  const match = closest(key, [...SITE_CONTROL_KEYS, "transaction"]);
  return match ? `did you mean "${match}"? ` : "";
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
