/**
 * Commands arriving on `<base>/<name>/set` (JSON) and `<base>/<name>/set/<key>` (bare value), validated
 * before anything reaches the radio: first against the published JSON Schema (schema/command.schema.json,
 * ajv strict, no extra keys), then against the inverter's model (max_power range, which the schema cannot
 * know). The result is a typed Command or an error that says what is wrong, where, and how to fix it.
 *
 * Retained commands are refused: Home Assistant never retains commands, so a retained `set` is a stale
 * replay (e.g. an old `mosquitto_pub -r`), and acting on it would repeat it at every start. The refusal
 * covers one seen at startup and one published retained while running (set-handler.ts finds those).
 */
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import type { ModelInfo } from "../protocol/models.ts";
import { closest } from "../site/config/suggest.ts";
import { type ControlCommand, INVERTER_ENTITIES } from "./catalog/index.ts";

export const COMMAND_SCHEMA_URL = new URL("./schema/command.schema.json", import.meta.url);
export const commandSchema: Record<string, unknown> = JSON.parse(readFileSync(COMMAND_SCHEMA_URL, "utf8"));

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(commandSchema);

/** The keys a command may hold — the catalog's control entities — and the radio command each one sends. */
export const CONTROL_KEYS: ReadonlyMap<string, ControlCommand> = new Map(
  INVERTER_ENTITIES.flatMap((d) => (d.control ? [[d.key, d.control.command] as const] : [])),
);

export type Command =
  /** W per panel (QS1/YC600) or per inverter (DS3), as `per` says. */
  | { kind: "max_power"; watts: number; per: "panel" | "inverter" }
  | { kind: "on_off"; on: boolean }
  | { kind: "poll" }
  | { kind: "read_grid_profile" };

export interface CommandRequest {
  /** The topic it arrived on; error messages start with it. */
  topic: string;
  payload: string | Uint8Array;
  retained: boolean;
  /** The `<key>` of `/set/<key>`: the payload is then a bare value. */
  key?: string;
  model: ModelInfo;
  /** The inverter's current output state, needed to resolve TOGGLE. */
  on?: boolean;
}

export type Transaction = string | number;

/** Longest transaction id we accept (and echo): enough for a UUID, a counter or a short label. */
export const MAX_TRANSACTION_CHARS = 64;

/** The refusal of a retained command, with the way to clear it from the broker. */
export function retainedRefusal(topic: string): string {
  return (
    `${topic}: refused a retained command — commands must be published without the retain flag (a retained one ` +
    `would replay at every restart); clear it with: mosquitto_pub -r -n -t '${topic}'`
  );
}

/** The transaction id to echo: only one we accept (an over-long one is refused, not sent back). */
export function transactionOf(obj: Record<string, unknown>): Transaction | undefined {
  const t = obj.transaction;
  return (typeof t === "string" && t.length <= MAX_TRANSACTION_CHARS) || typeof t === "number"
    ? t
    : undefined;
}

export type CommandResult =
  | { ok: true; command: Command; transaction?: Transaction }
  | { ok: false; error: string; transaction?: Transaction };

const EXAMPLES: Record<string, string> = {
  max_power: "300",
  state: '"OFF"',
  poll: "true",
  read_grid_profile: "true",
};
const BARE_EXAMPLES: Record<string, string> = {
  max_power: "300",
  state: "OFF",
  poll: "true",
  read_grid_profile: "true",
};
const example = (key: string) => `{"${key}": ${EXAMPLES[key] ?? "…"}}`;
const ALL_EXAMPLES = [...CONTROL_KEYS.keys()].map(example).join(", ");

export function validateCommand(req: CommandRequest): CommandResult {
  const fail = (what: string, transaction?: Transaction): CommandResult => ({
    ok: false,
    error: `${req.topic}: ${what}`,
    ...(transaction !== undefined ? { transaction } : {}),
  });
  if (req.retained) return { ok: false, error: retainedRefusal(req.topic) };
  const text = (typeof req.payload === "string" ? req.payload : new TextDecoder().decode(req.payload)).trim();
  let data: unknown;
  if (req.key !== undefined) {
    if (!CONTROL_KEYS.has(req.key)) {
      return fail(
        `unknown command "${req.key}" in the topic — ${didYouMean(req.key)}use set/${[...CONTROL_KEYS.keys()].join(", set/")}`,
      );
    }
    const value = parseBare(text);
    if (typeof value === "object" && value !== null) {
      return fail(`this topic takes a bare value, got ${show(value)} — send e.g. ${BARE_EXAMPLES[req.key]}`);
    }
    data = { [req.key]: value };
  } else {
    if (text === "") return fail(`empty payload — send one of ${ALL_EXAMPLES}`);
    try {
      data = JSON.parse(text);
    } catch {
      return fail(
        `payload is not JSON: ${text.length > 60 ? `${text.slice(0, 57)}…` : text} — send e.g. {"max_power": 300}, ` +
          `or publish a bare value to ${req.topic}/<key>`,
      );
    }
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return fail(`payload must be a JSON object, got ${show(data)} — send one of ${ALL_EXAMPLES}`);
  }
  const obj = data as Record<string, unknown>;
  const tx = transactionOf(obj);
  if (!validate(obj)) return fail(explain(validate.errors ?? [], obj, req.model), tx);

  const result = (command: Command): CommandResult => ({
    ok: true,
    command,
    ...(tx !== undefined ? { transaction: tx } : {}),
  });
  if (obj.max_power !== undefined) {
    const watts = obj.max_power as number;
    const problem = rangeProblem(watts, req.model);
    return problem ? fail(problem, tx) : result({ kind: "max_power", watts, per: req.model.limitPer });
  }
  if (obj.state !== undefined) {
    if (obj.state === "TOGGLE") {
      if (req.on === undefined) {
        return fail(
          'state: TOGGLE needs the current output state, which is not known yet — send "ON" or "OFF"',
          tx,
        );
      }
      return result({ kind: "on_off", on: !req.on });
    }
    return result({ kind: "on_off", on: obj.state === "ON" });
  }
  if (obj.read_grid_profile !== undefined) return result({ kind: "read_grid_profile" });
  return result({ kind: "poll" });
}

