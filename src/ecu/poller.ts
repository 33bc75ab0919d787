/**
 * Reads one ECU on the pacing core's schedule: each poll asks 0001 (system energy, and the ECU id),
 * 0002 (every inverter) and optionally 0030 (signal), one request at a time, and hands the decoded
 * answers to the callbacks. Clock and timers are injected, so tests drive the schedule by hand while
 * the requests go over real TCP.
 */
import type { EcuInfo, EcuRealtime, EcuSignal } from "../protocol/ecu/types.ts";
import type { EcuTarget } from "./errors.ts";
import { EcuLink } from "./link.ts";
import {
  type EcuCondition,
  initialPacing,
  type PacingConfig,
  type PacingDecision,
  type PacingState,
  pacingConfig,
  stepPacing,
} from "./pacing.ts";

export interface PollerTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const REAL_POLLER_TIMERS: PollerTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface EcuPollerOptions {
  target: EcuTarget;
  /** Use this id in requests; otherwise the one the ECU reports in 0001. */
  ecuId?: string;
  /** Pacing (timeZone required: the ECU's local zone, usually the host's). */
  pacing: Partial<PacingConfig> & { timeZone: string };
  clock: { now(): number };
  timers?: PollerTimers;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Pause between the requests of one poll, ms (integrations leave a gap; default 500). */
  requestGapMs?: number;
  /** Also read 0030 each poll (default true). */
  signal?: boolean;
  onInfo?(info: EcuInfo, receivedAtMs: number): void;
  onRealtime?(realtime: EcuRealtime, receivedAtMs: number): void;
  onSignal?(signal: EcuSignal, receivedAtMs: number): void;
  onCondition?(condition: EcuCondition): void;
  /** Every decision, with why (for a debug log). */
  onSchedule?(decision: PacingDecision): void;
  /** A failed poll (the condition is raised only after several). */
  onPollError?(error: Error, polledAtMs: number): void;
}

export class EcuPoller {
  readonly config: PacingConfig & { notes: string[] };
  private state: PacingState = initialPacing();
  private link: EcuLink | undefined;
  private timer: unknown;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly timers: PollerTimers;
  private ecuId: string | undefined;
  private endGap: (() => void) | undefined;

  constructor(private readonly opts: EcuPollerOptions) {
    this.config = pacingConfig(opts.pacing);
    this.timers = opts.timers ?? REAL_POLLER_TIMERS;
    this.ecuId = opts.ecuId;
  }

  get pacingState(): PacingState {
    return this.state;
  }

  /** When the next poll is due, epoch ms (undefined while stopped or polling). */
  nextPollMs: number | undefined;

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.link = new EcuLink(this.opts.target, {
      ...(this.opts.timeoutMs === undefined ? {} : { timeoutMs: this.opts.timeoutMs }),
    });
    this.apply(stepPacing(this.config, this.state, { kind: "start", atMs: this.opts.clock.now() }));
  }

  /** Stops the schedule and aborts a poll in progress; resolves when nothing runs any more. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.nextPollMs = undefined;
    this.link?.close();
    this.endGap?.();
    await this.running;
  }

  private apply(d: PacingDecision): void {
    this.state = d.state;
    this.opts.onSchedule?.(d);
    if (d.condition) this.opts.onCondition?.(d.condition);
    if (this.stopped) return;
    this.nextPollMs = d.nextPollMs;
    this.timer = this.timers.set(
      () => {
        this.timer = undefined;
        this.running = this.poll();
      },
      Math.max(0, d.nextPollMs - this.opts.clock.now()),
    );
  }

  private async poll(): Promise<void> {
    const link = this.link!;
    const polledAtMs = this.opts.clock.now();
    this.nextPollMs = undefined;
    let decision: PacingDecision;
    try {
      const info = await link.readInfo();
      this.opts.onInfo?.(info, this.opts.clock.now());
      const id = this.ecuId ?? info.ecuId;
      await this.gap();
      const rt = await link.readRealtime(id);
      this.opts.onRealtime?.(rt, this.opts.clock.now());
      if (this.opts.signal !== false) {
        await this.gap();
        // Signal levels are a nicety: a failure here does not make the poll a failure.
        try {
          const signal = await link.readSignal(id);
          this.opts.onSignal?.(signal, this.opts.clock.now());
        } catch (e) {
          if (this.stopped) return;
          this.opts.onPollError?.(e as Error, polledAtMs);
        }
      }
      decision = stepPacing(this.config, this.state, {
        kind: "answered",
        polledAtMs,
        ...(rt.cycleTime === undefined ? {} : { cycleTime: rt.cycleTime }),
      });
    } catch (e) {
      if (this.stopped) return;
      this.opts.onPollError?.(e as Error, polledAtMs);
      decision = stepPacing(this.config, this.state, {
        kind: "failed",
        polledAtMs,
        error: (e as Error).message,
      });
    }
    if (this.stopped) return;
    this.apply(decision);
  }

  private gap(): Promise<void> {
    const ms = this.opts.requestGapMs ?? 500;
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.endGap = () => {
        this.endGap = undefined;
        resolve();
      };
      this.timer = this.timers.set(() => {
        this.timer = undefined;
        this.endGap?.();
      }, ms);
    });
  }
}
