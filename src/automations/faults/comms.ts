/**
 * Communication (manual 6.2: no data or erratic data = a communication problem; 6.1: fast green flashing
 * = running without ECU contact for over 60 min). Silence is only suspicious in daylight while the
 * neighbours answer: at dawn, dusk and night inverters sleep. Every inverter silent at once is the
 * controller's side: one site finding, not one per inverter. With the vendor ECU as the source, its round
 * listing an inverter offline is the silence, and the advice points at the ECU's radio instead of a stick.
 */
import type { Verdict } from "./book.ts";
import type { RoundContext } from "./context.ts";
import type { InverterMemory } from "./memory.ts";
import { HISTORY_POLLS } from "./memory.ts";
import { clockTime, place, shortName } from "./words.ts";

/** Separate runs of misses an erratic link shows in its history (outages left out: they are no data). */
export const ERRATIC_MISS_RUNS = 4;
/**
 * Share of missed daylight polls that makes a link erratic, and below which it is fine again. 8 of 24:
 * a healthy link losing 2 % of polls at random gets there about once in 10^8 windows.
 */
export const ERRATIC_MISS_SHARE = 0.3;
export const STEADY_MISS_SHARE = 0.1;

export function communication(ctx: RoundContext): Verdict[] {
  const out: Verdict[] = [];
  // A poll lost at random is common (2 % is typical); four in a row, a minute apart, are not.
  const silentNeeded = ctx.settings.confirmPolls + 2;
  const polled = ctx.inverters.filter((i) => i.polled);
  const many = ctx.inverters.length > 1;

  if (many && polled.length > 0) {
    const key = "site_silent:site";
    // Silent site: the last poll of every inverter went unanswered (a recheck polls only some of them).
    if (ctx.inverters.some((i) => i.missStreak === 0 && i.lastHeardAtMs !== undefined))
      out.push({ key, ok: true });
    else if (ctx.daylight && ctx.stick.up) out.push(siteSilent(ctx, key, silentNeeded));
  }

  for (const inv of ctx.inverters) {
    if (!inv.polled) continue;
    const serial = inv.spec.serial;
    const noData = `no_data:${serial}`;
    const aes = `encrypted:${serial}`;
    // Only a readable reply proves the pairing is fixed; a lost poll says nothing about it.
    if (inv.encrypted) out.push(encrypted(ctx, inv, aes));
    else if (inv.fresh) out.push({ key: aes, ok: true });
    if (inv.heard) out.push({ key: noData, ok: true });
    else if (ctx.daylight) {
      // Neighbours polled in this same look say whether the radio works right now; a recheck takes one
      // healthy neighbour along for that (a stick failing between two looks would otherwise blame this one).
      const polledOthers = polled.filter((o) => o !== inv);
      const others =
        polledOthers.length > 0
          ? polledOthers.filter((o) => o.heard).length
          : ctx.inverters.filter((o) => o !== inv && o.heardRecently(ctx.atMs)).length;
      if (!many) {
        const silentMs = ctx.atMs - (inv.lastReplyAtMs ?? inv.firstMissAtMs ?? ctx.atMs);
        if (silentMs >= ctx.settings.noDataMinutes * 60_000) out.push(noDataVerdict(ctx, inv, noData, 1));
      } else if (others > 0) {
        // An erratic link misses runs of polls by chance: only a longer run counts as lost then.
        const erratic = ctx.book.isOpen(`erratic_data:${serial}`);
        if (!erratic || inv.missStreak >= 2 * silentNeeded) {
          const v = noDataVerdict(ctx, inv, noData, silentNeeded);
          const companion = ctx.inverters
            .filter((o) => o !== inv && o.heardRecently(ctx.atMs))
            .sort((a, b) => (b.lastHeardAtMs ?? 0) - (a.lastHeardAtMs ?? 0))[0];
          v.recheck = companion ? [serial, companion.spec.serial] : [serial];
          out.push(v);
        }
      } else if (polledOthers.length > 0) {
        // Everyone polled in this look was silent: the site's story (or a blip), not this inverter's.
        out.push({ key: noData, unsure: true, recheck: ctx.inverters.map((o) => o.spec.serial) });
      }
    }
    if (ctx.daylight && many) out.push(...erraticVerdict(ctx, inv, silentNeeded));
  }
  return out;
}

