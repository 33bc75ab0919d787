/**
 * `automations.schedule` from site.yaml → rules the core can evaluate, and every problem with them as
 * what / where / how to fix. The same checks serve the config loader (issues with YAML paths) and the
 * core's constructor (a RangeError), so a schedule built by hand (Node-RED, tests) is held to the same rules.
 *
 * A rule with only `at` is an event: from that moment its action holds until another rule's moment. A rule
 * with `at` and `until` is a window: its action holds inside it, and outside it the other rules decide.
 */
import type { ModelInfo } from "../protocol/models.ts";
import type { ScheduleRule, ScheduleSettings } from "./config/types.ts";

export type TimeSpec =
  | { kind: "clock"; minute: number }
  | { kind: "sun"; event: "sunrise" | "sunset"; offsetMin: number };

export type RuleAction = "off" | "on" | "limit";

export interface CompiledRule {
  index: number;
  /** `name` from the file, else "rules[2]". */
  name: string;
  at: TimeSpec;
  atText: string;
  until?: TimeSpec;
  untilText?: string;
  /** Weekdays (0 = Sunday) the rule starts on; undefined = every day. */
  days?: ReadonlySet<number>;
  action: RuleAction;
  /** For `limit`: W per panel (QS1, YC600) or per inverter (DS3), like the max_power control. */
  limitW?: number;
  /** Serials it applies to; undefined = every inverter. */
  inverters?: ReadonlySet<string>;
}

export interface PriceRule {
  entity: string;
  /** Cut when the price is below this (the entity's unit, e.g. €/kWh). */
  below: number;
  /** Run again only once the price is at least below + hysteresis. */
  hysteresis: number;
  action: "off" | "limit";
  limitW?: number;
  minOnMs: number;
  minOffMs: number;
}

export interface CompiledSchedule {
  rules: CompiledRule[];
  price?: PriceRule;
}

export interface ScheduleProblem {
  /** YAML path, e.g. `automations.schedule.rules[2].at`. */
  path: string;
  message: string;
  hint: string;
}

