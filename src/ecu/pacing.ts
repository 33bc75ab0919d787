/**
 * When to read the ECU next: a pure core (state + input → decision; no I/O, no clock). Facts from
 * ecu-lan-protocol.md §2.1:
 *
 * - The ECU asks its inverters about every 300 s (longer on big systems) and port 8899 only has new data
 *   after each round; polling faster gives nothing new and is reported to make ECUs hang. So the gap
 *   between two polls is never below `cycleS` (a config below it is refused by the config; clamped here too).
 * - The realtime answer carries the ECU's local time of its last round. Rounds repeat every cycle, so we
 *   poll in a window shortly after the next one (`alignDelayS` … `alignDelayS + alignSlackS` after it):
 *   data at most a minute old, and never a poll that lands just before a round and reads stale data.
 * - Around 02:45–03:15 local time the ECU syncs with the cloud and may not answer: no poll then, and a
 *   failure there is not held against the ECU.
 * - When the ECU stops answering, the wait doubles (from the poll interval up to `backoffCapS`) so a hung
 *   ECU is not kept busy, and after `notAnsweringAfter` failures in a row a condition is raised;
 *   one answer resets both.
 */
import { checkTimeZone, wallTime } from "../zone.ts";
import { isoLocalToEpochMs, localToEpochMs } from "./local-time.ts";

/** The ECU's own inverter cycle, s: every integration's default and the floor for polls. */
export const ECU_CYCLE_S = 300;

export interface NightlyWindow {
  /** Local wall time `hh:mm`; a window may wrap past midnight. */
  start: string;
  end: string;
}

/** The maintenance window the reference gives (ksheumaker README @84ceefd). */
export const ECU_NIGHTLY_WINDOW: NightlyWindow = { start: "02:45", end: "03:15" };

export interface PacingConfig {
  /** The ECU's refresh cycle, s (≥ 300 on real ECUs); also the floor of pollS. */
  cycleS: number;
  /** Seconds between polls as configured; clamped to ≥ cycleS. */
  pollS: number;
  /** Poll no sooner than this after the ECU's round, s. */
  alignDelayS: number;
  /** …and, when possible, no later than alignDelayS + this. */
  alignSlackS: number;
  /** Longest wait between polls of an ECU that stopped answering, s. */
  backoffCapS: number;
  /** Failures in a row before "ECU not answering" is raised. */
  notAnsweringAfter: number;
  /** No polls in this local window; null = none. */
  nightly: NightlyWindow | null;
  /** The ECU's local time zone (IANA), for its cycle times and the nightly window. */
  timeZone: string;
}

export interface PacingState {
  /** When the last poll began. */
  lastPollMs?: number;
  /** The ECU's last round as epoch ms, from its realtime answer. */
  lastCycleMs?: number;
  /** Failed polls in a row (not counting failures inside the nightly window). */
  failures: number;
  /** Start of the first of those failed polls. */
  failingSinceMs?: number;
  lastError?: string;
  /** Whether the "not answering" condition is raised. */
  notAnswering: boolean;
}

export type PacingInput =
  | { kind: "start"; atMs: number }
  /** A poll that began at polledAtMs got an answer; cycleTime from its 0002 (`YYYY-MM-DDThh:mm:ss`, ECU local). */
  | { kind: "answered"; polledAtMs: number; cycleTime?: string }
  | { kind: "failed"; polledAtMs: number; error: string };

/** "ECU not answering since …" and its end: what the caller reports as a finding. */
export interface EcuCondition {
  kind: "ecu-not-answering";
  active: boolean;
  /** Start of the first failed poll of the run. */
  sinceMs: number;
  /** When it was raised or cleared. */
  atMs: number;
  failures: number;
  lastError?: string;
  /** What to check, for the owner. */
  text: string;
}

export interface PacingDecision {
  state: PacingState;
  nextPollMs: number;
  /** Why this time, in words (for the log). */
  reason: string;
  /** Set when the condition was raised or cleared by this input. */
  condition?: EcuCondition;
}

