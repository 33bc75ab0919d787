/**
 * HA's compressed entity states (websocket `subscribe_entities`), applied to our map of HaEntityState:
 *   {"a": {id: {s, a, c, lc, lu?}}}            add or full state (lu only when it differs from lc)
 *   {"c": {id: {"+": {s?, a?, c?, lc?, lu?},    change: new state, added or changed attributes,
 *                "-": {a: [names]}}}}           and attribute names that went away
 *   {"r": [id]}                                 removed
 * Times are seconds since the epoch. An unchanged entity keeps its object, so callers can compare by
 * identity to find what changed (HA re-sends every state on each new subscription).
 */
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

/** Applies one event in place; returns the ids whose state object was replaced or removed. */
export function applyEntityEvent(states: Map<string, HaEntityState>, ev: EntityEvent): string[] {
  const changed: string[] = [];
  for (const [id, c] of Object.entries(ev.a ?? {})) {
    const next: HaEntityState = {
      entityId: id,
      state: String(c.s ?? ""),
      attributes: { ...(c.a ?? {}) },
      lastUpdatedMs: toMs(c.lu ?? c.lc),
    };
    const prev = states.get(id);
    if (prev && same(prev, next)) continue;
    states.set(id, next);
    changed.push(id);
  }
  for (const [id, d] of Object.entries(ev.c ?? {})) {
    const prev = states.get(id);
    if (!prev) continue; // a change for an entity we never saw whole: HA sends an add first
    const plus = d["+"] ?? {};
    const attributes = { ...prev.attributes, ...(plus.a ?? {}) };
    for (const name of d["-"]?.a ?? []) delete attributes[name];
    const at = plus.lc ?? plus.lu;
    states.set(id, {
      entityId: id,
      state: plus.s === undefined ? prev.state : String(plus.s),
      attributes,
      lastUpdatedMs: at === undefined ? prev.lastUpdatedMs : toMs(at),
    });
    changed.push(id);
  }
  for (const id of ev.r ?? []) {
    if (states.delete(id)) changed.push(id);
  }
  return changed;
}

const toMs = (s: number | undefined) => (typeof s === "number" ? Math.floor(s * 1000) : 0);

function same(x: HaEntityState, y: HaEntityState): boolean {
  return (
    x.state === y.state &&
    x.lastUpdatedMs === y.lastUpdatedMs &&
    JSON.stringify(x.attributes) === JSON.stringify(y.attributes)
  );
}
