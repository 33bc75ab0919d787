/**
 * Request/response over ZNP (Z-Stack MT API): one SREQ in flight, its SRSP matched by command
 * (SRSP cmd0 = 0x60 | subsystem, same cmd1), a timeout per request, and every AREQ handed to
 * subscribers. Frames are built and parsed by src/protocol; this file only moves them.
 *
 * A late SRSP (after its request timed out) is logged and dropped, never matched to the next request.
 * MT answers a request it cannot parse with `60 00 <err> <cmd0> <cmd1>` (SYS RPC error).
 */
import {
  cmdName,
  encodeZnpFrame,
  type ZnpFrame,
  type ZnpStreamEvent,
  ZnpStreamParser,
  znpType,
} from "../protocol/index.ts";
import { type Clock, systemClock, type TimerHandle } from "./clock.ts";
import { TypedEmitter } from "./emitter.ts";
import { RadioError } from "./errors.ts";
import { errorMessage, hexByte, type RadioLogger, silentLogger } from "./log.ts";
import type { Transport } from "./transport/index.ts";

export const DEFAULT_SRSP_TIMEOUT_MS = 3000;
const RPC_ERROR = [0x60, 0x00] as const;

export interface ZnpLinkOptions {
  clock?: Clock;
  logger?: RadioLogger;
  srspTimeoutMs?: number;
}

export interface ZnpLinkStats {
  requests: number;
  timeouts: number;
  lateSrsp: number;
  garbageBytes: number;
}

interface Job {
  frame: ZnpFrame;
  /** undefined: an AREQ (e.g. SYS_RESET_REQ) that is only written. */
  expect?: readonly [number, number];
  timeoutMs: number;
  resolve: (f: ZnpFrame | undefined) => void;
  reject: (e: Error) => void;
  timer?: TimerHandle;
}

/** A pending wait for an AREQ; `cancel()` drops it without settling anyone's await. */
export interface Waiter<T> {
  promise: Promise<T>;
  cancel(): void;
}

interface LinkEvents {
  areq: ZnpFrame;
  garbage: Extract<ZnpStreamEvent, { kind: "garbage" }>;
}

export class ZnpLink {
  readonly stats: ZnpLinkStats = { requests: 0, timeouts: 0, lateSrsp: 0, garbageBytes: 0 };
  private readonly parser = new ZnpStreamParser();
  private readonly events: TypedEmitter<LinkEvents>;
  private readonly clock: Clock;
  private readonly logger: RadioLogger;
  private readonly queue: Job[] = [];
  private inFlight: Job | undefined;
  private readonly waiters = new Set<{ reject: (e: Error) => void }>();
  private readonly unsubscribe: (() => void)[];

  constructor(
    private readonly transport: Transport,
    private readonly opts: ZnpLinkOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.events = new TypedEmitter<LinkEvents>(this.logger, "radio/znp");
    this.unsubscribe = [
      transport.on("data", (b) => this.onData(b)),
      transport.on("close", (e) =>
        this.failAll(new RadioError("link-down", linkDownMessage(transport.url, e))),
      ),
    ];
  }

  /** Sends an SREQ and resolves with its SRSP. */
  request(
    frame: ZnpFrame,
    timeoutMs = this.opts.srspTimeoutMs ?? DEFAULT_SRSP_TIMEOUT_MS,
  ): Promise<ZnpFrame> {
    if (znpType(frame.cmd0) !== "SREQ") {
      return Promise.reject(
        new TypeError(`request() takes an SREQ, ${cmdName(frame.cmd0, frame.cmd1)} is not`),
      );
    }
    const expect = [0x60 | (frame.cmd0 & 0x1f), frame.cmd1] as const;
    return new Promise<ZnpFrame | undefined>((resolve, reject) => {
      this.enqueue({ frame, expect, timeoutMs, resolve, reject });
    }) as Promise<ZnpFrame>;
  }

  /** Writes an AREQ in turn with the SREQs (no answer is matched). */
  send(frame: ZnpFrame): Promise<void> {
    return new Promise<ZnpFrame | undefined>((resolve, reject) => {
      this.enqueue({ frame, timeoutMs: 0, resolve, reject });
    }).then(() => undefined);
  }

  onAreq(fn: (frame: ZnpFrame) => void): () => void {
    return this.events.on("areq", fn);
  }

  onGarbage(fn: (e: LinkEvents["garbage"]) => void): () => void {
    return this.events.on("garbage", fn);
  }

