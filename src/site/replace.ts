/**
 * The manual's section 7 (replacing an inverter) for site.yaml: the new unit takes over the old
 * one's map position(s), name, input→panel wiring and branch. The file is edited in place — only
 * the serial scalars (and, where needed, a model override and ids for anonymous inline panels)
 * change; comments and layout stay byte-for-byte. Energy continuation, pairing and retiring the
 * old Home Assistant device are the caller's job, keyed on { oldSerial, newSerial }.
 */
import { type Document, isMap, isScalar, isSeq, type Node, parseDocument, type Scalar } from "yaml";
import { isSerial } from "../protocol/ids.ts";
import { MODELS, type ModelName, modelForSerial } from "../protocol/models.ts";
import { parseConfig } from "./config/index.ts";
import { formatPath, type PathSegment } from "./config/issues.ts";
import { closest } from "./config/suggest.ts";
import type { Input, MapPosition } from "./config/types.ts";

export interface ReplaceChange {
  path: string;
  from: string;
  to: string;
}

export interface ReplaceResult {
  text: string;
  changes: ReplaceChange[];
  oldSerial: string;
  newSerial: string;
  oldModel?: ModelName;
  newModel: ModelName;
  name?: string;
  /** Input → panel id, unchanged by the swap. */
  channels: Partial<Record<Input, string>>;
  positions: MapPosition[];
  branch?: string;
}

/** The replacement cannot be done as asked; nothing was changed. */
export class ReplaceError extends Error {
  override readonly name = "ReplaceError";
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(hint ? `${message} — ${hint}` : message);
  }
}

/** Where a serial can appear in site.yaml. */
const SERIAL_SLOTS: readonly (readonly string[])[] = [
  ["inverters", "*", "serial"],
  ["branches", "*", "inverters", "*"],
  ["map", "arrays", "*", "cells", "*", "inverter"],
  ["automations", "schedule", "rules", "*", "inverters", "*"],
];

interface Edit {
  start: number;
  end: number;
  text: string;
}

export function replaceInverter(
  yamlText: string,
  oldSerial: string,
  newSerial: string,
  fileName = "site.yaml",
): ReplaceResult {
  const config = parseConfig(yamlText, fileName);
  const old = config.inverters.find((i) => i.serial === oldSerial);
  if (!old) {
    const near = closest(
      oldSerial,
      config.inverters.map((i) => i.serial),
    );
    throw new ReplaceError(
      `${oldSerial} is not in ${fileName}`,
      near ? `did you mean ${near}?` : "give the serial of an inverter listed under inverters:",
    );
  }
  if (!isSerial(newSerial)) {
    throw new ReplaceError(
      `new serial: expected 12 digits, got "${newSerial}"`,
      "copy the serial from the new inverter's label",
    );
  }
  const model = modelForSerial(newSerial);
  if (!model) {
    const known = MODELS.map((m) => `${m.model} ${m.prefixes.join("/")}`).join(", ");
    throw new ReplaceError(
      `new serial ${newSerial}: prefix ${newSerial.slice(0, 3)} is not a known model`,
      `known prefixes: ${known}`,
    );
  }
  const clash = config.inverters.find((i) => i.serial === newSerial);
  if (clash)
    throw new ReplaceError(
      `${newSerial} is already in ${fileName} (${clash.path})`,
      "a unit can only be listed once",
    );
  const used = (Object.keys(old.channels) as Input[]).sort();
  const tooHigh = used.filter((i) => "ABCD".indexOf(i) >= model.channels);
  if (tooHigh.length > 0) {
    throw new ReplaceError(
      `a ${model.model} has ${model.channels} inputs, but ${oldSerial} uses ${used.join(", ")}`,
      `use a unit with at least ${"ABCD".indexOf(used[used.length - 1]!) + 1} inputs`,
    );
  }

  const doc = parseDocument(yamlText, { merge: true });
  const edits: Edit[] = [];
  const changes: ReplaceChange[] = [];
  for (const slot of SERIAL_SLOTS) {
    for (const { node, path } of scalarsAt(doc.contents, slot, [])) {
      if (String(node.value) !== oldSerial || !node.range) continue;
      edits.push({ start: node.range[0], end: node.range[1], text: quoteLike(node, newSerial) });
      changes.push({ path: formatPath(path), from: oldSerial, to: newSerial });
    }
  }
  const index = Number(/^inverters\[(\d+)\]$/.exec(old.path)![1]);
  const entry = doc.getIn(["inverters", index], true);
  const modelNode = isMap(entry) ? entry.get("model", true) : undefined;
  if (isScalar(modelNode) && modelNode.range && modelNode.value !== model.model) {
    edits.push({
      start: modelNode.range[0],
      end: modelNode.range[1],
      text: quoteLike(modelNode, model.model),
    });
    changes.push({ path: `${old.path}.model`, from: String(modelNode.value), to: model.model });
  }
  edits.push(...keepInlineIds(doc, oldSerial, yamlText, changes, old.path, index));

  let text = yamlText;
  for (const e of [...edits].sort((x, y) => y.start - x.start))
    text = text.slice(0, e.start) + e.text + text.slice(e.end);
  // Re-validate: the edit must leave a configuration that loads, with the new unit in place.
  const after = parseConfig(text, fileName).inverters.find((i) => i.serial === newSerial);
  if (!after) throw new ReplaceError(`internal: ${newSerial} missing after the edit`, "please report this");

  const result: ReplaceResult = {
    text,
    changes,
    oldSerial,
    newSerial,
    newModel: model.model,
    channels: after.channels,
    positions: after.positions,
  };
  if (old.model) result.oldModel = old.model.model;
  if (old.name !== undefined) result.name = old.name;
  if (old.branch !== undefined) result.branch = old.branch;
  return result;
}

