/**
 * Poll scheduler: each inverter every `intervalMs` (default 300 s, as ESP-ECU), one poll at a time
 * through the air queue (which also applies the airtime budget), decoded by src/protocol.
 *
 * Night back-off: inverters run on their panels and go silent at dusk. An inverter whose poll was
 * delivered but not answered, or that has no route, is "sleeping" (polled every `sleepingIntervalMs`):
 * with a daylight test, when it is outside daylight; without one, when the last poll of every other
 * inverter went unanswered too. Any other silence counts towards "unreachable". When any inverter answers
 * again, sleeping ones are polled at once so the morning is picked up promptly.
 */
import { encodePoll, formatShort, isEncryptedPayload } from "../protocol/index.ts";
import { type AirQueue, replyCommand } from "./air.ts";
import { type Clock, systemClock, type TimerHandle } from "./clock.ts";
import { decodeForEntry } from "./decode.ts";
import { RadioError } from "./errors.ts";
import type { InverterState, RadioEvents, ReadingEvent } from "./events.ts";
import type { InverterEntry, InverterTable } from "./inverters.ts";
import { errorMessage, hexByte, type RadioLogger, silentLogger } from "./log.ts";

export interface PollSchedulerOptions {
  clock?: Clock;
  logger?: RadioLogger;
  intervalMs?: number;
  sleepingIntervalMs?: number;
  /** Consecutive silent polls, while others answer, before "unreachable". */
  unreachableAfter?: number;
  /** Next try after a stick-side failure (link down, stick timeout). */
  retryMs?: number;
  /** When given, a silent inverter outside daylight is sleeping, whatever the others do. */
  isDaylight?: (at: number) => boolean;
}

export interface InverterStatus {
  serial: string;
  shortAddress: number;
  state: InverterState;
  polls: number;
  replies: number;
  /** Delivered (AF_DATA_CONFIRM 00) but not answered. */
  noReply: number;
  /** AF_DATA_CONFIRM with a failure status (0xCD = no route). */
  noRoute: number;
  /** Undecodable replies and stick-side failures. */
  errors: number;
  consecutiveFailures: number;
  lastReplyAt?: number;
  lastLinkQuality?: number;
  lastError?: string;
  nextPollAt: number;
}

export type PollOutcome =
  | { kind: "reading"; reading: ReadingEvent }
  | { kind: "no-reply" | "no-route"; state: InverterState; status?: number }
  | { kind: "error"; error: Error };

export const DEFAULT_POLL_INTERVAL_MS = 300_000;
const DEFAULT_RETRY_MS = 30_000;
/** Failures of the link, not of the inverter: they do not count against it. */
const LINK_CODES = new Set(["not-ready", "link-down", "stopped"]);

type Track = InverterStatus & { busy?: Promise<PollOutcome> };

