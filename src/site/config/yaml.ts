/**
 * YAML reading for site.yaml: syntax errors with line:col, positions of paths for schema and
 * semantic errors, and the one coercion we allow (unquoted serials are numbers in YAML).
 */
import { type Document, isMap, isScalar, LineCounter, parseDocument, visit as visitYaml } from "yaml";
import type { ConfigIssue, PathSegment } from "./issues.ts";

export interface ParsedYaml {
  doc: Document;
  lines: LineCounter;
  data: unknown;
  issues: ConfigIssue[];
}

/** Parse; syntax problems come back as issues (path empty, message with line and column). */
/** What usually causes a parser error in a hand-written site.yaml, and how to fix it (matched on the message). */
const YAML_HINTS: readonly [RegExp, string][] = [
  [/Nested mappings are not allowed/, "a value containing ': ' must be quoted, e.g. name: \"Roof: south\""],
  [/Implicit map keys need to be followed by map values/, "a key is missing its ':' — write `key: value`"],
  [/Missing closing .?quote/, "a quoted value is not closed: add the closing quote"],
  [
    /must start at the same column|bad indentation/i,
    "indent every entry of a section by the same number of spaces",
  ],
  [/Tabs are not allowed/, "YAML does not allow tabs for indentation: use spaces"],
  [/Map keys must be unique/, "the same key appears twice in one section: keep one"],
];

export function readYaml(text: string, file: string): ParsedYaml {
  const lines = new LineCounter();
  // merge: lets users share module values with YAML anchors and `<<: *trina`.
  const doc = parseDocument(text, { lineCounter: lines, merge: true, prettyErrors: true });
  // One error at a time: after the first, the parser's follow-on complaints mostly echo it.
  const first = [...doc.errors, ...doc.warnings].slice(0, 1);
  const issues: ConfigIssue[] = first.map((e) => {
    const pos = e.linePos?.[0];
    // prettyErrors appends " at line L, column C:" and a source excerpt; we print the position ourselves.
    const message = e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, "").trim();
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    const hint = YAML_HINTS.find(([re]) => re.test(message))?.[1];
    const base = { file: where, path: "", message: `YAML syntax: ${message}`, ...(hint ? { hint } : {}) };
    return pos ? { ...base, line: pos.line, col: pos.col } : base;
  });
  if (issues.length > 0) return { doc, lines, data: undefined, issues };
  try {
    return { doc, lines, data: doc.toJS({ maxAliasCount: 1000 }), issues };
  } catch (err) {
    // The parser accepts `*name` before `&name` is set, and aliases that multiply past the count:
    // only turning the document into data finds them, with a ReferenceError that has no position.
    return { doc, lines, data: undefined, issues: [aliasIssue(doc, lines, file, err)] };
  }
}

function aliasIssue(doc: Document, lines: LineCounter, file: string, err: unknown): ConfigIssue {
  let at: { line: number; col: number; name: string } | undefined;
  visitYaml(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) !== undefined || !node.range) return;
      at = { ...lines.linePos(node.range[0]), name: node.source };
      return visitYaml.BREAK;
    },
  });
  if (at)
    return {
      file: `${file}:${at.line}:${at.col}`,
      path: "",
      message: `YAML syntax: *${at.name} refers to no anchor above it`,
      hint: `define &${at.name} before using *${at.name}, or quote the value if * is meant as text`,
      line: at.line,
      col: at.col,
    };
  const first = firstAlias(doc, lines);
  const why = err instanceof Error ? err.message : String(err);
  const base = {
    file: first ? `${file}:${first.line}:${first.col}` : file,
    path: "",
    message: `YAML syntax: ${why}`,
    hint: "write the values out instead of repeating aliases (*name) so many times",
  };
  return first ? { ...base, line: first.line, col: first.col } : base;
}

function firstAlias(doc: Document, lines: LineCounter): { line: number; col: number } | undefined {
  let pos: { line: number; col: number } | undefined;
  visitYaml(doc, {
    Alias(_key, node) {
      if (!node.range) return;
      pos = lines.linePos(node.range[0]);
      return visitYaml.BREAK;
    },
  });
  return pos;
}

/**
 * Line/column of the node at `segments`; with `key`, of the last segment's key instead of its value
 * (for unknown keys). Falls back to the nearest ancestor that exists.
 */
export function locate(
  parsed: Pick<ParsedYaml, "doc" | "lines">,
  segments: readonly PathSegment[],
  key = false,
): { line: number; col: number } | undefined {
  const last = segments[segments.length - 1];
  if (key && last !== undefined) {
    const parent = parsed.doc.getIn(segments.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(last));
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return parsed.lines.linePos(range[0]);
    }
  }
  for (let n = segments.length; n >= 0; n--) {
    const node = n === 0 ? parsed.doc.contents : parsed.doc.getIn(segments.slice(0, n), true);
    const range = (node as { range?: readonly number[] } | null | undefined)?.range;
    if (range?.[0] !== undefined) return parsed.lines.linePos(range[0]);
  }
  return undefined;
}

/** Places where a serial or a panel id is expected: a bare 801000012345 there is a YAML number. */
const STRING_SLOTS: readonly (readonly string[])[] = [
  ["inverters", "*", "serial"],
  ["inverters", "*", "channels", "*"],
  ["branches", "*", "inverters", "*"],
  ["map", "arrays", "*", "cells", "*", "inverter"],
  ["map", "arrays", "*", "cells", "*", "channels", "*"],
  ["automations", "schedule", "rules", "*", "inverters", "*"],
  ["stick", "ecu_id"],
];

/** Turn whole numbers in STRING_SLOTS into strings, in place, so the schema sees "801000012345". */
export function coerceSerials(data: unknown): void {
  for (const slot of STRING_SLOTS) visit(data, slot);
}

function visit(node: unknown, slot: readonly string[]): void {
  if (node === null || typeof node !== "object" || slot.length === 0) return;
  const [head, ...rest] = slot as [string, ...string[]];
  const container = node as Record<string, unknown>;
  const keys = head === "*" ? Object.keys(container) : [head];
  for (const k of keys) {
    if (!(k in container)) continue;
    if (rest.length === 0) {
      const v = container[k];
      if (typeof v === "number" && Number.isInteger(v) && v >= 0) container[k] = String(v);
    } else visit(container[k], rest);
  }
}
