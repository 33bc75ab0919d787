/**
 * Over-temperature. QS1-EU datasheet §8: case up to 80 °C. The measured heatsink temperature is the
 * evidence (its scale is pinned by captures); the QS1 over-temperature bit openaps names is set at
 * 15 °C in captures, so src/protocol derives that flag from the temperature instead, and DS3 has no
 * known bit. A heatsink far hotter than its same-orientation siblings at the same output points at
 * blocked ventilation before the limit is reached.
 */
import type { Verdict } from "./book.ts";
import { acPerPanel, answeredNeighbours, median, type RoundContext } from "./context.ts";
import type { InverterMemory } from "./memory.ts";
import { c0, clockTime, place, shortName } from "./words.ts";

export const CASE_MAX_C = 80;
/** Clears only once this far below the limit, so a heatsink hovering at 80 °C does not flap. */
const CLEAR_BELOW_C = 10;
/** Hotter than the siblings' median by this much, at no more output, is suspicious. */
export const HOTTER_THAN_SIBLINGS_C = 20;
const SIBLINGS_CLEAR_C = 12;

export function temperature(ctx: RoundContext): Verdict[] {
  const out: Verdict[] = [];
  for (const inv of ctx.inverters) {
    const t = inv.fresh;
    if (!t) continue;
    const key = `over_temperature:${inv.spec.serial}`;
    const hot = t.temperatureC > CASE_MAX_C;
    if (hot || t.status.overTemperature) {
      out.push({
        key,
        openAfter: ctx.settings.confirmPolls,
        bad: {
          key,
          kind: "over_temperature",
          serial: inv.spec.serial,
          cause: "installation",
          severity: "warning",
          title: `Too hot: ${shortName(inv.spec)}`,
          advice:
            `${place(inv.spec)}: ${hot ? `${c0(t.temperatureC)} at its heatsink` : `reports over-temperature at ${c0(t.temperatureC)}`} ` +
            `since ${clockTime(ctx.atMs, ctx.timezone)}, ${hot ? "above" : "against"} the ${CASE_MAX_C} °C its datasheet allows. It ` +
            "will cut its output to protect itself. Check the air gap behind the panels is free (leaves, nests, " +
            "insulation), that nothing covers the inverter and that it is not in direct sun under a dark sheet.",
          // The temperature is measured; a bare over-temperature bit is openaps' meaning, unseen on hardware.
          verified: hot,
        },
      });
      // Over the limit says more than hotter than the siblings: one finding for one heatsink.
      if (ctx.book.isOpen(key)) out.push({ key: `hot_heatsink:${inv.spec.serial}`, ok: true });
      continue;
    }
    if (t.temperatureC < CASE_MAX_C - CLEAR_BELOW_C) out.push({ key, ok: true });
    if (!ctx.book.isOpen(key)) out.push(...hotterThanSiblings(ctx, inv));
  }
  return out;
}

function hotterThanSiblings(ctx: RoundContext, inv: InverterMemory): Verdict[] {
  const t = inv.fresh!;
  const key = `hot_heatsink:${inv.spec.serial}`;
  const mine = facing(inv);
  if (!ctx.daylight || mine === undefined) return [];
  const sibs = answeredNeighbours(ctx, inv).filter((o) => facing(o) === mine);
  if (sibs.length === 0) return [];
  const theirC = median(sibs.map((o) => o.last!.temperatureC));
  const theirW = median(sibs.map(acPerPanel));
  const diff = t.temperatureC - theirC;
  if (diff < SIBLINGS_CLEAR_C) return [{ key, ok: true }];
  if (diff < HOTTER_THAN_SIBLINGS_C || acPerPanel(inv) > 1.2 * theirW + 10) return [];
  return [
    {
      key,
      openAfter: ctx.settings.confirmPolls,
      bad: {
        key,
        kind: "hot_heatsink",
        serial: inv.spec.serial,
        cause: "installation",
        severity: "warning",
        title: `Runs hot: ${shortName(inv.spec)}`,
        advice:
          `${place(inv.spec)}: its heatsink is at ${c0(t.temperatureC)} since ${clockTime(ctx.atMs, ctx.timezone)} while the ` +
          `inverters beside it, facing the same way and giving as much, are at ${c0(theirC)}. Something keeps its ` +
          "heat in: check the space around it is free (leaves, a nest, insulation, a cover) and that air can flow " +
          "behind the panels. If it is free, the inverter may be failing: watch whether it keeps running hotter.",
        verified: true,
      },
    },
  ];
}

/** "tilt/azimuth" of the inverter's panels when they all face one way (5° steps), else undefined. */
export function facing(inv: InverterMemory): string | undefined {
  const keys = new Set(
    inv.spec.panels.map((p) =>
      p.tiltDeg === undefined || p.azimuthDeg === undefined ? "?" : orientationKey(p.tiltDeg, p.azimuthDeg),
    ),
  );
  if (keys.size !== 1 || keys.has("?")) return undefined;
  return [...keys][0];
}

export function orientationKey(tiltDeg: number, azimuthDeg: number): string {
  return `${Math.round(tiltDeg / 5) * 5}/${Math.round((((azimuthDeg % 360) + 360) % 360) / 5) * 5}`;
}