  /** Waits for the first AREQ that `match` accepts. Register before sending what triggers it. */
  waitFor(match: (f: ZnpFrame) => boolean, timeoutMs: number, what: string): Waiter<ZnpFrame> {
    let done = false;
    let timer: TimerHandle | undefined;
    let off: () => void = () => undefined;
    let entry: { reject: (e: Error) => void } | undefined;
    const finish = () => {
      done = true;
      off();
      if (timer !== undefined) this.clock.clearTimeout(timer);
      if (entry) this.waiters.delete(entry);
    };
    const promise = new Promise<ZnpFrame>((resolve, reject) => {
      entry = {
        reject: (e) => {
          if (done) return;
          finish();
          reject(e);
        },
      };
      this.waiters.add(entry);
      off = this.onAreq((f) => {
        if (done || !match(f)) return;
        finish();
        resolve(f);
      });
      timer = this.clock.setTimeout(() => {
        if (done) return;
        finish();
        reject(new RadioError("timeout", `the stick sent no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    // The caller may abandon a waiter (cancel or an earlier failure): never an unhandled rejection.
    promise.catch(() => undefined);
    return { promise, cancel: finish };
  }

  /** Stops listening to the transport and fails whatever is pending. */
  detach(reason = "the driver stopped"): void {
    for (const u of this.unsubscribe) u();
    this.failAll(new RadioError("stopped", reason));
  }

  private enqueue(job: Job): void {
    if (!this.transport.isOpen) {
      job.reject(new RadioError("link-down", linkDownMessage(this.transport.url, undefined)));
      return;
    }
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    if (this.inFlight) return;
    const job = this.queue.shift();
    if (!job) return;
    this.inFlight = job;
    this.stats.requests++;
    const raw = encodeZnpFrame(job.frame);
    if (job.expect) {
      job.timer = this.clock.setTimeout(() => {
        this.stats.timeouts++;
        this.settle(
          job,
          new RadioError(
            "timeout",
            `the stick did not answer ${cmdName(job.frame.cmd0, job.frame.cmd1)} within ${job.timeoutMs} ms on ${this.transport.url}`,
          ),
        );
      }, job.timeoutMs);
    }
    this.logger.debug({ tx: Buffer.from(raw).toString("hex") }, "znp →");
    this.transport.write(raw).then(
      () => {
        if (!job.expect) this.settle(job, undefined);
      },
      (e: unknown) => {
        this.settle(
          job,
          new RadioError("link-down", `writing to ${this.transport.url} failed: ${errorMessage(e)}`),
        );
      },
    );
  }

  private settle(job: Job, result: ZnpFrame | Error | undefined): void {
    if (this.inFlight !== job) return;
    if (job.timer !== undefined) this.clock.clearTimeout(job.timer);
    this.inFlight = undefined;
    if (result instanceof Error) job.reject(result);
    else job.resolve(result);
    this.pump();
  }

  private onData(bytes: Uint8Array): void {
    for (const ev of this.parser.push(bytes)) {
      if (ev.kind === "garbage") {
        this.stats.garbageBytes += ev.bytes.length;
        this.logger.debug(
          { bytes: Buffer.from(ev.bytes).toString("hex") },
          `znp: skipped ${ev.error.message}`,
        );
        this.events.emit("garbage", ev);
        continue;
      }
      this.onFrame(ev.frame);
    }
  }

  private onFrame(f: ZnpFrame): void {
    this.logger.debug({ rx: cmdName(f.cmd0, f.cmd1), data: Buffer.from(f.data).toString("hex") }, "znp ←");
    const type = znpType(f.cmd0);
    if (type === "AREQ") {
      this.events.emit("areq", f);
      return;
    }
    if (type !== "SRSP") return;
    const job = this.inFlight;
    if (job?.expect && f.cmd0 === job.expect[0] && f.cmd1 === job.expect[1]) {
      this.settle(job, f);
      return;
    }
    if (job?.expect && f.cmd0 === RPC_ERROR[0] && f.cmd1 === RPC_ERROR[1] && f.data[1] === job.frame.cmd0) {
      this.settle(
        job,
        new RadioError(
          "stick-status",
          `the stick rejected ${cmdName(job.frame.cmd0, job.frame.cmd1)} (MT RPC error ${hexByte(f.data[0] ?? 0)}): is this an APS ZNP firmware?`,
        ),
      );
      return;
    }
    this.stats.lateSrsp++;
    this.logger.debug(`znp: SRSP ${cmdName(f.cmd0, f.cmd1)} matches no pending request (late answer?)`);
  }

  private failAll(e: RadioError): void {
    this.parser.reset();
    const jobs = [...(this.inFlight ? [this.inFlight] : []), ...this.queue.splice(0)];
    this.inFlight = undefined;
    for (const j of jobs) {
      if (j.timer !== undefined) this.clock.clearTimeout(j.timer);
      j.reject(e);
    }
    for (const w of [...this.waiters]) w.reject(e);
  }
}

function linkDownMessage(url: string, e: Error | undefined): string {
  return `the stick link ${url} is down${e ? ` (${e.message})` : ""}`;
}
