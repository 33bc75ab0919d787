/**
 * The DC side, one input at a time (manual 6.2: check the DC connections and the panels' DC voltage).
 * Datasheet (QS1-EU §8, DESIGN.md §5): operating 16–55 V, maximum input 60 V. An input that should carry
 * a panel but reads 0 V while its siblings have voltage is an open connection; a voltage outside the
 * operating range is a module that does not match; above the maximum is dangerous. Measured: verified.
 */
import type { Verdict } from "./book.ts";
import type { RoundContext } from "./context.ts";
import { clockTime, panelName, place, shortName, v1 } from "./words.ts";

const DEFAULT_OPERATING_V: readonly [number, number] = [16, 55];
const DEFAULT_MAX_V = 60;
/** Below this an input reads as open (the wire's zero is a few steps of 20 mV). */
export const OPEN_V = 1;
/** Siblings this far up are tracking their maximum power point: the light is there. */
const MPPT_FLOOR_V = 22;

export function dcSide(ctx: RoundContext): Verdict[] {
  const out: Verdict[] = [];
  for (const inv of ctx.inverters) {
    const t = inv.fresh;
    if (!t) continue;
    const sheet = inv.spec.model?.datasheet;
    const [opLo, opHi] = sheet?.operatingV ?? DEFAULT_OPERATING_V;
    const maxV = sheet?.maxInputV ?? DEFAULT_MAX_V;
    t.channels.forEach((c, i) => {
      if (!inv.connected(i)) return;
      const panel = inv.panelAt(i) ?? { id: `${inv.spec.serial}-${c.input}`, input: c.input };
      const keys = {
        open: `dc_open:${panel.id}`,
        volt: `dc_voltage:${panel.id}`,
        danger: `dc_danger:${panel.id}`,
      };
      const siblings = t.channels.filter((_o, j) => j !== i && inv.connected(j)).map((o) => o.voltageV);
      const lit = siblings.some((v) => v >= opLo);
      const v = c.voltageV;
      const draft = (kind: "dc_open" | "dc_voltage" | "dc_danger", words: string, danger = false) => ({
        key: keys[kind === "dc_open" ? "open" : kind === "dc_voltage" ? "volt" : "danger"],
        kind,
        serial: inv.spec.serial,
        panel: panel.id,
        cause:
          kind === "dc_open" || (kind === "dc_voltage" && v < opLo)
            ? ("dc" as const)
            : ("installation" as const),
        severity: danger ? ("danger" as const) : ("warning" as const),
        title: `${danger ? "DANGER: DC over-voltage" : kind === "dc_open" ? "Panel disconnected" : "Panel voltage out of range"}: ${panelName(panel)} of ${shortName(inv.spec)}`,
        advice: `${cap(panelName(panel))} of ${place(inv.spec)}: ${words}`,
        verified: true,
      });
      const since = clockTime(ctx.atMs, ctx.timezone);
      if (v > maxV) {
        out.push({
          key: keys.danger,
          openAfter: 1,
          bad: draft(
            "dc_danger",
            `${v1(v)} at the inverter's input since ${since}, above its ${maxV} V maximum. This can destroy the ` +
              "inverter and is unsafe to touch: do not unplug anything. Have an installer switch the AC off and " +
              "disconnect this panel; two modules in series on one input, or a module with too many cells, are " +
              "the usual cause.",
            true,
          ),
        });
        out.push({ key: keys.volt, ok: true }, { key: keys.open, ok: true });
        return;
      }
      out.push({ key: keys.danger, ok: true });
      if (!ctx.daylight) return;
      if (v < OPEN_V && lit) {
        out.push({ key: keys.volt, ok: true });
        out.push({
          key: keys.open,
          openAfter: ctx.settings.confirmPolls,
          bad: draft(
            "dc_open",
            `no voltage since ${since} while the inverter's other panels give ${siblings.map(v1).join(", ")}. Its ` +
              `DC connection is open: check the pair of connectors between this panel and input ${panel.input} ` +
              "(fully clicked in, not melted or corroded), the panel's own cable and its junction box. Switch the " +
              "inverter's AC breaker off before unplugging DC connectors: never pull them under load.",
          ),
        });
        return;
      }
      if (v >= OPEN_V) out.push({ key: keys.open, ok: true });
      if (v > opHi) {
        out.push({
          key: keys.volt,
          openAfter: ctx.settings.confirmPolls,
          bad: draft(
            "dc_voltage",
            `${v1(v)} since ${since}, above the inverter's ${opLo}–${opHi} V operating range: the module's voltage ` +
              "is too high for this inverter, and on cold mornings it rises further. Check that the module type " +
              `matches the inverter's datasheet (at most ${maxV} V open-circuit in the cold) and that no two panels ` +
              "share one input in series.",
          ),
        });
      } else if (v >= OPEN_V && v < opLo && siblings.some((s) => s >= MPPT_FLOOR_V)) {
        out.push({
          key: keys.volt,
          openAfter: ctx.settings.confirmPolls + 1,
          bad: draft(
            "dc_voltage",
            `only ${v1(v)} since ${since} while the inverter's other panels give ${siblings.map(v1).join(", ")}: ` +
              `below the ${opLo} V the inverter needs to use it. Either the module does not match the inverter ` +
              "(too few cells) or part of it is bypassed (a failed bypass diode, damaged cells): have the panel " +
              "and its connectors checked.",
          ),
        });
      } else if (v >= opLo) out.push({ key: keys.volt, ok: true });
    });
  }
  return out;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
