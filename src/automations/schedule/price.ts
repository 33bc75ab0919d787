/**
 * The price cut: below `below` → cut; back only at `below + hysteresis` or above; a cut lasts at least
 * `minOff` and a run between two cuts at least `minOn`. Its memory (cut or not, since when) is the only
 * state of the schedule that is not a function of the latest inputs; a fresh core starts with none, so
 * after a restart a price inside the hysteresis band runs (never off by mistake) and no minimum time holds.
 */
import type { PriceRule } from "../../site/schedule-rules.ts";

export interface PriceSample {
  price: number | "unavailable";
  unit?: string;
  atMs: number;
}

export class PriceGate {
  cut = false;
  /** When the gate last switched; undefined until it has. */
  sinceMs: number | undefined;
  last: PriceSample | undefined;

  constructor(readonly rule: PriceRule) {}

  /** Does the last price ask for a cut (true), a run (false), or neither (inside the band: keep)? */
  wants(): boolean | undefined {
    const p = this.last?.price;
    if (p === undefined || p === "unavailable") return false;
    if (p < this.rule.below) return true;
    if (p >= this.rule.below + this.rule.hysteresis) return false;
    return undefined;
  }

  /** When a wanted switch is held back by a minimum time, the moment it may happen. */
  heldUntil(): number | undefined {
    const w = this.wants();
    if (this.sinceMs === undefined || w === undefined || w === this.cut) return undefined;
    return this.sinceMs + (this.cut ? this.rule.minOffMs : this.rule.minOnMs);
  }

  /** Switch now if the price asks for it and the minimum time allows. */
  step(nowMs: number): void {
    const w = this.wants();
    if (w === undefined || w === this.cut) return;
    const held = this.heldUntil();
    if (held !== undefined && nowMs < held) return;
    this.cut = w;
    this.sinceMs = nowMs;
  }

  /** Cut at a time ≥ now, if the last price stays as it is. */
  cutAt(t: number): boolean {
    const held = this.heldUntil();
    if (held === undefined) {
      const w = this.wants();
      return w === undefined ? this.cut : w;
    }
    return t >= held ? !this.cut : this.cut;
  }
}

/** −0.03, 0.00, 0.125: two decimals, more when the value has them; a real minus sign. */
export function showPrice(p: number, unit?: string): string {
  let text = p.toFixed(2);
  if (Math.abs(Number(text) - p) > 1e-9) text = String(Number(p.toFixed(4)));
  if (text.startsWith("-")) text = `−${text.slice(1)}`;
  if (text === "−0.00") text = "0.00";
  return unit ? `${text} ${unit}` : text;
}