function since(ctx: RoundContext, inv: InverterMemory): string {
  const at = inv.lastReplyAtMs ?? inv.firstMissAtMs ?? ctx.atMs;
  return clockTime(at, ctx.timezone);
}

const NO_DATA_STICK =
  "Look at its LED: flashing fast green means it runs but cannot hear the controller, so bring the stick " +
  "closer or higher (a USB extension helps; metal roofs, rails and walls block the 2.4 GHz radio) and keep " +
  "it away from Wi-Fi routers and USB 3 ports.";

/** The ECU polls it over its own ZigBee radio: the ECU's reach and what the ECU reports are what to check. */
const NO_DATA_ECU =
  "The vendor ECU answers, but its rounds list this inverter offline. Look at its LED: flashing fast green " +
  "means it runs but has not heard the ECU for over an hour, so the ECU's ZigBee radio does not reach it: " +
  "compare the signal level the ECU last reported for it (its Link quality sensor, the ECU's 0–255 level) " +
  "with its neighbours', and move the ECU nearer the roof or higher (metal roofs, rails and walls block the " +
  "2.4 GHz radio) while keeping it within reach of your network. Check in the EMA app that the ECU still " +
  "lists this inverter.";

function noDataVerdict(
  ctx: RoundContext,
  inv: InverterMemory,
  key: string,
  openAfter: number,
): Verdict & { recheck?: string[] } {
  const alone = ctx.inverters.length === 1;
  return {
    key,
    openAfter,
    bad: {
      key,
      kind: "no_data",
      serial: inv.spec.serial,
      cause: "communication",
      severity: "warning",
      title: `No data: ${shortName(inv.spec)}`,
      advice:
        `${place(inv.spec)}: no data since ${since(ctx, inv)}${alone ? ", in daylight" : " while its neighbours report"}. ` +
        (ctx.source === "ecu" ? NO_DATA_ECU : NO_DATA_STICK) +
        " Flashing red or no light at all means it is not running: check its AC connector, the branch breaker " +
        "and the DC connectors of its panels.",
      verified: true,
    },
  };
}

function encrypted(ctx: RoundContext, inv: InverterMemory, key: string): Verdict {
  return {
    key,
    openAfter: 1,
    bad: {
      key,
      kind: "encrypted",
      serial: inv.spec.serial,
      cause: "communication",
      severity: "warning",
      title: `Unreadable (AES): ${shortName(inv.spec)}`,
      advice:
        `${place(inv.spec)}: answers since ${clockTime(ctx.atMs, ctx.timezone)} in encrypted form: a newer vendor ECU ` +
        "paired it in AES mode, and localecu cannot read it that way. Switch off any vendor ECU, switch the " +
        "inverter's AC breaker off for a minute, then pair it again with localecu (localecu pair).",
      verified: true,
    },
  };
}

