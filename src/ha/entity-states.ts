/**
 * HA's compressed entity states (websocket `subscribe_entities`), applied to our map of HaEntityState:
 *   {"a": {id: {s, a, c, lc, lu?}}}            add or full state (lu only when it differs from lc)
 *   {"c": {id: {"+": {s?, a?, c?, lc?, lu?},    change: new state, added or changed attributes,
 *                "-": {a: [names]}}}}           and attribute names that went away
 *   {"r": [id]}                                 removed
 * Times are seconds since the epoch. An unchanged entity keeps its object, so callers can compare by
 * identity to find what changed (HA re-sends every state on each new subscription).
 */
import { isJsonObject } from "../json.ts";
import type { HaEntityState } from "./types.ts";

interface Compressed {
  s?: string;
  a?: Record<string, unknown>;
  /** Context: an id, or {id, parent_id, user_id}; not kept. */
  c?: unknown;
  lc?: number;
  lu?: number;
}

export interface EntityEvent {
  a?: Record<string, Compressed>;
  c?: Record<string, { "+"?: Compressed; "-"?: { a?: string[] } }>;
  r?: string[];
}

/**
 * Applies one event in place; returns the ids whose state object was replaced or removed. HA's own events
 * always have these shapes; anything else (a state that is not text, attributes that are not a mapping) is
 * skipped whole, entry by entry, and described in `problems`, so garbage never becomes a state ([5] is not
 * "5").
 */
export function applyEntityEvent(
  states: Map<string, HaEntityState>,
  ev: EntityEvent | unknown,
  problems: string[] = [],
): string[] {
  const changed: string[] = [];
  if (!isJsonObject(ev)) {
    problems.push(`an entity event that is not an object (${clip(ev)})`);
    return changed;
  }
  for (const [id, c] of entries(ev.a, "a", problems)) {
    const bad = compressedProblem(c);
    if (bad) {
      problems.push(`${id}: ${bad}`);
      continue;
    }
    const full = c as Compressed;
    const next: HaEntityState = {
      entityId: id,
      state: full.s ?? "",
      attributes: { ...(full.a ?? {}) },
      lastUpdatedMs: toMs(full.lu ?? full.lc),
    };
    const prev = states.get(id);
    if (prev && same(prev, next)) continue;
    states.set(id, next);
    changed.push(id);
  }
  for (const [id, d] of entries(ev.c, "c", problems)) {
    const prev = states.get(id);
    if (!prev) continue; // a change for an entity we never saw whole: HA sends an add first
    const bad = changeProblem(d);
    if (bad) {
      problems.push(`${id}: ${bad}`);
      continue;
    }
    const change = d as { "+"?: Compressed; "-"?: { a?: string[] } };
    const plus = change["+"] ?? {};
    const attributes = { ...prev.attributes, ...(plus.a ?? {}) };
    for (const name of change["-"]?.a ?? []) delete attributes[name];
    const at = plus.lc ?? plus.lu;
    states.set(id, {
      entityId: id,
      state: plus.s === undefined ? prev.state : plus.s,
      attributes,
      lastUpdatedMs: at === undefined ? prev.lastUpdatedMs : toMs(at),
    });
    changed.push(id);
  }
  if (ev.r !== undefined) {
    if (!Array.isArray(ev.r) || !ev.r.every((id) => typeof id === "string"))
      problems.push(`a removal that is not a list of entity ids (${clip(ev.r)})`);
    else for (const id of ev.r) if (states.delete(id)) changed.push(id);
  }
  return changed;
}

/** The id → value pairs of section `a` or `c`, or none (with a problem) when it is not a mapping. */
function entries(section: unknown, name: string, problems: string[]): [string, unknown][] {
  if (section === undefined) return [];
  if (!isJsonObject(section)) {
    problems.push(`"${name}" is not a mapping of entity ids (${clip(section)})`);
    return [];
  }
  return Object.entries(section);
}

/** What is wrong with a compressed state (or the "+" of a change), if anything. */
function compressedProblem(c: unknown): string | undefined {
  if (!isJsonObject(c)) return `a state that is not an object (${clip(c)})`;
  if (c.s !== undefined && typeof c.s !== "string") return `a state value that is not text (${clip(c.s)})`;
  if (c.a !== undefined && !isJsonObject(c.a)) return `attributes that are not a mapping (${clip(c.a)})`;
  for (const t of [c.lc, c.lu])
    if (t !== undefined && typeof t !== "number") return `a time that is not a number (${clip(t)})`;
  return undefined;
}

function changeProblem(d: unknown): string | undefined {
  if (!isJsonObject(d)) return `a change that is not an object (${clip(d)})`;
  if (d["+"] !== undefined) {
    const bad = compressedProblem(d["+"]);
    if (bad) return bad;
  }
  const minus = d["-"];
  if (minus === undefined) return undefined;
  const names = isJsonObject(minus) ? minus.a : undefined;
  if (
    !isJsonObject(minus) ||
    (names !== undefined && !(Array.isArray(names) && names.every((n) => typeof n === "string")))
  )
    return `removed attributes that are not a list of names (${clip(isJsonObject(minus) ? names : minus)})`;
  return undefined;
}

function clip(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

const toMs = (s: number | undefined) => (typeof s === "number" ? Math.floor(s * 1000) : 0);

function same(x: HaEntityState, y: HaEntityState): boolean {
  return (
    x.state === y.state &&
    x.lastUpdatedMs === y.lastUpdatedMs &&
    JSON.stringify(x.attributes) === JSON.stringify(y.attributes)
  );
}
