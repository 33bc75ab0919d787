/**
 * Ground fault (GFDI): the inverter found a DC conductor leaking to earth and locked itself off the grid
 * (manual 6.1: steady red LED). Open from the first reading that shows the bit until one shows it clear.
 * The bit's position is openaps' map, never seen set on hardware: verified false.
 */
import { statusReported } from "../../protocol/status.ts";
import type { Verdict } from "./book.ts";
import type { RoundContext } from "./context.ts";
import { clockTime, place, shortName } from "./words.ts";

export function groundFault(ctx: RoundContext): Verdict[] {
  const out: Verdict[] = [];
  for (const inv of ctx.inverters) {
    const t = inv.fresh;
    if (!t) continue; // silent: a ground fault stays open until a reading says otherwise
    // No status bytes (the vendor ECU does not pass them on): the reading says nothing either way.
    if (!statusReported(t)) continue;
    const key = `ground_fault:${inv.spec.serial}`;
    if (!t.status.gfdi) {
      out.push({ key, ok: true });
      continue;
    }
    out.push({
      key,
      openAfter: 1,
      bad: {
        key,
        kind: "ground_fault",
        serial: inv.spec.serial,
        cause: "dc",
        severity: "fault",
        title: `Ground fault: ${shortName(inv.spec)}`,
        advice:
          `${place(inv.spec)}: reports a DC ground fault since ${clockTime(ctx.atMs, ctx.timezone)} and has stopped ` +
          "feeding the grid (its LED would be steady red). Somewhere on the DC side a conductor leaks to earth: " +
          "damaged cable insulation, a pinched or wet connector, a cracked panel or junction box. Do not unplug DC " +
          "connectors yourself: have an installer find and fix the insulation fault. The inverter stays locked " +
          "until the fault is fixed and the ground-fault lock is cleared; this stays open until it no longer " +
          "reports the fault.",
        verified: false,
      },
    });
  }
  return out;
}
