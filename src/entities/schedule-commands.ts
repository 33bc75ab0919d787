/**
 * The schedule's override on `<base>/site/set` (JSON) and `<base>/site/set/schedule_override` (a bare
 * mode), validated before anything happens: the published JSON Schema first
 * (schema/schedule-command.schema.json, ajv strict, no extra keys), then what it cannot know (limit_w
 * required for limit, `until` a readable time).
 */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import type { OverrideRequest } from "../automations/schedule/module.ts";

export const SCHEDULE_COMMAND_SCHEMA_URL = new URL("./schema/schedule-command.schema.json", import.meta.url);
export const scheduleCommandSchema: Record<string, unknown> = JSON.parse(
  readFileSync(SCHEDULE_COMMAND_SCHEMA_URL, "utf8"),
);
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
  scheduleCommandSchema,
);

const EXAMPLE =
  '{"schedule_override": "off"} or {"schedule_override": {"mode": "limit", "limit_w": 100, "until": "2026-06-21T14:00:00+02:00"}}';

/** Does this message concern the schedule (so the limiter's validation does not see it)? */
export function isScheduleCommand(key: string | undefined, data: unknown): boolean {
  if (key !== undefined) return key === "schedule_override";
  return typeof data === "object" && data !== null && !Array.isArray(data) && "schedule_override" in data;
}

/** The parsed payload → the override, or what is wrong and how to fix it. */
export function parseScheduleCommand(
  data: Record<string, unknown>,
): { ok: true; request: OverrideRequest } | { ok: false; error: string } {
  if (!validate(data)) {
    const errors = validate.errors ?? [];
    const extra = errors.find((e) => e.keyword === "additionalProperties");
    if (extra) {
      const k = String((extra.params as { additionalProperty: string }).additionalProperty);
      return {
        ok: false,
        error: `unknown key "${k}" — a schedule override holds mode, limit_w, until, by; send e.g. ${EXAMPLE}`,
      };
    }
    const v = (data as Record<string, unknown>).schedule_override;
    if (v === "limit")
      return {
        ok: false,
        error: `schedule_override: limit needs limit_w — send {"schedule_override": {"mode": "limit", "limit_w": 100}}`,
      };
    return {
      ok: false,
      error: `schedule_override: expected auto, on, off or {mode, limit_w, until}, got ${clip(JSON.stringify(v) ?? String(v))} — send e.g. ${EXAMPLE}`,
    };
  }
  const v = data.schedule_override as
    | string
    | { mode: OverrideRequest["mode"]; limit_w?: number; until?: string; by?: string };
  if (typeof v === "string") return { ok: true, request: { mode: v as OverrideRequest["mode"] } };
  const r: OverrideRequest = { mode: v.mode };
  if (v.mode === "limit") {
    if (v.limit_w === undefined)
      return {
        ok: false,
        error: `schedule_override: limit needs limit_w (W per panel for QS1/YC600, per inverter for DS3) — send {"schedule_override": {"mode": "limit", "limit_w": 100}}`,
      };
    r.limitW = v.limit_w;
  } else if (v.limit_w !== undefined) {
    return {
      ok: false,
      error: `schedule_override: limit_w goes only with mode limit, got mode ${v.mode} — leave limit_w out or use mode limit`,
    };
  }
  if (v.until !== undefined) {
    // A bare time would be read in the controller's zone, not the site's: ask for the offset.
    const ms = /(Z|[+-]\d\d:?\d\d)$/.test(v.until) ? Date.parse(v.until) : Number.NaN;
    if (!Number.isFinite(ms))
      return {
        ok: false,
        error: `schedule_override: until "${clip(v.until)}" is not a time with its offset — send ISO 8601 like "2026-06-21T14:00:00+02:00"`,
      };
    r.untilMs = ms;
  }
  if (v.by !== undefined) r.by = v.by;
  return { ok: true, request: r };
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
