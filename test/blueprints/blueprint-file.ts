/**
 * Reading our blueprints the way Home Assistant does: YAML with the `!input <name>` tag, then the
 * blueprint metadata checked against the rules of HA core's homeassistant/components/blueprint/schemas.py
 * (BLUEPRINT_SCHEMA, BLUEPRINT_INPUT_SCHEMA, BLUEPRINT_INPUT_SECTION_SCHEMA, version_validator,
 * unique_input_validator), transcribed as checks here — not HA's code.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, parseDocument, type ScalarTag } from "yaml";

export const BLUEPRINT_DIR = "blueprints/automation/localecu";

/** One `!input name` in the body. */
export class InputRef {
  constructor(readonly name: string) {}
}

const inputTag: ScalarTag = {
  tag: "!input",
  identify: (v) => v instanceof InputRef,
  resolve: (s) => new InputRef(s),
};

export interface Blueprint {
  file: string;
  doc: Record<string, unknown>;
  meta: Record<string, unknown>;
  /** Declared inputs (sections flattened), by name. */
  inputs: Map<string, Record<string, unknown>>;
  /** Every `!input` in the file, in order. */
  refs: string[];
}

export function blueprintFiles(root: string): string[] {
  return readdirSync(join(root, BLUEPRINT_DIR))
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => join(BLUEPRINT_DIR, f));
}

export function readBlueprint(root: string, file: string): Blueprint {
  const text = readFileSync(join(root, file), "utf8");
  const parsed = parseDocument(text, { customTags: [inputTag] });
  if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors.map((e) => e.message).join("; ")}`);
  if (!isMap(parsed.contents)) throw new Error(`${file}: the top level is not a mapping`);
  const doc = parsed.toJS() as Record<string, unknown>;
  const meta = (doc.blueprint ?? {}) as Record<string, unknown>;
  const refs: string[] = [];
  collectRefs(doc, refs);
  const inputs = new Map<string, Record<string, unknown>>();
  for (const [key, value] of Object.entries((meta.input ?? {}) as Record<string, unknown>)) {
    const v = (value ?? {}) as Record<string, unknown>;
    if (isSection(v))
      for (const [k, inner] of Object.entries(v.input as Record<string, unknown>))
        inputs.set(k, (inner ?? {}) as Record<string, unknown>);
    else inputs.set(key, v);
  }
  // A scalar `!input` with no name would be read as an empty string; say so.
  if (refs.some((r) => r === "")) throw new Error(`${file}: an !input without a name`);
  return { file, doc, meta, inputs, refs };
}

/** HA tells a section from an input by its `input` key (BLUEPRINT_INPUT_SECTION_SCHEMA). */
export function isSection(v: Record<string, unknown>): boolean {
  return "input" in v;
}

function collectRefs(node: unknown, out: string[]): void {
  if (node instanceof InputRef) out.push(node.name);
  else if (Array.isArray(node)) for (const n of node) collectRefs(n, out);
  else if (node && typeof node === "object")
    for (const v of Object.values(node as Record<string, unknown>)) collectRefs(v, out);
}
