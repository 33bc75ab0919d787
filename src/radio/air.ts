/**
 * The air: one inverter exchange at a time, shared by polls, commands and pairing, with an airtime
 * budget (at most N requests per minute overall) so a big site cannot flood channel 16.
 *
 * One exchange (DESIGN.md §2 "Poll", frames.json captures):
 *   → AF_DATA_REQUEST 24 01 <short LE> 14 14 06 00 <transId> 00 0F <len> <ecu rev 6> <L2>
 *   ← SRSP 64 01 <status>          stick accepted the request
 *   ← AF_DATA_CONFIRM 44 80 <status> 14 <transId>   00 = delivered, CD = no route
 *   ← (ZDO_SRC_RTG_IND 45 C4 …)    optional, ignored
 *   ← AF_INCOMING_MSG 44 81 … cluster 0x0106 from <short>: <serial 6> <L2 reply>
 * Commands go before polls; within a priority, first come first served.
 */
import {
  buildInverterRequest,
  CLUSTER_REPLY,
  formatShort,
  is,
  parseAfDataConfirm,
  parseAfIncomingMsg,
} from "../protocol/index.ts";
import { type Clock, systemClock, type TimerHandle } from "./clock.ts";
import { RadioError } from "./errors.ts";
import { errorMessage, hexByte, type RadioLogger, silentLogger } from "./log.ts";
import { RateWindow } from "./rate.ts";
import type { ZnpLink } from "./znp-link.ts";

export type AirPriority = "command" | "poll";

export interface AirRequest {
  shortAddress: number;
  l2: Uint8Array;
  /** false: no answer is known for this command; the exchange ends at AF_DATA_CONFIRM. */
  expectReply?: boolean;
  /** Which replies from that address answer this request (e.g. telemetry for a poll). */
  accept?: (payload: Uint8Array) => boolean;
  replyTimeoutMs?: number;
}

export type AirOutcome =
  | { kind: "reply"; payload: Uint8Array; linkQuality: number; at: number }
  | { kind: "delivered"; at: number }
  | { kind: "no-reply"; at: number }
  | { kind: "no-route"; status: number; at: number };

export interface AirQueueOptions {
  clock?: Clock;
  logger?: RadioLogger;
  /** Requests per minute over all inverters (polls and commands). */
  budgetPerMinute?: number;
  confirmTimeoutMs?: number;
  replyTimeoutMs?: number;
  /** The coordinator is up; checked when an exchange reaches the air. */
  isReady?: () => boolean;
}

interface Slot {
  priority: AirPriority;
  budget: boolean;
  run: () => Promise<void>;
  reject: (e: Error) => void;
}

export const DEFAULT_AIR_BUDGET_PER_MINUTE = 20;

export class AirQueue {
  private readonly clock: Clock;
  private readonly logger: RadioLogger;
  private readonly window: RateWindow;
  private readonly queue: Slot[] = [];
  private busy = false;
  private stopped = false;
  private gate: TimerHandle | undefined;
  private transId = 0;

  constructor(
    private readonly link: ZnpLink,
    private readonly ecuId: Uint8Array,
    private readonly opts: AirQueueOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.window = new RateWindow(opts.budgetPerMinute ?? DEFAULT_AIR_BUDGET_PER_MINUTE, 60_000);
  }

  get ready(): boolean {
    return !this.stopped && (this.opts.isReady?.() ?? true);
  }

  /** Exchanges waiting for the air (not counting the one in flight). */
  get queued(): number {
    return this.queue.length;
  }

  exchange(req: AirRequest, priority: AirPriority = "poll"): Promise<AirOutcome> {
    return this.exclusive(() => this.perform(req), { priority, budget: true });
  }

