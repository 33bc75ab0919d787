/**
 * A panel giving less than its siblings facing the same way (dirt, new shade, a failing module), judged
 * once a day at dusk over the day's bright polls. Cloudy days are not judged at all: under thin light the
 * comparison is noise, and the issue asks for no alarm on a cloudy day. Only polls where every sibling
 * answered count, so a missed poll cannot make a panel look weak; limited, faulty and disconnected panels
 * are left out (their own findings tell their story).
 */
import type { Verdict } from "./book.ts";
import { median, type RoundContext } from "./context.ts";
import { gridProblem } from "./grid.ts";
import type { InverterMemory } from "./memory.ts";
import { orientationKey } from "./temperature.ts";
import type { LayoutPanel } from "./types.ts";
import { dayName, panelName, place, shortName } from "./words.ts";

/** A poll is bright when the group's median panel gives at least this share of its rating (W per Wp). */
export const BRIGHT_W_PER_WP = 0.25;
/** Without ratings: median panel DC power, W. */
export const BRIGHT_W = 60;
/** A day is judged only with at least this much bright time. */
export const SUNNY_DAY_MS = 3 * 3_600_000;
/** Longest gap one poll may stand for (a missed round does not stretch the next). */
const MAX_STEP_MS = 600_000;
/** The group must have at least this many panels for a median to mean something. */
export const MIN_GROUP = 3;
/** Clears only this many points above the threshold, so a borderline panel does not flap daily. */
const CLEAR_MARGIN_PCT = 5;

interface Member {
  inv: InverterMemory;
  index: number;
  panel: LayoutPanel;
}

interface Tally {
  ownWs: number;
  refWs: number;
}

export class PanelComparison {
  private groups: Map<string, Member[]> | undefined;
  private readonly tally = new Map<string, Tally>();
  private brightMs = new Map<string, number>();
  private dayActive = false;
  private dayStartMs = 0;
  private lastRoundAtMs: number | undefined;

  round(ctx: RoundContext): Verdict[] {
    this.groups ??= groupPanels(ctx.inverters);
    const dtMs = Math.min(MAX_STEP_MS, ctx.atMs - (this.lastRoundAtMs ?? ctx.atMs - 300_000));
    this.lastRoundAtMs = ctx.atMs;
    if (ctx.daylight) {
      if (!this.dayActive) {
        this.dayActive = true;
        this.dayStartMs = ctx.atMs;
      }
      for (const [g, members] of this.groups) this.accumulate(ctx, g, members, dtMs);
      return [];
    }
    if (!this.dayActive) return [];
    this.dayActive = false;
    const out = this.judge(ctx);
    this.tally.clear();
    this.brightMs.clear();
    return out;
  }

  private accumulate(ctx: RoundContext, g: string, all: Member[], dtMs: number): void {
    const members = all.filter((m) => !excluded(ctx, m));
    if (members.length < MIN_GROUP || members.some((m) => m.inv.fresh === undefined)) return;
    const perWp = members.every((m) => m.panel.wp !== undefined);
    const p = members.map((m) => m.inv.fresh!.channels[m.index]!.powerW / (perWp ? m.panel.wp! : 1));
    const total = members.reduce((s, m) => s + m.inv.fresh!.channels[m.index]!.powerW, 0);
    if (total < ctx.settings.minArrayPowerW || median(p) < (perWp ? BRIGHT_W_PER_WP : BRIGHT_W)) return;
    this.brightMs.set(g, (this.brightMs.get(g) ?? 0) + dtMs);
    const dtS = dtMs / 1000;
    members.forEach((m, i) => {
      const others = p.filter((_, j) => j !== i);
      const t = this.tally.get(m.panel.id) ?? { ownWs: 0, refWs: 0 };
      t.ownWs += p[i]! * dtS;
      t.refWs += median(others) * dtS;
      this.tally.set(m.panel.id, t);
    });
  }

  private judge(ctx: RoundContext): Verdict[] {
    const out: Verdict[] = [];
    const pct = ctx.settings.lowOutputPct;
    for (const [g, members] of this.groups!) {
      if ((this.brightMs.get(g) ?? 0) < SUNNY_DAY_MS) continue; // cloudy: not judged
      for (const m of members) {
        const t = this.tally.get(m.panel.id);
        if (!t || t.refWs <= 0) continue;
        const key = `underperforming:${m.panel.id}`;
        const ratioPct = (100 * t.ownWs) / t.refWs;
        if (ratioPct >= pct + CLEAR_MARGIN_PCT) out.push({ key, ok: true });
        else if (ratioPct < pct)
          out.push({
            key,
            openAfter: 1,
            bad: {
              key,
              kind: "underperforming",
              serial: m.inv.spec.serial,
              panel: m.panel.id,
              cause: "dc",
              severity: "warning",
              title: `Panel below its siblings: ${panelName(m.panel)} of ${shortName(m.inv.spec)}`,
              advice:
                `${cap(panelName(m.panel))} of ${place(m.inv.spec)}: gave ${Math.round(ratioPct)} % of what the other ` +
                `${members.length - 1} panels facing the same way gave over the sunny hours of ` +
                `${dayName(this.dayStartMs, ctx.timezone)}. Look for new shade (a growing tree, an aerial, a chimney's ` +
                "shadow in the low winter sun), dirt, leaves or bird droppings on it; if it is clean and unshaded the " +
                "module may be failing (a cracked cell or a failed bypass diode): have its output measured.",
              verified: true,
            },
          });
      }
    }
    return out;
  }
}

function excluded(ctx: RoundContext, m: Member): boolean {
  const t = m.inv.fresh;
  const serial = m.inv.spec.serial;
  if (!m.inv.on) return true;
  if (t && (t.status.gfdi || gridProblem(m.inv, t))) return true;
  // A binding limit (export limiter, schedule) holds the panel back on purpose.
  if (t && m.inv.limitW !== undefined && t.acPowerW >= 0.9 * m.inv.limitW) return true;
  const b = ctx.book;
  return (
    b.isOpen(`not_producing:${serial}`) ||
    b.isOpen(`dc_open:${m.panel.id}`) ||
    b.isOpen(`dc_voltage:${m.panel.id}`) ||
    b.isOpen(`dc_danger:${m.panel.id}`)
  );
}

/** Panels with a known orientation, grouped by it. */
function groupPanels(inverters: readonly InverterMemory[]): Map<string, Member[]> {
  const groups = new Map<string, Member[]>();
  for (const inv of inverters) {
    for (const panel of inv.spec.panels) {
      if (panel.tiltDeg === undefined || panel.azimuthDeg === undefined) continue;
      const index = "ABCD".indexOf(panel.input);
      const g = orientationKey(panel.tiltDeg, panel.azimuthDeg);
      groups.set(g, [...(groups.get(g) ?? []), { inv, index, panel }]);
    }
  }
  return groups;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
