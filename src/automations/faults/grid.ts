/**
 * Grid voltage or frequency outside the inverter's range (manual 6.2, step 1: check the grid first).
 * Several inverters at once is the grid itself: one site finding. One inverter alone, while its
 * neighbours measure a normal grid, points at its own AC connection or branch circuit.
 * Measured values are verified; the trip bits' meanings are openaps' (not seen on hardware).
 */
import type { Telemetry } from "../../protocol/types.ts";
import type { Verdict } from "./book.ts";
import type { RoundContext } from "./context.ts";
import type { InverterMemory } from "./memory.ts";
import { clockTime, hz2, place, shortName, v1 } from "./words.ts";

/** QS1-EU datasheet (DESIGN.md §5); models without a datasheet in models.ts use the same window. */
const DEFAULT_V: readonly [number, number] = [184, 253];
const DEFAULT_HZ: readonly [number, number] = [48, 51];

export interface GridProblem {
  /** Words for one inverter: "258.0 V (allowed 184–253 V)". */
  what: string;
  /** Read from measured values (true) or only from trip bits (false). */
  measured: boolean;
}

export function gridProblem(inv: InverterMemory, t: Telemetry): GridProblem | undefined {
  const sheet = inv.spec.model?.datasheet;
  const [vLo, vHi] = sheet?.acRangeV ?? DEFAULT_V;
  const [fLo, fHi] = sheet?.hzRange ?? DEFAULT_HZ;
  const parts: string[] = [];
  if (t.acVoltageV < vLo || t.acVoltageV > vHi) parts.push(`${v1(t.acVoltageV)} (allowed ${vLo}–${vHi} V)`);
  if (t.frequencyHz < fLo || t.frequencyHz > fHi)
    parts.push(`${hz2(t.frequencyHz)} (allowed ${fLo}–${fHi} Hz)`);
  if (parts.length > 0) return { what: parts.join(" and "), measured: true };
  const s = t.status;
  const bits = [
    s.overVoltage && "over-voltage",
    s.underVoltage && "under-voltage",
    (s.overFrequency || s.avgOverFrequency) && "over-frequency",
    (s.underFrequency || s.avgUnderFrequency) && "under-frequency",
  ].filter((x): x is string => typeof x === "string");
  if (bits.length === 0) return undefined;
  return {
    what: `a grid ${bits.join(" and ")} trip (measuring ${v1(t.acVoltageV)}, ${hz2(t.frequencyHz)})`,
    measured: false,
  };
}

export function grid(ctx: RoundContext): Verdict[] {
  // Judged when someone was read this round; compared over every recent reading (a recheck reads few).
  if (!ctx.inverters.some((i) => i.fresh !== undefined)) return [];
  const answered = ctx.inverters.filter((i) => i.recent(ctx.atMs) !== undefined);
  const bad = answered.flatMap((inv) => {
    const p = gridProblem(inv, inv.last!);
    return p ? [{ inv, p }] : [];
  });
  const out: Verdict[] = [];
  const siteKey = "grid_site:site";
  const since = clockTime(ctx.atMs, ctx.timezone);
  if (bad.length >= 2) {
    const verified = bad.every((b) => b.p.measured);
    const who =
      bad.length === answered.length
        ? `all ${bad.length} inverters that answered`
        : `${bad.length} of ${answered.length} inverters`;
    out.push({
      key: siteKey,
      openAfter: 1,
      bad: {
        key: siteKey,
        kind: "grid_site",
        cause: "grid",
        severity: "fault",
        title: "Grid out of range",
        advice:
          `The grid at your connection is outside the inverters' range since ${since}: ${who} see ` +
          `${bad[0]!.p.what}${bad.length > 1 && unique(bad.map((b) => b.p.what)).length > 1 ? " or close to it" : ""}. The inverters disconnect by design and reconnect by themselves ` +
          "a minute after the grid is back in range. A frequency excursion is a grid-wide event that passes; a " +
          "voltage that is high on sunny days or comes back often should be measured at your meter: ask your grid " +
          "operator to check the voltage at your connection, and an electrician the main connection and its cable.",
        verified,
      },
    });
    for (const b of bad) if (b.inv.fresh) out.push({ key: `grid:${b.inv.spec.serial}`, ok: true });
    return out;
  }
  out.push({ key: siteKey, ok: true });
  const freshCount = answered.filter((i) => i.fresh !== undefined).length;
  for (const inv of answered) {
    if (inv.fresh === undefined) continue;
    const key = `grid:${inv.spec.serial}`;
    const p = bad.find((b) => b.inv === inv)?.p;
    if (!p) {
      out.push({ key, ok: true });
      continue;
    }
    const alone = answered.length > 1;
    // In a recheck the neighbours' readings are older: the grid may have changed for them too. Ask.
    if (alone && freshCount < 2) {
      out.push({ key, unsure: true, recheck: ctx.inverters.map((i) => i.spec.serial) });
      continue;
    }
    out.push({
      key,
      openAfter: 1,
      bad: {
        key,
        kind: "grid",
        serial: inv.spec.serial,
        cause: alone ? "installation" : "grid",
        severity: "fault",
        title: `Grid out of range at ${shortName(inv.spec)}`,
        advice: alone
          ? `${place(inv.spec)}: measures ${p.what} since ${since} while the inverters beside it measure a normal ` +
            "grid, so it has stopped feeding in. The grid itself is fine: check this inverter's AC connector, the AC " +
            "trunk cable to it, the branch circuit and its breaker (a loose or burnt terminal gives a wrong voltage)."
          : `${place(inv.spec)}: measures ${p.what} since ${since} and has stopped feeding in, as it should. ` +
            "It reconnects by itself when the grid is back in range; if it lasts, check the AC connection and " +
            "breaker, then ask your grid operator to check the voltage at your connection.",
        verified: p.measured,
      },
    });
  }
  return out;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