  /** Holds the air for `fn` (pairing's four broadcasts); `budget: false` skips the airtime budget. */
  exclusive<T>(fn: () => Promise<T>, o: { priority: AirPriority; budget: boolean }): Promise<T> {
    if (this.stopped) return Promise.reject(new RadioError("stopped", "the radio is stopped"));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        priority: o.priority,
        budget: o.budget,
        reject,
        run: () => fn().then(resolve, reject),
      });
      this.pump();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.gate !== undefined) this.clock.clearTimeout(this.gate);
    this.gate = undefined;
    for (const s of this.queue.splice(0))
      s.reject(new RadioError("stopped", "the radio stopped before this request was sent"));
  }

  private pump(): void {
    if (this.busy || this.stopped || this.queue.length === 0) return;
    const idx = Math.max(
      0,
      this.queue.findIndex((s) => s.priority === "command"),
    );
    const slot = this.queue[idx]!;
    if (!this.ready) {
      this.queue.splice(idx, 1);
      slot.reject(
        new RadioError("not-ready", "the stick is not ready (coordinator not up); request not sent"),
      );
      this.pump();
      return;
    }
    // The budget counts elapsed time: a wall clock set back must not hold the air for the jump's length.
    const now = this.clock.elapsedMs?.() ?? this.clock.now();
    if (slot.budget) {
      const at = this.window.nextSlotAt(now);
      if (at > now) {
        if (this.gate === undefined) {
          this.logger.debug(`air: budget of ${this.window.max}/min used, waiting ${at - now} ms`);
          this.gate = this.clock.setTimeout(() => {
            this.gate = undefined;
            this.pump();
          }, at - now);
        }
        return;
      }
      this.window.record(now);
    }
    this.queue.splice(idx, 1);
    this.busy = true;
    slot.run().finally(() => {
      this.busy = false;
      this.pump();
    });
  }

  private async perform(req: AirRequest): Promise<AirOutcome> {
    const addr = formatShort(req.shortAddress);
    this.transId = (this.transId % 255) + 1;
    const tid = this.transId;
    const confirm = this.link.waitFor(
      (f) => is(f, "AF_DATA_CONFIRM") && f.data[2] === tid,
      this.opts.confirmTimeoutMs ?? 5000,
      `AF_DATA_CONFIRM for the request to ${addr}`,
    );
    const replies = req.expectReply === false ? undefined : this.collect(req);
    try {
      const srsp = await this.link.request(buildInverterRequest(req.shortAddress, this.ecuId, req.l2, tid));
      if (srsp.data[0] !== 0) {
        throw new RadioError(
          "stick-status",
          `the stick refused AF_DATA_REQUEST to ${addr} (status ${hexByte(srsp.data[0] ?? 0)})`,
        );
      }
      const c = parseAfDataConfirm(await confirm.promise);
      if (c.status !== 0) return { kind: "no-route", status: c.status, at: this.clock.now() };
      if (!replies) return { kind: "delivered", at: this.clock.now() };
      const msg = await replies.next(req.replyTimeoutMs ?? this.opts.replyTimeoutMs ?? 4000);
      return msg
        ? { kind: "reply", ...msg, at: this.clock.now() }
        : { kind: "no-reply", at: this.clock.now() };
    } finally {
      confirm.cancel();
      replies?.cancel();
    }
  }

  /** Listens from before the request goes out: a reply may overtake the confirm. */
  private collect(req: AirRequest) {
    let got: { payload: Uint8Array; linkQuality: number } | undefined;
    let wake: (() => void) | undefined;
    const off = this.link.onAreq((f) => {
      if (got || !is(f, "AF_INCOMING_MSG")) return;
      let m: ReturnType<typeof parseAfIncomingMsg>;
      try {
        m = parseAfIncomingMsg(f);
      } catch (e) {
        this.logger.debug(`air: unreadable AF_INCOMING_MSG: ${errorMessage(e)}`);
        return;
      }
      if (m.srcAddr !== req.shortAddress || m.cluster !== CLUSTER_REPLY) return;
      if (req.accept && !req.accept(m.data)) {
        this.logger.debug(`air: ignored an unrelated reply from ${formatShort(m.srcAddr)}`);
        return;
      }
      got = { payload: m.data, linkQuality: m.linkQuality };
      wake?.();
    });
    let timer: TimerHandle | undefined;
    return {
      next: (timeoutMs: number) =>
        new Promise<typeof got>((resolve) => {
          if (got) return resolve(got);
          wake = () => resolve(got);
          timer = this.clock.setTimeout(() => resolve(undefined), timeoutMs);
        }),
      cancel: () => {
        off();
        if (timer !== undefined) this.clock.clearTimeout(timer);
      },
    };
  }
}

/** The L2 command byte of an inverter reply (payload = serial 6, FB FB len cmd …), if it has one. */
export function replyCommand(payload: Uint8Array): number | undefined {
  return payload[6] === 0xfb && payload[7] === 0xfb ? payload[9] : undefined;
}
