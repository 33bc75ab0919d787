/**
 * Not producing in daylight while the neighbours produce (manual 6.1: LED flashing red; 6.2: "0 W or 2 W"
 * means the inverter may be the problem). Silence, a ground fault, a grid trip and an off command are
 * other stories, told elsewhere or not a fault.
 */
import type { Verdict } from "./book.ts";
import { acPerPanel, answeredNeighbours, median, type RoundContext } from "./context.ts";
import { gridProblem } from "./grid.ts";
import { clockTime, hz2, place, shortName, v1, w0 } from "./words.ts";

/** At or below this the inverter is not really producing: the manual's "0 W or 2 W". */
export const NOT_PRODUCING_W = 3;
/** Neighbours must give at least this per panel for the comparison to mean anything. */
export const NEIGHBOUR_MIN_W_PER_PANEL = 15;
/** After power-up or a cleared trip an inverter checks the grid before it feeds in (a minute or more). */
export const STARTUP_S = 300;

export function notProducing(ctx: RoundContext): Verdict[] {
  const out: Verdict[] = [];
  for (const inv of ctx.inverters) {
    const t = inv.fresh;
    if (!t) continue;
    const key = `not_producing:${inv.spec.serial}`;
    const trip = t.status.gfdi || gridProblem(inv, t) !== undefined;
    if (!trip && inv.tripped) inv.tripEndedAtMs = ctx.atMs;
    inv.tripped = trip;
    if (!inv.on || trip || t.acPowerW > NOT_PRODUCING_W) {
      out.push({ key, ok: true });
      continue;
    }
    // Waiting to (re)connect after a power-up or a cleared trip: grid codes ask for a minute or more.
    const sinceTripS = (ctx.atMs - (inv.tripEndedAtMs ?? Number.NEGATIVE_INFINITY)) / 1000;
    const waiting = t.uptimeS < STARTUP_S || sinceTripS < STARTUP_S;
    if (!ctx.daylight || waiting) continue;
    const producing = answeredNeighbours(ctx, inv).filter((o) => o.on && !o.last!.status.gfdi);
    const theirs = median(producing.map(acPerPanel));
    if (!(theirs >= NEIGHBOUR_MIN_W_PER_PANEL)) continue; // dim, or no one to compare with
    const dc = t.channels.filter((_c, i) => inv.connected(i)).map((c) => v1(c.voltageV));
    out.push({
      key,
      openAfter: ctx.settings.confirmPolls,
      bad: {
        key,
        kind: "not_producing",
        serial: inv.spec.serial,
        cause: "inverter",
        severity: "fault",
        title: `Not producing: ${shortName(inv.spec)}`,
        advice:
          `${place(inv.spec)}: answers but gives ${w0(t.acPowerW)} since ${clockTime(ctx.atMs, ctx.timezone)} while ` +
          `its neighbours give ${w0(theirs)} per panel (its LED would flash red). It reads ${v1(t.acVoltageV)}, ` +
          `${hz2(t.frequencyHz)} on the grid side and ${dc.join(", ") || "no DC"} from its panels. Check in this ` +
          "order: its AC connector and the AC trunk cable, the branch circuit and its breaker, then the DC " +
          "connectors of its panels. If all of that is in order the inverter itself has failed: have it replaced " +
          "(manual section 7).",
        verified: true,
      },
    });
  }
  return out;
}
