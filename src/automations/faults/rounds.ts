/**
 * When a poll round is over, for the fault module. The radio polls each inverter on its own clock (once
 * per interval, spread over it as they were paired); the diagnosis judges a round. A round ends when every
 * polled inverter has been looked at since the last one, or `settleMs` after its first look (an inverter
 * polled slowly — asleep, unreachable — does not hold the others' judgement up for long), or, with no
 * look at all (the stick is down), `heartbeatMs` after the last round, so controller findings are judged.
 */
import type { Clock, TimerHandle } from "../../radio/clock.ts";

export interface RoundTimingOptions {
  clock: Clock;
  /** The serials the radio polls now (paired). */
  expected: () => readonly string[];
  /** Called when a round is over. */
  onRound: () => void;
  settleMs: number;
  heartbeatMs: number;
}

export class RoundTiming {
  private readonly looked = new Set<string>();
  private settle?: TimerHandle;
  private heartbeat?: TimerHandle;
  /** While held (a recheck is on its way), looks wait: the recheck ends the round itself. */
  private held = false;
  private running = false;

  constructor(private readonly o: RoundTimingOptions) {}

  start(): void {
    this.running = true;
    this.armHeartbeat();
  }

  stop(): void {
    this.running = false;
    this.clear();
    if (this.heartbeat !== undefined) this.o.clock.clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** An inverter was polled (answered or not). */
  look(serial: string): void {
    if (!this.running) return;
    this.looked.add(serial);
    if (this.held) return;
    const expected = this.o.expected();
    if (expected.length > 0 && expected.every((s) => this.looked.has(s))) {
      this.end();
      return;
    }
    this.settle ??= this.o.clock.setTimeout(() => {
      this.settle = undefined;
      if (this.running && !this.held) this.end();
    }, this.o.settleMs);
  }

  /** A recheck is waiting or polling: no round from looks until `release()`. */
  hold(): void {
    this.held = true;
    this.clear();
  }

  release(): void {
    this.held = false;
  }

  /** The round was judged (by a look, a timer or a recheck): start counting the next one. */
  judged(): void {
    this.looked.clear();
    this.clear();
    this.armHeartbeat();
  }

  private end(): void {
    this.o.onRound();
  }

  private clear(): void {
    if (this.settle !== undefined) this.o.clock.clearTimeout(this.settle);
    this.settle = undefined;
  }

  private armHeartbeat(): void {
    if (this.heartbeat !== undefined) this.o.clock.clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
    if (!this.running) return;
    this.heartbeat = this.o.clock.setTimeout(() => {
      this.heartbeat = undefined;
      if (this.running && !this.held) this.end();
      else this.armHeartbeat();
    }, this.o.heartbeatMs);
  }
}