/** The owner's checks when the ECU stops answering (the manual's communication checks, for the LAN side). */
export const ECU_NOT_ANSWERING_CHECKS =
  "check that the ECU is powered (its LEDs), that it is still at the configured address on the LAN (a router " +
  "restart may have given it a new one; reserve its address in the router), that early ECU-R units are read on " +
  "their Wi-Fi address, and that nothing else polls it every few seconds; then power-cycle the ECU (unplug it " +
  "for 10 s): ECUs that were polled too often, or that lost their hotspot, answer again only after a restart";

/** Fills defaults and clamps what no ECU allows; `notes` says what was changed. */
export function pacingConfig(
  partial: Partial<PacingConfig> & { timeZone: string },
): PacingConfig & { notes: string[] } {
  const notes: string[] = [];
  const cycleS = Math.max(ECU_CYCLE_S, partial.cycleS ?? ECU_CYCLE_S);
  if (partial.cycleS !== undefined && partial.cycleS < ECU_CYCLE_S) {
    notes.push(`cycle ${partial.cycleS} s raised to ${ECU_CYCLE_S} s: no ECU refreshes faster`);
  }
  const wanted = partial.pollS ?? cycleS;
  const pollS = Math.max(cycleS, wanted);
  if (wanted < cycleS)
    notes.push(`poll every ${wanted} s raised to ${cycleS} s: the ECU refreshes every ${cycleS} s`);
  const nightly = partial.nightly === undefined ? ECU_NIGHTLY_WINDOW : partial.nightly;
  if (nightly) for (const t of [nightly.start, nightly.end]) minuteOf(t);
  return {
    cycleS,
    pollS,
    alignDelayS: partial.alignDelayS ?? 10,
    alignSlackS: partial.alignSlackS ?? 50,
    backoffCapS: Math.max(pollS, partial.backoffCapS ?? 3600),
    notAnsweringAfter: Math.max(1, partial.notAnsweringAfter ?? 3),
    nightly,
    timeZone: checkTimeZone(partial.timeZone),
    notes,
  };
}

export function initialPacing(): PacingState {
  return { failures: 0, notAnswering: false };
}

export function stepPacing(cfg: PacingConfig, state: PacingState, input: PacingInput): PacingDecision {
  const intervalMs = cfg.pollS * 1000;
  if (input.kind === "start") {
    const next = avoidNight(cfg, input.atMs);
    return { state, nextPollMs: next.ms, reason: next.night ? "start after the nightly window" : "start" };
  }
  const at = input.polledAtMs;
  if (input.kind === "answered") {
    const cycleMs =
      input.cycleTime === undefined ? undefined : isoLocalToEpochMs(input.cycleTime, cfg.timeZone);
    const s: PacingState = {
      lastPollMs: at,
      ...(cycleMs !== undefined
        ? { lastCycleMs: cycleMs }
        : state.lastCycleMs !== undefined
          ? { lastCycleMs: state.lastCycleMs }
          : {}),
      failures: 0,
      notAnswering: false,
    };
    const next = schedule(cfg, s, at + intervalMs);
    const condition: EcuCondition | undefined = state.notAnswering
      ? {
          kind: "ecu-not-answering",
          active: false,
          sinceMs: state.failingSinceMs ?? at,
          atMs: at,
          failures: state.failures,
          text: "the ECU answers again",
        }
      : undefined;
    return { state: s, ...next, ...(condition ? { condition } : {}) };
  }

  // Failed. Inside the nightly window the ECU is expected to be silent: not counted, try after it.
  if (inNight(cfg, at)) {
    const s: PacingState = { ...state, lastPollMs: at, lastError: input.error };
    const next = schedule(cfg, s, at + intervalMs);
    return { state: s, ...next, reason: `no answer during the nightly window (not counted); ${next.reason}` };
  }
  const failures = state.failures + 1;
  const sinceMs = state.failingSinceMs ?? at;
  const raise = !state.notAnswering && failures >= cfg.notAnsweringAfter;
  const s: PacingState = {
    ...state,
    lastPollMs: at,
    failures,
    failingSinceMs: sinceMs,
    lastError: input.error,
    notAnswering: state.notAnswering || raise,
  };
  const waitMs = Math.min(cfg.backoffCapS * 1000, intervalMs * 2 ** (failures - 1));
  const next = avoidNight(cfg, at + waitMs);
  const condition: EcuCondition | undefined = raise
    ? {
        kind: "ecu-not-answering",
        active: true,
        sinceMs,
        atMs: at,
        failures,
        lastError: input.error,
        text: `the ECU has not answered since ${new Date(sinceMs).toISOString()} (${failures} polls in a row): ${ECU_NOT_ANSWERING_CHECKS}`,
      }
    : undefined;
  return {
    state: s,
    nextPollMs: next.ms,
    reason: `no answer ${failures}× in a row: waiting ${waitMs / 1000} s${next.night ? ", then past the nightly window" : ""}`,
    ...(condition ? { condition } : {}),
  };
}