/** The model's max_power range, in words; undefined when `watts` is inside it. */
export function rangeProblem(watts: number, model: ModelInfo): string | undefined {
  const [min, max] = model.limitRangeW;
  if (watts >= min && watts <= max) return undefined;
  const side = watts > max ? `above ${max}` : `below ${min}`;
  return `max_power: ${watts} is ${side} W per ${model.limitPer} for ${model.model} — send a value between ${min} and ${max}`;
}

/** The most useful sentence for ajv's errors: unknown keys first, then bad values, then the one-control rule. */
function explain(errors: ErrorObject[], obj: Record<string, unknown>, model: ModelInfo): string {
  const unknown = errors.find((e) => e.keyword === "additionalProperties");
  if (unknown) {
    const key = String((unknown.params as { additionalProperty: string }).additionalProperty);
    return `unknown key "${key}" — ${didYouMean(key)}a command holds one of: ${[...CONTROL_KEYS.keys()].join(", ")}`;
  }
  const bad = errors.find((e) => e.instancePath !== "");
  if (bad) return valueProblem(bad.instancePath.slice(1), obj[bad.instancePath.slice(1)], model);
  const controls = Object.keys(obj).filter((k) => CONTROL_KEYS.has(k));
  if (controls.length > 1) {
    return `send one control per message, got ${controls.join(" and ")} — send them as separate messages`;
  }
  return `no command in the payload — send one of ${ALL_EXAMPLES}`;
}

function valueProblem(key: string, value: unknown, model: ModelInfo): string {
  switch (key) {
    case "max_power":
      if (typeof value === "number" && Number.isInteger(value)) return rangeProblem(value, model) ?? "";
      if (typeof value === "number" && !Number.isFinite(value)) {
        // JSON numbers beyond ±1.8e308 (e.g. 1e400) parse as ±Infinity.
        const [min, max] = model.limitRangeW;
        return `max_power: not a finite number (JSON numbers beyond ±1.8e308, such as 1e400, read as infinity) — send a whole number of watts between ${min} and ${max} (per ${model.limitPer} for ${model.model}), e.g. {"max_power": 300}`;
      }
      if (typeof value === "number") {
        return `max_power: ${value} is not a whole number of watts — send e.g. {"max_power": ${Math.round(value)}}`;
      }
      return `max_power: expected a whole number of watts, got ${show(value)} — send e.g. {"max_power": 300}`;
    case "state": {
      const upper = typeof value === "string" ? value.toUpperCase() : "";
      const hint = ["ON", "OFF", "TOGGLE"].includes(upper)
        ? `{"state": "${upper}"} (upper case)`
        : '{"state": "OFF"}';
      return `state: expected "ON", "OFF" or "TOGGLE", got ${show(value)} — send e.g. ${hint}`;
    }
    case "poll":
      return `poll: expected true, got ${show(value)} — send {"poll": true}`;
    case "transaction":
      if (typeof value === "string") {
        return `transaction: ${value.length} characters is longer than the ${MAX_TRANSACTION_CHARS} allowed — use a shorter id, e.g. "transaction": "abc123"`;
      }
      return `transaction: expected a string or a number, got ${show(value)} — e.g. "transaction": "abc123"`;
    default:
      return `${key}: expected a string or a number, got ${show(value)} — e.g. "transaction": "abc123"`;
  }
}

function didYouMean(key: string): string {
  const match = closest(key, [...CONTROL_KEYS.keys(), "transaction"]);
  return match ? `did you mean "${match}"? ` : "";
}

/** A bare value: JSON when it parses (300, true, "ON"), else the text itself (ON, poll). */
export function parseBare(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function show(v: unknown): string {
  const s =
    typeof v === "string" && !v.startsWith('"') ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  const label = Array.isArray(v) ? " (an array)" : v === null ? "" : ` (${typeof v})`;
  return (s.length > 60 ? `${s.slice(0, 57)}…` : s) + label;
}
