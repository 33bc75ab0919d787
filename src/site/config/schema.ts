/**
 * Schema validation of site.yaml with ajv (allErrors), and translation of ajv's errors into
 * sentences a user can act on. The schema file is also what editors use for autocompletion.
 * `x-expected` / `x-hint` in the schema supply the wording ("expected 12 digits", "copy the
 * serial from the inverter label").
 */
import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import { formatPath, type PathSegment, showValue } from "./issues.ts";
import { closest, suggestHint } from "./suggest.ts";

type SchemaNode = Record<string, unknown>;

export const SCHEMA_URL = new URL("../schema/site.schema.json", import.meta.url);
export const siteSchema: SchemaNode = JSON.parse(readFileSync(SCHEMA_URL, "utf8"));

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
ajv.addVocabulary(["x-expected", "x-hint"]);
const validate = ajv.compile(siteSchema);

export interface SchemaProblem {
  segments: PathSegment[];
  /** The problem is the key at `segments` (unknown key), not its value. */
  atKey: boolean;
  message: string;
  hint?: string;
}

export function validateSchema(data: unknown): SchemaProblem[] {
  if (validate(data)) return [];
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const err of validate.errors ?? []) {
    const p = translate(err, data);
    if (!p) continue;
    const id = `${formatPath(p.segments)}|${p.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(p);
  }
  return dropRequiredForTypos(out);
}

/** `serail:` gives "unknown key, did you mean serial" — the "serial: missing" beside it is noise. */
function dropRequiredForTypos(problems: SchemaProblem[]): SchemaProblem[] {
  const typoFor = new Set(
    problems.flatMap((p) => {
      const m = p.atKey ? /^did you mean "(.+)"\?$/.exec(p.hint ?? "") : null;
      return m ? [formatPath([...p.segments.slice(0, -1), m[1]!])] : [];
    }),
  );
  return problems.filter((p) => !(p.message === "missing (required)" && typoFor.has(formatPath(p.segments))));
}

function translate(err: ErrorObject, root: unknown): SchemaProblem | undefined {
  const segments = pointerToSegments(err.instancePath, root);
  const parent = (err.parentSchema ?? {}) as SchemaNode;
  const expected = parent["x-expected"] as string | undefined;
  const hint = parent["x-hint"] as string | undefined;
  const params = err.params as Record<string, unknown>;
  const problem = (message: string, h?: string, at = segments, atKey = false): SchemaProblem =>
    h === undefined ? { segments: at, atKey, message } : { segments: at, atKey, message, hint: h };

  // An invalid key under a map of ids: the inner keyword error (with propertyName) says it all.
  if (err.keyword === "propertyNames") return undefined;
  if (err.propertyName !== undefined) {
    const text = `invalid id ${JSON.stringify(err.propertyName)}`;
    return problem(
      expected ? `${text}: expected ${expected}` : text,
      hint,
      [...segments, err.propertyName],
      true,
    );
  }
  switch (err.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((parent.properties as SchemaNode | undefined) ?? {});
      const near = closest(key, allowed);
      const h = near !== undefined ? `did you mean "${near}"?` : (hint ?? suggestHint(key, allowed));
      return problem(`unknown key "${key}"`, h, [...segments, key], true);
    }
    case "required": {
      const key = String(params.missingProperty);
      const prop = deref((parent.properties as Record<string, SchemaNode> | undefined)?.[key]);
      return problem("missing (required)", (prop?.["x-hint"] as string | undefined) ?? `add "${key}:"`, [
        ...segments,
        key,
      ]);
    }
    case "type":
      return problem(`expected ${expected ?? typeWords(err.schema)}, got ${showValue(err.data)}`, hint);
    case "pattern":
      return problem(
        `expected ${expected ?? `text matching /${String(err.schema)}/`}, got ${showValue(err.data)}`,
        hint,
      );
    case "enum": {
      const allowed = (err.schema as unknown[]).map(String);
      const near = typeof err.data === "string" ? closest(err.data, allowed) : undefined;
      const h = near !== undefined ? `did you mean "${near}"?` : hint;
      return problem(`expected one of ${allowed.join(", ")}, got ${showValue(err.data)}`, h);
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const cmp = { minimum: "≥", maximum: "≤", exclusiveMinimum: ">", exclusiveMaximum: "<" }[err.keyword];
      return problem(
        `expected ${expected ?? `a number ${cmp} ${String(err.schema)}`}, got ${showValue(err.data)}`,
        hint,
      );
    }
    case "minLength":
      return problem("expected a non-empty text", hint);
    case "uniqueItems": {
      const list = err.data as unknown[];
      return problem(`${showValue(list[Number(params.j)])} is listed twice`, "list each entry once");
    }
    default:
      return problem(err.message ?? `fails "${err.keyword}"`, hint);
  }
}

function typeWords(type: unknown): string {
  const words: Record<string, string> = {
    string: "text",
    number: "a number",
    integer: "a whole number",
    object: "a mapping (key: value)",
    array: "a list",
    boolean: "true or false",
    null: "nothing",
  };
  const list = (Array.isArray(type) ? type : [type]).map((t) => words[String(t)] ?? String(t));
  return list.join(" or ");
}

function deref(node: SchemaNode | undefined): SchemaNode | undefined {
  const ref = node?.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return node;
  let cur: unknown = siteSchema;
  for (const part of ref.slice(2).split("/")) cur = (cur as SchemaNode | undefined)?.[part];
  return cur as SchemaNode | undefined;
}

/** JSON pointer → path segments, with numbers for array indices (looked up in the data). */
function pointerToSegments(pointer: string, root: unknown): PathSegment[] {
  if (pointer === "") return [];
  const segments: PathSegment[] = [];
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const seg: PathSegment = Array.isArray(cur) ? Number(key) : key;
    segments.push(seg);
    cur = (cur as Record<string, unknown> | undefined)?.[String(seg)];
  }
  return segments;
}