/** What the checks need to know about the site. */
export interface ScheduleContext {
  inverters: readonly { serial: string; model?: ModelInfo }[];
  /** site.latitude and site.longitude are both set (sunrise/sunset need them). */
  hasPosition: boolean;
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const ROOT = "automations.schedule";
const TIME_HINT =
  'write "HH:MM" (24 h, e.g. "22:00"), "sunrise" or "sunset", with an optional offset like "sunset-00:30" or "sunrise+45m"';
const TIME_RE = /^(?:(\d{2}):(\d{2})|(sunrise|sunset)(?:([+-])(?:(\d{1,2}):(\d{2})|(\d+)(m|h)))?)$/;

/** "22:00" | "sunset-00:30" | "sunrise+45m" | "sunset+1h" → a TimeSpec, or the reason it is not one. */
export function parseTime(text: string): TimeSpec | string {
  const m = TIME_RE.exec(text.trim());
  if (!m) return `"${text}" is not a time`;
  if (m[1] !== undefined) {
    const h = Number(m[1]);
    const min = Number(m[2]);
    if (h > 23 || min > 59) return `"${text}" is not a time of day (00:00–23:59)`;
    return { kind: "clock", minute: h * 60 + min };
  }
  const event = m[3] as "sunrise" | "sunset";
  let offsetMin = 0;
  if (m[4] !== undefined) {
    if (m[5] !== undefined) {
      if (Number(m[6]) > 59) return `"${text}": the offset's minutes must be 00–59`;
      offsetMin = Number(m[5]) * 60 + Number(m[6]);
    } else offsetMin = Number(m[7]) * (m[8] === "h" ? 60 : 1);
    if (m[4] === "-") offsetMin = -offsetMin;
  }
  if (Math.abs(offsetMin) >= 12 * 60) return `"${text}": an offset from ${event} must be under 12 hours`;
  return { kind: "sun", event, offsetMin };
}

/** Every problem with the settings, in file order; empty when the core can use them. */
export function checkSchedule(s: ScheduleSettings, ctx: ScheduleContext): ScheduleProblem[] {
  const out: ScheduleProblem[] = [];
  const add = (path: string, message: string, hint: string) => out.push({ path, message, hint });
  const models = new Map(ctx.inverters.map((i) => [i.serial, i.model]));
  const known = () => [...models.keys()].join(", ") || "none configured";
  const names = new Map<string, number>();
  (s.rules ?? []).forEach((rule, i) => {
    const at = `${ROOT}.rules[${i}]`;
    const checkTime = (key: "at" | "until", text: unknown) => {
      if (typeof text !== "string") {
        add(`${at}.${key}`, key === "at" ? "missing: when the rule starts" : "must be text", TIME_HINT);
        return undefined;
      }
      const t = parseTime(text);
      if (typeof t === "string") add(`${at}.${key}`, t, TIME_HINT);
      else if (t.kind === "sun" && !ctx.hasPosition)
        add(`${at}.${key}`, `"${text}" needs the site's position`, "set site.latitude and site.longitude");
      return typeof t === "string" ? undefined : t;
    };
    const start = checkTime("at", rule.at);
    if (rule.until !== undefined) {
      const end = checkTime("until", rule.until);
      if (start && end && start.kind === "clock" && end.kind === "clock" && start.minute === end.minute)
        add(
          `${at}.until`,
          `is the same time as at (${rule.at}): the window would be empty`,
          "set another end time, or remove until to make the rule last until the next rule",
        );
    }
    if (rule.name !== undefined) {
      const first = names.get(rule.name);
      if (first !== undefined)
        add(
          `${at}.name`,
          `"${rule.name}" is also the name of rules[${first}]`,
          "give each rule its own name: reasons and logs quote it",
        );
      else names.set(rule.name, i);
    }
    if (!["off", "on", "limit"].includes(rule.action as string))
      add(
        `${at}.action`,
        `expected off, on or limit, got ${JSON.stringify(rule.action)}`,
        "off stops the inverters, on gives full power, limit caps them at limit_w",
      );
    if (rule.days !== undefined) {
      if (rule.days.length === 0)
        add(
          `${at}.days`,
          "is an empty list: the rule would never run",
          "list days like [mon, tue] or remove days for every day",
        );
      rule.days.forEach((d, j) => {
        if (!(DAYS as readonly string[]).includes(d))
          add(
            `${at}.days[${j}]`,
            `unknown day ${JSON.stringify(d)}`,
            "use mon, tue, wed, thu, fri, sat, sun",
          );
      });
    }
    const targets = rule.inverters ?? [...models.keys()];
    rule.inverters?.forEach((serial, j) => {
      if (!models.has(serial))
        add(
          `${at}.inverters[${j}]`,
          `unknown inverter ${serial}`,
          `use serials from inverters: (${known()})`,
        );
    });
    checkLimit(add, at, rule.action, rule.limitW, targets, models);
  });
  if (s.price) {
    const at = `${ROOT}.price`;
    const p = s.price;
    if (typeof p.entity !== "string" || !/^[a-z_]+\.[a-z0-9_]+$/.test(p.entity))
      add(
        `${at}.entity`,
        `expected an entity id, got ${JSON.stringify(p.entity)}`,
        "use the price sensor's entity id, like sensor.nordpool_kwh_nl_eur",
      );
    if (p.below !== undefined && !Number.isFinite(p.below))
      add(`${at}.below`, "must be a number", "the price (in the entity's unit) under which to cut, e.g. 0");
    if (p.hysteresis !== undefined && !(Number.isFinite(p.hysteresis) && p.hysteresis >= 0))
      add(
        `${at}.hysteresis`,
        `must be a number ≥ 0, got ${p.hysteresis}`,
        "e.g. 0.01: run again only once the price is 0.01 above below",
      );
    for (const key of ["minOnMinutes", "minOffMinutes"] as const) {
      const v = p[key];
      if (v !== undefined && !(Number.isFinite(v) && v >= 0))
        add(
          `${at}.${key === "minOnMinutes" ? "min_on_minutes" : "min_off_minutes"}`,
          `must be a number of minutes ≥ 0, got ${v}`,
          "e.g. 15",
        );
    }
    checkLimit(add, at, p.action ?? "off", p.limitW, [...models.keys()], models);
  }
  return out;
}

function checkLimit(
  add: (path: string, message: string, hint: string) => void,
  at: string,
  action: string | undefined,
  limitW: number | undefined,
  serials: readonly string[],
  models: ReadonlyMap<string, ModelInfo | undefined>,
): void {
  if (action === "limit" && limitW === undefined) {
    add(
      `${at}.limit_w`,
      "missing for action: limit",
      "set the limit in W per panel (QS1, YC600) or per inverter (DS3)",
    );
    return;
  }
  if (limitW === undefined) return;
  if (action !== "limit") {
    add(
      `${at}.limit_w`,
      `is only used with action: limit (this is action: ${action})`,
      "remove limit_w or set action: limit",
    );
    return;
  }
  if (!(Number.isFinite(limitW) && limitW >= 0)) {
    add(`${at}.limit_w`, `must be a number of W ≥ 0, got ${limitW}`, "e.g. 100");
    return;
  }
  const seen = new Set<string>();
  for (const serial of serials) {
    const m = models.get(serial);
    if (!m || seen.has(m.model)) continue;
    seen.add(m.model);
    const [lo, hi] = m.limitRangeW;
    const per = m.limitPer === "panel" ? "per panel" : "per inverter";
    if (limitW < lo || limitW > hi)
      add(
        `${at}.limit_w`,
        `${limitW} W is outside the ${m.model}'s range ${lo}–${hi} W ${per} (inverter ${serial})`,
        limitW < lo
          ? "use action: off to stop it, or a limit within the range"
          : `use at most ${hi} W, or action: on for full power`,
      );
  }
}

/** Settings → rules; throws a RangeError listing every problem (the config loader reports them first). */
export function compileSchedule(s: ScheduleSettings, ctx: ScheduleContext): CompiledSchedule {
  const problems = checkSchedule(s, ctx);
  if (problems.length > 0)
    throw new RangeError(
      `schedule: ${problems.map((p) => `${p.path}: ${p.message} — ${p.hint}`).join("; ")}`,
    );
  const rules = (s.rules ?? []).map((r, index) => compileRule(r, index));
  const out: CompiledSchedule = { rules };
  if (s.price) {
    const p = s.price;
    out.price = {
      entity: p.entity,
      below: p.below ?? 0,
      hysteresis: p.hysteresis ?? 0,
      action: p.action ?? "off",
      minOnMs: (p.minOnMinutes ?? 0) * 60_000,
      minOffMs: (p.minOffMinutes ?? 0) * 60_000,
    };
    if (p.limitW !== undefined) out.price.limitW = p.limitW;
  }
  return out;
}

function compileRule(r: ScheduleRule, index: number): CompiledRule {
  const rule: CompiledRule = {
    index,
    name: r.name ?? `rules[${index}]`,
    at: parseTime(r.at) as TimeSpec,
    atText: r.at,
    action: r.action,
  };
  if (r.until !== undefined) {
    rule.until = parseTime(r.until) as TimeSpec;
    rule.untilText = r.until;
  }
  if (r.days !== undefined) rule.days = new Set(r.days.map((d) => (DAYS as readonly string[]).indexOf(d)));
  if (r.limitW !== undefined) rule.limitW = r.limitW;
  if (r.inverters !== undefined) rule.inverters = new Set(r.inverters);
  return rule;
}
