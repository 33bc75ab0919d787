/**
 * Keeps a link to the stick up: wraps a transport factory, reopens on loss with capped, jittered
 * exponential backoff, and turns every failure into a state event — never an exception that could
 * take the process down.
 *
 * `open()` reports the first attempt (resolves or rejects) and, on failure, keeps retrying in the
 * background until `close()`: a CLI can fail fast, a service can log and wait for `open`.
 */
import { type Clock, systemClock, type TimerHandle } from "../clock.ts";
import { TypedEmitter } from "../emitter.ts";
import { RadioError } from "../errors.ts";
import { errorMessage, type RadioLogger, silentLogger } from "../log.ts";
import { type BackoffOptions, backoffDelay } from "../rate.ts";
import type { Transport, TransportEvents } from "./index.ts";

export type TransportPhase = "connecting" | "open" | "reconnecting" | "closed";

export interface TransportState {
  phase: TransportPhase;
  url: string;
  /** Failed attempts since the link was last up. */
  attempt: number;
  /** Set while reconnecting: delay until the next attempt. */
  retryInMs?: number;
  reason?: string;
}

export interface ReconnectOptions {
  clock?: Clock;
  random?: () => number;
  logger?: RadioLogger;
  backoff?: Partial<BackoffOptions>;
}

interface Events extends TransportEvents {
  state: TransportState;
}

export const DEFAULT_RECONNECT_BACKOFF: BackoffOptions = {
  initialMs: 1000,
  maxMs: 60_000,
  factor: 2,
  jitter: 0.2,
};

export class ReconnectingTransport implements Transport {
  private readonly events: TypedEmitter<Events>;
  private readonly clock: Clock;
  private readonly logger: RadioLogger;
  private readonly backoff: BackoffOptions;
  private current: Transport | undefined;
  private unsubscribe: (() => void)[] = [];
  private retryTimer: TimerHandle | undefined;
  private attempt = 0;
  private wanted = false;
  private connecting: Promise<void> | undefined;
  private last: TransportState;

  constructor(
    readonly url: string,
    private readonly factory: () => Transport,
    private readonly opts: ReconnectOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    this.events = new TypedEmitter<Events>(this.logger, "transport");
    this.backoff = { ...DEFAULT_RECONNECT_BACKOFF, ...opts.backoff };
    this.last = { phase: "closed", url, attempt: 0 };
  }

  get isOpen(): boolean {
    return this.current?.isOpen ?? false;
  }

  get state(): TransportState {
    return this.last;
  }

  on<K extends keyof Events>(event: K, fn: (value: Events[K]) => void): () => void {
    return this.events.on(event, fn);
  }

  async open(): Promise<void> {
    if (this.isOpen) return;
    this.wanted = true;
    this.cancelRetry();
    await this.connect();
  }

  write(bytes: Uint8Array): Promise<void> {
    const t = this.current;
    if (!t?.isOpen) {
      return Promise.reject(
        new RadioError("link-down", `${this.url} is not connected (state ${this.last.phase}); retrying`),
      );
    }
    return t.write(bytes);
  }

  async close(): Promise<void> {
    this.wanted = false;
    this.cancelRetry();
    const t = this.current;
    this.detach();
    if (t) {
      try {
        await t.close();
      } catch (e) {
        this.logger.warn({ err: e }, `closing ${this.url} failed: ${errorMessage(e)}`);
      }
    }
    this.setState({ phase: "closed", url: this.url, attempt: 0 });
  }

  private connect(): Promise<void> {
    if (!this.connecting) {
      this.connecting = this.attemptOnce().finally(() => {
        this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  private async attemptOnce(): Promise<void> {
    this.setState({ phase: "connecting", url: this.url, attempt: this.attempt });
    let t: Transport;
    try {
      t = this.factory();
      this.attach(t);
      await t.open();
    } catch (e) {
      this.detach();
      this.scheduleRetry(errorMessage(e));
      throw e;
    }
    if (!this.wanted) {
      // close() was called while we were connecting.
      this.detach();
      await t.close().catch(() => undefined);
      return;
    }
    this.attempt = 0;
    this.setState({ phase: "open", url: this.url, attempt: 0 });
    this.events.emit("open", undefined);
  }

  private attach(t: Transport): void {
    this.current = t;
    this.unsubscribe = [
      t.on("data", (b) => this.events.emit("data", b)),
      t.on("error", (e) => {
        this.logger.warn({ err: e }, `${this.url}: ${e.message}`);
        this.events.emit("error", e);
      }),
      t.on("close", (e) => this.lost(t, e)),
    ];
  }

  private detach(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    this.current = undefined;
  }

  private lost(t: Transport, e: Error | undefined): void {
    if (this.current !== t) return;
    this.detach();
    this.events.emit("close", e ?? new Error(`${this.url} closed`));
    if (this.wanted) this.scheduleRetry(e?.message ?? "link closed");
  }

  private scheduleRetry(reason: string): void {
    if (!this.wanted) {
      this.setState({ phase: "closed", url: this.url, attempt: this.attempt, reason });
      return;
    }
    this.attempt++;
    const delay = backoffDelay(this.attempt, this.backoff, this.opts.random);
    this.logger.warn(`${this.url}: link down (${reason}); retry ${this.attempt} in ${delay} ms`);
    this.setState({ phase: "reconnecting", url: this.url, attempt: this.attempt, retryInMs: delay, reason });
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.wanted || this.isOpen) return;
      // Failures were already turned into state events and a new retry; nothing to throw to.
      this.connect().catch(() => undefined);
    }, delay);
  }

  private cancelRetry(): void {
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private setState(s: TransportState): void {
    this.last = s;
    this.events.emit("state", s);
  }
}
