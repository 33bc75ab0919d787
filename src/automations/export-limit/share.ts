/**
 * Sharing a cut or a raise across inverters. Writes wear flash and each costs budget, so a change
 * goes to the fewest inverters that can take it with half as much again to spare (and no write
 * moves less than `minChangeW`), and among those it is shared by headroom: a cut in proportion to what each inverter gives, a raise in
 * proportion to the room left under each one's maximum. Priority: higher = cut last, raised first.
 */
import { type InverterSpec, quantiseDown } from "./estimate.ts";

export interface ShareUnit {
  spec: InverterSpec;
  /** Estimated output once pending changes have happened, W. */
  outputW: number;
  /** The limit it is heading to, W. */
  limitW: number;
  /** Share of this hour's write budget still unused, 0..1: of two similar inverters, the one with more is written. */
  budgetShare: number;
}

/** Ranking weight: capacity, discounted for an inverter whose hourly budget is running low. */
function rank(capacityW: number, u: ShareUnit): number {
  return capacityW * (0.5 + u.budgetShare);
}

/** Splits `amount` over units in proportion to `weight`, each capped at `cap`; leftovers go round. */
function proportional(amount: number, weight: number[], cap: number[]): number[] {
  const out = weight.map(() => 0);
  let left = amount;
  let open = weight.map((_, i) => i).filter((i) => cap[i]! > 0);
  while (left > 1e-6 && open.length > 0) {
    const sum = open.reduce((s, i) => s + Math.max(weight[i]!, 1e-9), 0);
    let spent = 0;
    for (const i of open) {
      const give = Math.min(cap[i]! - out[i]!, (left * Math.max(weight[i]!, 1e-9)) / sum);
      out[i]! += give;
      spent += give;
    }
    left -= spent;
    open = open.filter((i) => cap[i]! - out[i]! > 1e-6);
    if (spent < 1e-9) break;
  }
  return out;
}

/**
 * Spare capacity wanted among the chosen inverters: none is pushed to the end of its range alone. A
 * raise wants more: its capacity is counted up to the inverter's maximum, but what the panels give
 * under a binding limit is unknown, and a share an inverter cannot give costs a second raise.
 */
const CUT_SLACK = 1.5;
const RAISE_SLACK = 2;

/**
 * How many of the candidates (best first) a change of `amountW` should touch: the fewest whose
 * capacity covers it with slack, and never so many that a write moves less than `minChangeW`.
 */
function howMany(amountW: number, minChangeW: number, capacities: number[], slack: number): number {
  let n = 0;
  let sum = 0;
  while (n < capacities.length && sum < slack * amountW) sum += capacities[n++]!;
  const most = Math.max(1, Math.floor(amountW / minChangeW));
  return Math.max(1, Math.min(n, most));
}

/**
 * New limits that lower the total output by about `cutW` (never less: limits round down). Lowest
 * priority first; inside a priority, the inverters giving most.
 */
export function planCut(units: ShareUnit[], cutW: number, minChangeW: number): Map<string, number> {
  const out = new Map<string, number>();
  const canGive = (u: ShareUnit) => u.outputW - u.spec.loW;
  const groups = [...new Set(units.map((u) => u.spec.priority))].sort((a, b) => a - b);
  let left = cutW;
  for (const p of groups) {
    if (left <= 0) break;
    const group = units
      .filter((u) => u.spec.priority === p && canGive(u) > 0)
      .sort((a, b) => rank(canGive(b), b) - rank(canGive(a), a));
    if (group.length === 0) continue;
    const capacity = group.reduce((s, u) => s + canGive(u), 0);
    const chosen =
      left >= capacity ? group : group.slice(0, howMany(left, minChangeW, group.map(canGive), CUT_SLACK));
    const cuts = proportional(
      Math.min(left, capacity),
      chosen.map((u) => u.outputW),
      chosen.map(canGive),
    );
    chosen.forEach((u, i) => {
      const limit = quantiseDown(u.spec, u.outputW - cuts[i]!);
      if (limit < u.limitW) {
        out.set(u.spec.serial, limit);
        left -= Math.max(0, u.outputW - limit);
      }
    });
  }
  return out;
}

/**
 * New limits that let the total output rise by up to `raiseW`, on the inverters whose limit binds
 * (`units` holds only those). Highest priority first; inside a priority, the most room first.
 */
export function planRaise(units: ShareUnit[], raiseW: number, minChangeW: number): Map<string, number> {
  const out = new Map<string, number>();
  const room = (u: ShareUnit) => u.spec.hiW - u.limitW;
  const groups = [...new Set(units.map((u) => u.spec.priority))].sort((a, b) => b - a);
  let left = raiseW;
  for (const p of groups) {
    if (left < minChangeW / 2) break;
    const group = units
      .filter((u) => u.spec.priority === p && room(u) > 0)
      .sort((a, b) => rank(room(b), b) - rank(room(a), a));
    if (group.length === 0) continue;
    const capacity = group.reduce((s, u) => s + room(u), 0);
    const chosen =
      left >= capacity ? group : group.slice(0, howMany(left, minChangeW, group.map(room), RAISE_SLACK));
    const raises = proportional(Math.min(left, capacity), chosen.map(room), chosen.map(room));
    chosen.forEach((u, i) => {
      const limit = quantiseDown(u.spec, u.limitW + raises[i]!);
      if (limit > u.limitW) {
        out.set(u.spec.serial, limit);
        left -= limit - u.limitW;
      }
    });
  }
  return out;
}
