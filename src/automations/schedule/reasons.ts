/** The words of decisions: short, for a homeowner reading a log line or an HA state. */
import { showLocalTime } from "../../site/local-time.ts";
import type { Occurrence } from "./occurrences.ts";
import type { PriceGate } from "./price.ts";
import { showPrice } from "./price.ts";
import type { Want } from "./types.ts";

/** "rule 'night' 22:00–06:00", "rule 'evening' 16:05–22:00 (sunset-00:30–22:00)", "rule 'morning' since 06:00". */
export function describeRule(o: Occurrence, timeZone: string, refMs: number): string {
  const r = o.rule;
  const sun = r.at.kind === "sun" || r.until?.kind === "sun";
  if (o.endMs !== undefined) {
    const span = `${showLocalTime(o.startMs, timeZone)}–${showLocalTime(o.endMs, timeZone)}`;
    return `rule '${r.name}' ${span}${sun ? ` (${r.atText}–${r.untilText})` : ""}`;
  }
  return `rule '${r.name}' since ${showLocalTime(o.startMs, timeZone, refMs)}${sun ? ` (${r.atText})` : ""}`;
}

/** Why the price cuts at `t` (the gate says it does). */
export function describePriceCut(gate: PriceGate, timeZone: string, nowMs: number): string {
  const { below, hysteresis, minOffMs } = gate.rule;
  const s = gate.last;
  const p = s?.price;
  const unit = s?.unit;
  if (typeof p === "number" && p < below)
    return `${p < 0 ? "negative price" : "price"} ${showPrice(p, unit)} below ${showPrice(below)}`;
  if (typeof p === "number" && p < below + hysteresis)
    return `price ${showPrice(p, unit)} not yet back at ${showPrice(below + hysteresis)} (${showPrice(below)} + hysteresis ${showPrice(hysteresis)})`;
  const held = gate.heldUntil();
  const now =
    p === undefined || p === "unavailable" ? "price unavailable" : `price ${showPrice(p, unit)} is back up`;
  return held === undefined
    ? `${now}: price cut ending`
    : `${now}, but a price cut lasts at least ${Math.round(minOffMs / 60_000)} min (until ${showLocalTime(held, timeZone, nowMs)})`;
}

/** A price below the threshold that is not cut yet because runs between cuts have a minimum. */
export function describePriceWait(gate: PriceGate, timeZone: string, nowMs: number): string | undefined {
  const held = gate.heldUntil();
  const p = gate.last?.price;
  if (gate.cut || held === undefined || typeof p !== "number") return undefined;
  return `price ${showPrice(p, gate.last?.unit)} is below ${showPrice(gate.rule.below)}, but runs between price cuts last at least ${Math.round(gate.rule.minOnMs / 60_000)} min (cut at ${showLocalTime(held, timeZone, nowMs)})`;
}

/** A missing price (unavailable, unknown, not a number, no link) cuts nothing: the inverters run. */
export function describePriceMissing(gate: PriceGate): string | undefined {
  return gate.last?.price === "unavailable" ? "price unavailable: no price cut until it is back" : undefined;
}

export function describeOverride(
  by: string,
  untilMs: number | undefined,
  timeZone: string,
  nowMs: number,
): string {
  return `override by ${by}${untilMs === undefined ? "" : ` until ${showLocalTime(untilMs, timeZone, nowMs)}`}`;
}

export function describeWant(want: Want, limitW?: number): string {
  return want === "limit" ? `limit ${limitW} W` : want;
}
