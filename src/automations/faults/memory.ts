/** What the diagnosis remembers about one inverter between rounds: its last answers and silences. */
import type { ProtectionReading } from "../../protocol/protection/types.ts";
import type { Telemetry } from "../../protocol/types.ts";
import type { LayoutInverter, LayoutPanel } from "./types.ts";

/** Daylight polls kept for the erratic-link judgement (two hours at the usual 300 s). */
export const HISTORY_POLLS = 24;
/**
 * One history sample per poll interval: rechecks, a minute after a miss, would oversample exactly the
 * misses that triggered them (a 2 % random loss would look like a weak link).
 */
export const HISTORY_MIN_GAP_MS = 150_000;
/** A neighbour's reading this recent still counts in a recheck round (which polls only the suspects). */
export const RECENT_MS = 15 * 60_000;

export class InverterMemory {
  /** The reading of this round (undefined: not polled, or silent). */
  fresh: Telemetry | undefined;
  polled = false;
  encrypted = false;
  last: Telemetry | undefined;
  lastReplyAtMs: number | undefined;
  /** Last answer of any kind (AES-scrambled ones too). */
  lastHeardAtMs: number | undefined;
  /** Consecutive polls without an answer, and when the first of them was sent. */
  missStreak = 0;
  firstMissAtMs: number | undefined;
  /** Answered (true) or not, for the last daylight polls, oldest first. */
  readonly history: boolean[] = [];
  private sampledAtMs: number | undefined;
  on = true;
  /** The last reading showed a ground fault or a grid trip. */
  tripped = false;
  /** First reading without the trip after one: reconnecting takes a while from there. */
  tripEndedAtMs: number | undefined;
  limitW: number | undefined;
  /** Inputs that have shown DC voltage: with no wiring in site.yaml, only those count as connected. */
  readonly seenLive = new Set<number>();
  /** Its grid-protection settings as last read, and when (read once after start or pairing). */
  protection: ProtectionReading | undefined;
  protectionAtMs: number | undefined;

  constructor(readonly spec: LayoutInverter) {}

  reading(t: Telemetry, atMs: number): void {
    this.fresh = t;
    this.polled = true;
    this.encrypted = false;
    this.last = t;
    this.lastReplyAtMs = atMs;
    this.lastHeardAtMs = atMs;
    this.missStreak = 0;
    this.firstMissAtMs = undefined;
    t.channels.forEach((c, i) => {
      if (c.voltageV >= 1) this.seenLive.add(i);
    });
  }

  noReply(atMs: number, encrypted: boolean): void {
    this.fresh = undefined;
    this.polled = true;
    this.encrypted = encrypted;
    if (encrypted) {
      this.lastHeardAtMs = atMs;
      this.missStreak = 0;
      this.firstMissAtMs = undefined;
      return;
    }
    this.missStreak++;
    this.firstMissAtMs ??= atMs;
  }

  /** Its last reading, when its last poll was answered and not long ago (for comparing neighbours). */
  recent(atMs: number): Telemetry | undefined {
    if (this.missStreak > 0 || this.lastReplyAtMs === undefined || atMs - this.lastReplyAtMs > RECENT_MS)
      return undefined;
    return this.last;
  }

  /** Its last poll was answered (readable or not), not long ago. */
  heardRecently(atMs: number): boolean {
    return (
      this.missStreak === 0 && this.lastHeardAtMs !== undefined && atMs - this.lastHeardAtMs <= RECENT_MS
    );
  }

  /** Before a round is judged: remember whether a daylight poll was answered (AES replies count as heard). */
  startRound(atMs: number, daylight: boolean): void {
    if (!this.polled || !daylight) return;
    if (this.sampledAtMs !== undefined && atMs - this.sampledAtMs < HISTORY_MIN_GAP_MS) return;
    this.sampledAtMs = atMs;
    this.history.push(this.heard);
    if (this.history.length > HISTORY_POLLS) this.history.shift();
  }

  /** After a round is judged: forget what was fresh. */
  endRound(): void {
    this.fresh = undefined;
    this.polled = false;
    this.encrypted = false;
  }

  /** Answered this round, readable or not. */
  get heard(): boolean {
    return this.fresh !== undefined || this.encrypted;
  }

  /** The panel wired to channel index `i` (0 = input A), from the layout. */
  panelAt(i: number): LayoutPanel | undefined {
    const input = "ABCD"[i];
    return this.spec.panels.find((p) => p.input === input);
  }

  /** Whether channel `i` should carry a panel: the layout says so, or (no wiring given) it has shown voltage. */
  connected(i: number): boolean {
    return this.spec.panels.length > 0 ? this.panelAt(i) !== undefined : this.seenLive.has(i);
  }

  /** Number of connected panels (at least 1, for per-panel averages). */
  panelCount(): number {
    const n = this.spec.panels.length > 0 ? this.spec.panels.length : this.seenLive.size;
    return Math.max(1, n);
  }
}