function scalarsAt(
  node: unknown,
  slot: readonly string[],
  path: PathSegment[],
): { node: Scalar; path: PathSegment[] }[] {
  if (slot.length === 0) return isScalar(node) ? [{ node, path }] : [];
  const [head, ...rest] = slot as [string, ...string[]];
  if (isSeq(node)) {
    if (head !== "*") return [];
    return node.items.flatMap((item, i) => scalarsAt(item, rest, [...path, i]));
  }
  if (isMap(node)) {
    return node.items.flatMap((pair) => {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined || (head !== "*" && head !== key)) return [];
      return scalarsAt(pair.value, rest, [...path, key]);
    });
  }
  return [];
}

function quoteLike(node: Scalar, value: string): string {
  if (node.type === "QUOTE_DOUBLE") return `"${value}"`;
  if (node.type === "QUOTE_SINGLE") return `'${value}'`;
  return value;
}

/**
 * Inline panels without an id are named `<serial>-<input>`; give them the old name explicitly so
 * their energy history stays attached when the serial changes.
 */
function keepInlineIds(
  doc: Document,
  oldSerial: string,
  text: string,
  changes: ReplaceChange[],
  invPath: string,
  index: number,
): Edit[] {
  const places: { channels: unknown; path: string }[] = [];
  const inv = doc.getIn(["inverters", index], true);
  if (isMap(inv)) places.push({ channels: inv.get("channels", true), path: `${invPath}.channels` });
  for (const { node, path } of scalarsAt(
    doc.contents,
    ["map", "arrays", "*", "cells", "*", "inverter"],
    [],
  )) {
    if (String(node.value) !== oldSerial) continue;
    const cellPath = path.slice(0, -1);
    const cell = doc.getIn(cellPath, true);
    if (isMap(cell))
      places.push({ channels: cell.get("channels", true), path: `${formatPath(cellPath)}.channels` });
  }
  const edits: Edit[] = [];
  for (const { channels, path } of places) {
    if (!isMap(channels)) continue;
    for (const pair of channels.items) {
      const panel = pair.value as Node | null;
      if (!isMap(panel) || panel.has("id") || !isScalar(pair.key)) continue;
      const first = panel.items[0]?.key as Scalar | undefined;
      if (!first?.range) continue;
      const id = `${oldSerial}-${String(pair.key.value)}`;
      const at = first.range[0];
      const lineStart = text.lastIndexOf("\n", at - 1) + 1;
      const sep = panel.flow ? ", " : `\n${" ".repeat(at - lineStart)}`;
      edits.push({ start: at, end: at, text: `id: "${id}"${sep}` });
      changes.push({ path: `${path}.${String(pair.key.value)}.id`, from: "(derived)", to: id });
    }
  }
  return edits;
}
