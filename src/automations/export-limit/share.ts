/**
 * Sharing a cut or a raise across inverters. Writes wear flash and each costs budget, so a change
 * goes to as few inverters as make it worth while (each moving at least `minChangeW`), and among
 * those it is shared by headroom: a cut in proportion to what each inverter gives, a raise in
 * proportion to the room left under each one's maximum. Priority: higher = cut last, raised first.
 */
import { type InverterSpec, quantiseDown } from "./estimate.ts";

export interface ShareUnit {
  spec: InverterSpec;
  /** Estimated output once pending changes have happened, W. */
  outputW: number;
  /** The limit it is heading to, W. */
  limitW: number;
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

/** How many of `n` candidates a change of `amountW` should touch. */
function howMany(amountW: number, minChangeW: number, n: number): number {
  return Math.max(1, Math.min(n, Math.floor(amountW / minChangeW)));
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
      .sort((a, b) => b.outputW - a.outputW);
    if (group.length === 0) continue;
    const capacity = group.reduce((s, u) => s + canGive(u), 0);
    const chosen = left >= capacity ? group : group.slice(0, howMany(left, minChangeW, group.length));
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
    const group = units.filter((u) => u.spec.priority === p && room(u) > 0).sort((a, b) => room(b) - room(a));
    if (group.length === 0) continue;
    const capacity = group.reduce((s, u) => s + room(u), 0);
    const chosen = left >= capacity ? group : group.slice(0, howMany(left, minChangeW, group.length));
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
