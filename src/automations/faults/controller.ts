/**
 * The controller's own side: the source's link (the stick's, or the vendor ECU answering), the stick
 * restarting by itself, the store failing. Each is one site finding (cause controller); none depends on
 * daylight. The keys keep their stick names with the ECU too (entities and stored findings use them).
 */
import type { Draft, Verdict } from "./book.ts";
import type { RoundContext, StickState } from "./context.ts";
import { clockTime } from "./words.ts";

/**
 * A stick link down this long is lost, not reconnecting (the radio retries within seconds). The ECU's
 * poller reports "not answering" only after three failed polls (about 15 minutes): no grace on top.
 */
export const LINK_GRACE_MS = 60_000;
const DAY_MS = 86_400_000;

export function controllerSide(ctx: RoundContext): Verdict[] {
  const s = ctx.stick;
  const out: Verdict[] = [];
  const link = "stick_link:site";
  const grace = ctx.source === "ecu" ? 0 : LINK_GRACE_MS;
  if (s.up) out.push({ key: link, ok: true });
  else if (s.downSinceMs !== undefined && ctx.atMs - s.downSinceMs >= grace)
    out.push({
      key: link,
      openAfter: 1,
      bad: ctx.source === "ecu" ? ecuLost(ctx, s.downSinceMs, s) : stickLost(ctx, s.downSinceMs, s),
    });

  const resetKey = "stick_reset:site";
  const recent = s.resets.filter((t) => ctx.atMs - t < DAY_MS);
  // The vendor ECU has no stick to restart (and a stored one from a stick era clears).
  if (recent.length === 0 || ctx.source === "ecu") out.push({ key: resetKey, ok: true });
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

/** The link finding: one key whatever the source, so HA's entity and the stored record carry over. */
function linkLost(title: string, advice: string): Draft {
  return {
    key: "stick_link:site",
    kind: "stick_link",
    cause: "controller",
    severity: "fault",
    title,
    advice,
    verified: true,
  };
}

function stickLost(ctx: RoundContext, downSinceMs: number, s: StickState): Draft {
  return linkLost(
    "ZigBee stick lost",
    `The controller has lost its ZigBee stick since ${clockTime(downSinceMs, ctx.timezone)}` +
      `${s.detail ? ` (${s.detail})` : ""}: no inverter can be read or controlled. Check the stick is plugged ` +
      "in (or, for a network stick, powered and reachable), try another USB port or a powered hub. localecu " +
      "reconnects by itself as soon as it is back.",
  );
}

/**
 * The ECU's side of the manual's communication checks (ecu-lan-protocol.md §2.1, §6 item 1): power, its
 * address, port 8899 on the right interface, another poller, then a power cycle; the nightly pause is no
 * fault (the poller does not count it).
 */
function ecuLost(ctx: RoundContext, downSinceMs: number, s: StickState): Draft {
  return linkLost(
    "ECU not answering",
    `The vendor ECU has stopped answering localecu (found at ${clockTime(downSinceMs, ctx.timezone)}` +
      `${s.detail ? `: ${s.detail}` : ""}): no inverter can be read meanwhile (they keep producing; they need no ECU ` +
      "for that). localecu backs off (longer and " +
      "longer waits between tries, up to an hour, so a hung ECU is not kept busy) and reads it again by itself " +
      "as soon as it answers. Check in order: the ECU is powered (its LEDs are lit); it still has the address " +
      "site.yaml names (a router restart may have given it a new one: reserve its address in the router, a DHCP " +
      "reservation); port 8899 is reachable from this machine (an ECU-R 2160 or ECU-B answers it on its Wi-Fi " +
      "address only); nothing else polls it every few seconds (another integration). Then power-cycle the ECU " +
      "(unplug it for 10 s): an ECU that hung answers again only after a restart. Its nightly pause with the " +
      "cloud (about 02:45–03:15) is not counted as silence.",
  );
}