/**
 * The first poll time ≥ `earliest` that lies in an alignment window after one of the ECU's rounds
 * (rounds at lastCycle + k·cycle), outside the nightly window. Without a known round: `earliest`.
 */
function schedule(
  cfg: PacingConfig,
  s: PacingState,
  earliest: number,
): { nextPollMs: number; reason: string } {
  let t = earliest;
  let night = false;
  for (let i = 0; i < 4; i++) {
    const a = align(cfg, s.lastCycleMs, t);
    const n = avoidNight(cfg, a);
    night ||= n.night;
    if (n.ms === a) {
      t = a;
      break;
    }
    t = n.ms;
  }
  const parts = [
    s.lastCycleMs === undefined
      ? `every ${cfg.pollS} s (the ECU's round time is not known yet)`
      : `${Math.round((t - s.lastCycleMs) / 1000) % cfg.cycleS} s after the ECU's round`,
  ];
  if (night) parts.push("after the nightly window");
  return { nextPollMs: t, reason: parts.join(", ") };
}

function align(cfg: PacingConfig, cycleMs: number | undefined, earliest: number): number {
  if (cycleMs === undefined) return earliest;
  const cycle = cfg.cycleS * 1000;
  const open = cfg.alignDelayS * 1000;
  const close = open + cfg.alignSlackS * 1000;
  // Round k starts at cycleMs + k·cycle; its window is [+open, +close]. Find the first window whose end is ≥ earliest.
  const k = Math.ceil((earliest - cycleMs - close) / cycle);
  const start = cycleMs + k * cycle + open;
  return Math.max(start, earliest);
}

function minuteOf(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) {
    throw new RangeError(`nightly window times are hh:mm (e.g. 02:45), got '${hhmm}'`);
  }
  return Number(m[1]) * 60 + Number(m[2]);
}

function inNight(cfg: PacingConfig, ms: number): boolean {
  if (!cfg.nightly) return false;
  const l = wallTime(ms, cfg.timeZone);
  const now = l.hour * 60 + l.minute;
  const start = minuteOf(cfg.nightly.start);
  const end = minuteOf(cfg.nightly.end);
  return start <= end ? now >= start && now < end : now >= start || now < end;
}

/** `ms`, or the end of the nightly window when `ms` falls inside it. */
function avoidNight(cfg: PacingConfig, ms: number): { ms: number; night: boolean } {
  if (!cfg.nightly || !inNight(cfg, ms)) return { ms, night: false };
  const l = wallTime(ms, cfg.timeZone);
  const end = minuteOf(cfg.nightly.end);
  const wrapsToday = l.hour * 60 + l.minute >= end; // a window past midnight, seen before midnight
  const endMs = localToEpochMs(
    { ...l, day: l.day + (wrapsToday ? 1 : 0), hour: Math.floor(end / 60), minute: end % 60, second: 0 },
    cfg.timeZone,
  );
  return { ms: endMs, night: true };
}