function erraticVerdict(ctx: RoundContext, inv: InverterMemory, silentNeeded: number): Verdict[] {
  const key = `erratic_data:${inv.spec.serial}`;
  if (inv.history.length < HISTORY_POLLS) return [];
  const mine = patchiness(inv.history, silentNeeded);
  if (mine.samples < HISTORY_POLLS / 2) return []; // mostly an outage: that is no data, told elsewhere
  if (mine.share <= STEADY_MISS_SHARE) return [{ key, ok: true }];
  if (mine.share < ERRATIC_MISS_SHARE || inv.missStreak >= silentNeeded || mine.runs < ERRATIC_MISS_RUNS)
    return [];
  const others = ctx.inverters.filter((o) => o !== inv && o.history.length >= HISTORY_POLLS);
  if (others.length === 0) return [];
  const theirs = others.reduce((s, o) => s + patchiness(o.history, silentNeeded).share, 0) / others.length;
  if (theirs >= STEADY_MISS_SHARE) return []; // everyone struggles: the stick's side, not this link
  const answered = inv.history.filter(Boolean).length;
  return [
    {
      key,
      openAfter: 1,
      bad: {
        key,
        kind: "erratic_data",
        serial: inv.spec.serial,
        cause: "communication",
        severity: "warning",
        title: `Patchy data: ${shortName(inv.spec)}`,
        advice:
          `${place(inv.spec)}: answered only ${answered} of its last ${inv.history.length} daylight ` +
          `${ctx.source === "ecu" ? "rounds of the ECU" : "polls"} ` +
          `(until ${clockTime(ctx.atMs, ctx.timezone)}) while its neighbours answer nearly all. Its radio link is weak: ` +
          "ZigBee at 2.4 GHz is blocked by metal and damped by tiles, glass and walls. " +
          (ctx.source === "ecu"
            ? "It is the vendor ECU's radio that reaches it, not localecu's: compare the signal level the ECU " +
              "reports for it (its Link quality sensor, the ECU's 0–255 level) with its neighbours', and move the " +
              "ECU nearer the roof or higher (by a window, in the attic) while keeping it within reach of your network."
            : "Move the stick nearer or higher (a USB extension lets it sit by a window or in the attic), away " +
              "from Wi-Fi routers and USB 3 ports."),
        verified: true,
      },
    },
  ];
}

/**
 * The history without its outages (runs of misses long enough to count as no data): what is left shows
 * whether the link drops polls here and there. Returns samples left, the share missed, and miss runs.
 */
export function patchiness(
  history: readonly boolean[],
  outageRun: number,
): { samples: number; share: number; runs: number } {
  const kept: boolean[] = [];
  let run = 0;
  const flush = () => {
    if (run > 0 && run < outageRun) for (let i = 0; i < run; i++) kept.push(false);
    run = 0;
  };
  for (const h of history) {
    if (!h) run++;
    else {
      flush();
      kept.push(true);
    }
  }
  flush();
  const misses = kept.filter((h) => !h).length;
  const runs = kept.filter((h, i) => !h && (i === 0 || kept[i - 1])).length;
  return { samples: kept.length, share: kept.length > 0 ? misses / kept.length : 0, runs };
}

function siteSilent(ctx: RoundContext, key: string, silentNeeded: number): Verdict {
  const last = Math.max(...ctx.inverters.map((i) => i.lastReplyAtMs ?? Number.NEGATIVE_INFINITY));
  const sinceWords = Number.isFinite(last)
    ? `since ${clockTime(last, ctx.timezone)}`
    : "since localecu started";
  const n = ctx.inverters.length;
  return {
    key,
    openAfter: silentNeeded,
    recheck: ctx.inverters.map((i) => i.spec.serial),
    bad: {
      key,
      kind: "site_silent",
      cause: "controller",
      severity: "fault",
      ...(ctx.source === "ecu"
        ? {
            title: "The ECU hears no inverter",
            advice:
              `No inverter has reported through the vendor ECU ${sinceWords}, in daylight, while the ECU itself ` +
              `answers: its rounds list all ${n} offline or hold no inverter data. All ${n} silent at once ` +
              `points at the ECU's side, not at ${n} broken inverters: the ECU has lost its inverters. Check ` +
              "in the EMA app that the ECU still lists " +
              "them; check the ECU has not been moved away from the roof (it reaches them over ZigBee at 2.4 GHz, " +
              "which metal blocks); power-cycle the ECU (unplug it for 10 s). If the whole installation lost AC " +
              "(a tripped main PV breaker), the inverters are off too: check the breaker.",
          }
        : stickSiteSilent(n, sinceWords)),
      verified: true,
    },
  };
}

function stickSiteSilent(n: number, sinceWords: string): { title: string; advice: string } {
  return {
    title: "No inverter answers",
    advice:
      `No inverter has answered ${sinceWords}, in daylight, while the stick's link is up. All ` +
      `${n} silent at once points at the controller's side, not at ${n} broken ` +
      "inverters: unplug the ZigBee stick for ten seconds and plug it in again; check it has not been moved " +
      "away from the roof; check no vendor ECU has been switched on and taken the inverters over. If the " +
      "whole installation lost AC (a tripped main PV breaker), the inverters are off too: check the breaker.",
  };
}