export class PollScheduler {
  private readonly clock: Clock;
  private readonly logger: RadioLogger;
  private readonly tracks = new Map<string, Track>();
  private timer: TimerHandle | undefined;
  private running = false;
  private looping = false;
  /** Inverters polled since the last "pollsDone" event. */
  private readonly polledSinceDone = new Set<string>();
  /** The latest time the scheduler saw, to notice the wall clock being set back. */
  private lastNow = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly air: AirQueue,
    private readonly table: InverterTable,
    private readonly events: RadioEvents,
    private readonly opts: PollSchedulerOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
  }

  start(): void {
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Call after inverters were added or removed, and when the stick is ready again. */
  refresh(): void {
    const serials = new Set(this.table.list().map((e) => e.serial));
    for (const s of this.tracks.keys()) if (!serials.has(s)) this.tracks.delete(s);
    this.arm();
  }

  status(): InverterStatus[] {
    return this.table.list().map((e) => {
      const { busy: _busy, ...s } = this.track(e);
      return s;
    });
  }

  /** Polls one inverter now (outside its schedule); joins a poll of it already on the way. */
  pollNow(serial: string): Promise<PollOutcome> {
    const entry = this.table.require(serial);
    const t = this.track(entry);
    if (!t.busy) {
      t.busy = this.poll(entry, t).finally(() => {
        t.busy = undefined;
        this.arm();
      });
    }
    return t.busy;
  }

  private track(e: InverterEntry): Track {
    let t = this.tracks.get(e.serial);
    if (!t) {
      t = {
        serial: e.serial,
        shortAddress: e.shortAddress,
        state: "unknown",
        polls: 0,
        replies: 0,
        noReply: 0,
        noRoute: 0,
        errors: 0,
        consecutiveFailures: 0,
        nextPollAt: this.clock.now(),
      };
      this.tracks.set(e.serial, t);
    }
    t.shortAddress = e.shortAddress;
    return t;
  }

  private arm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.running || this.looping) return;
    // One pass without copies: this runs after every poll, so N polls a round walk the table N times.
    let next = Number.POSITIVE_INFINITY;
    for (const e of this.table.values()) next = Math.min(next, this.track(e).nextPollAt);
    if (next === Number.POSITIVE_INFINITY) return;
    const now = this.followClock();
    if (this.polledSinceDone.size > 0 && this.roundDone(next - now)) {
      const inverters = this.polledSinceDone.size;
      this.polledSinceDone.clear();
      this.events.emit("pollsDone", { inverters, at: now });
    }
    this.timer = this.clock.setTimeout(() => this.tick(), Math.max(0, next - now));
  }

  /**
   * Now, on the wall clock. Set back (an NTP correction, a wrong RTC fixed), every planned poll moves back
   * with it: planned at absolute times, they would otherwise wait out the jump — minutes, or years.
   */
  private followClock(): number {
    const now = this.clock.now();
    const back = this.lastNow - now;
    if (back > 0) for (const t of this.tracks.values()) t.nextPollAt -= back;
    this.lastNow = now;
    return now;
  }

  /**
   * A round is over when every inverter that answers (not sleeping, not unreachable) was polled since the
   * last one, or nothing is due for half an interval (a silent one's retry comes later). Each inverter's
   * next poll counts from its last reply, so a round's polls come due one exchange apart, not at once.
   */
  private roundDone(untilNextMs: number): boolean {
    if (untilNextMs > (this.opts.intervalMs ?? DEFAULT_POLL_INTERVAL_MS) / 2) return true;
    for (const e of this.table.values()) {
      const state = this.track(e).state;
      if (state !== "sleeping" && state !== "unreachable" && !this.polledSinceDone.has(e.serial))
        return false;
    }
    return true;
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (!this.running) return;
    const now = this.followClock();
    // The most overdue inverter (the first in table order among equals), found without copies.
    let due: { e: InverterEntry; t: Track } | undefined;
    for (const e of this.table.values()) {
      const t = this.track(e);
      if (t.nextPollAt <= now && !t.busy && (!due || t.nextPollAt < due.t.nextPollAt)) due = { e, t };
    }
    if (!due) return this.arm();
    if (!this.air.ready) {
      // The stick is down: look again later (or on refresh() when it is back), charging no inverter.
      this.timer = this.clock.setTimeout(() => this.tick(), this.opts.retryMs ?? DEFAULT_RETRY_MS);
      return;
    }
    this.looping = true;
    try {
      await this.pollNow(due.e.serial);
    } finally {
      this.looping = false;
      this.arm();
    }
  }

  private interval(e: InverterEntry): number {
    return e.pollIntervalMs ?? this.opts.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  }

  private async poll(e: InverterEntry, t: Track): Promise<PollOutcome> {
    t.polls++;
    this.polledSinceDone.add(e.serial);
    const telemetryCmd = e.model.telemetryCmd;
    try {
      const res = await this.air.exchange(
        {
          shortAddress: e.shortAddress,
          l2: encodePoll(),
          accept: (p) => isEncryptedPayload(p) || replyCommand(p) === telemetryCmd,
        },
        "poll",
      );
      const now = this.clock.now();
      if (res.kind === "reply") {
        const reply = decodeForEntry(res.payload, e);
        t.nextPollAt = now + this.interval(e);
        t.replies++;
        t.consecutiveFailures = 0;
        t.lastReplyAt = res.at;
        t.lastLinkQuality = res.linkQuality;
        this.setState(t, reply.kind === "encrypted" ? "encrypted" : "awake", "answered a poll");
        const reading: ReadingEvent = {
          serial: e.serial,
          shortAddress: e.shortAddress,
          reply,
          payload: res.payload,
          linkQuality: res.linkQuality,
          at: res.at,
        };
        this.events.emit("reading", reading);
        this.wakeSleepers(now);
        return { kind: "reading", reading };
      }
      if (res.kind === "no-route") {
        t.noRoute++;
        const why = `no route (AF_DATA_CONFIRM status ${hexByte(res.status)})`;
        const state = this.silent(e, t, why);
        this.missed(e, "no-route", now);
        return { kind: "no-route", status: res.status, state };
      }
      t.noReply++;
      const state = this.silent(e, t, "delivered but no reply");
      this.missed(e, "no-reply", now);
      return { kind: "no-reply", state };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const linkIssue = error instanceof RadioError && LINK_CODES.has(error.code);
      if (!linkIssue) t.errors++;
      t.lastError = error.message;
      const stickSide = error instanceof RadioError;
      t.nextPollAt =
        this.clock.now() + (stickSide ? (this.opts.retryMs ?? DEFAULT_RETRY_MS) : this.interval(e));
      this.logger.warn(`poll ${e.serial} (${formatShort(e.shortAddress)}): ${errorMessage(error)}`);
      return { kind: "error", error };
    }
  }

  private missed(e: InverterEntry, outcome: "no-reply" | "no-route", at: number): void {
    this.events.emit("pollMissed", { serial: e.serial, shortAddress: e.shortAddress, outcome, at });
  }

  private silent(e: InverterEntry, t: Track, why: string): InverterState {
    const now = this.clock.now();
    t.consecutiveFailures++;
    const daylight = this.opts.isDaylight?.(now);
    // "Silent" = the last poll of every other inverter went unanswered (or none ever answered).
    const othersSilent = [...this.tracks.values()].every(
      (o) => o === t || o.lastReplyAt === undefined || o.consecutiveFailures > 0,
    );
    // With a sun model, silence in full daylight is a problem even when every inverter is silent (lost
    // pairing, stick on another PAN); without one, everyone silent is the best sign of night.
    const asleep = daylight === false || (daylight === undefined && othersSilent);
    const slow = this.opts.sleepingIntervalMs ?? 15 * 60_000;
    if (asleep) {
      t.nextPollAt = now + slow;
      this.setState(
        t,
        "sleeping",
        `${why}; ${daylight === false ? "outside daylight" : "all inverters are silent"}`,
      );
    } else if (t.consecutiveFailures >= (this.opts.unreachableAfter ?? 3)) {
      t.nextPollAt = now + slow;
      const where = daylight ? "in daylight" : "while others answer";
      this.setState(t, "unreachable", `${why} ${t.consecutiveFailures} times ${where}`);
    } else {
      t.nextPollAt = now + this.interval(e);
    }
    return t.state;
  }

  private wakeSleepers(now: number): void {
    for (const e of this.table.values()) {
      const t = this.track(e);
      if (t.state === "sleeping" && t.nextPollAt > now + this.interval(e)) t.nextPollAt = now;
    }
  }

  private setState(t: Track, state: InverterState, reason: string): void {
    if (t.state === state) return;
    const previous = t.state;
    t.state = state;
    this.events.emit("inverterState", {
      serial: t.serial,
      shortAddress: t.shortAddress,
      state,
      previous,
      reason,
      at: this.clock.now(),
    });
  }
}
