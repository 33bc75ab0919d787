/**
 * The controller's own side: the stick's link, the stick restarting by itself, the store failing.
 * Each is one site finding (cause controller); none depends on daylight.
 */
import type { Verdict } from "./book.ts";
import type { RoundContext } from "./context.ts";
import { clockTime } from "./words.ts";

/** A link down this long is lost, not reconnecting (the radio retries within seconds). */
export const LINK_GRACE_MS = 60_000;
const DAY_MS = 86_400_000;

export function controllerSide(ctx: RoundContext): Verdict[] {
  const s = ctx.stick;
  const out: Verdict[] = [];
  const link = "stick_link:site";
  if (s.up) out.push({ key: link, ok: true });
  else if (s.downSinceMs !== undefined && ctx.atMs - s.downSinceMs >= LINK_GRACE_MS)
    out.push({
      key: link,
      openAfter: 1,
      bad: {
        key: link,
        kind: "stick_link",
        cause: "controller",
        severity: "fault",
        title: "ZigBee stick lost",
        advice:
          `The controller has lost its ZigBee stick since ${clockTime(s.downSinceMs, ctx.timezone)}` +
          `${s.detail ? ` (${s.detail})` : ""}: no inverter can be read or controlled. Check the stick is plugged ` +
          "in (or, for a network stick, powered and reachable), try another USB port or a powered hub. localecu " +
          "reconnects by itself as soon as it is back.",
        verified: true,
      },
    });

  const resetKey = "stick_reset:site";
  const recent = s.resets.filter((t) => ctx.atMs - t < DAY_MS);
  if (recent.length === 0) out.push({ key: resetKey, ok: true });
  else
    out.push({
      key: resetKey,
      openAfter: 1,
      bad: {
        key: resetKey,
        kind: "stick_reset",
        cause: "controller",
        severity: recent.length >= 3 ? "warning" : "info",
        title: "ZigBee stick restarted",
        advice:
          `The ZigBee stick restarted by itself ${recent.length === 1 ? "once" : `${recent.length} times`} in the last ` +
          `24 hours (last at ${clockTime(recent.at(-1)!, ctx.timezone)}); each restart costs a few polls. Usual ` +
          "causes: too little USB power (use a powered hub or a short cable), a loose plug, or interference on a " +
          "long USB extension.",
        verified: true,
      },
    });

  const storeKey = "store_error:site";
  if (s.storeOk) out.push({ key: storeKey, ok: true });
  else
    out.push({
      key: storeKey,
      openAfter: 1,
      bad: {
        key: storeKey,
        kind: "store_error",
        cause: "controller",
        severity: "warning",
        title: "Data store failing",
        advice:
          `localecu cannot write to its data store since ${clockTime(s.storeFailedAtMs ?? ctx.atMs, ctx.timezone)}` +
          `${s.storeDetail ? ` (${s.storeDetail})` : ""}: energy history and fault records may be lost. Check the ` +
          "disk is not full and the data directory (site.yaml site.data_dir) is writable.",
        verified: true,
      },
    });
  return out;
}
