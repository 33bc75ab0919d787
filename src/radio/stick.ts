/**
 * The stick driver as one object: transport (reconnecting), ZNP link, coordinator bring-up and health,
 * pairing, the poll scheduler and the command queue, all sharing one air queue, with typed events.
 *
 * The constructor only wires. `start()` opens the port and brings the coordinator up; it reports the
 * first attempt (rejects with RadioError "unreachable" or "no-answer") while reconnects and bring-up
 * retries carry on in the background until `stop()`: a CLI can fail fast, a service can log and wait
 * for `onLinkState` to say "ready".
 */
import type { DeviceInfo, ProtectionReading } from "../protocol/index.ts";
import type { InfoReply } from "../protocol/types.ts";
import { AirQueue, type AirQueueOptions } from "./air.ts";
import { type Clock, systemClock } from "./clock.ts";
import { CommandQueue, type CommandQueueOptions } from "./commands.ts";
import { Coordinator, type CoordinatorOptions, type CoordinatorStateChange } from "./coordinator.ts";
import { type EcuIdSource, resolveEcuId } from "./ecu-id.ts";
import { RadioError } from "./errors.ts";
import {
  type CommandResult,
  type LinkStateEvent,
  type PairingProgress,
  type RadioCommand,
  RadioEvents,
} from "./events.ts";
import { queryInfo } from "./info-query.ts";
import { type InverterEntry, type InverterInput, InverterTable } from "./inverters.ts";
import { type RadioLogger, silentLogger } from "./log.ts";
import { type PairOptions, type PairResult, pairInverter } from "./pair.ts";
import { ProtectionReader, type ProtectionReadOptions } from "./protection.ts";
import {
  type InverterStatus,
  type PollOutcome,
  PollScheduler,
  type PollSchedulerOptions,
} from "./scheduler.ts";
import type { Transport } from "./transport/index.ts";
import { ReconnectingTransport, type TransportState } from "./transport/reconnect.ts";
import { type OpenTransportOptions, openTransport } from "./transport/url.ts";
import { ZnpLink } from "./znp-link.ts";

type Injected = "clock" | "logger" | "random";

export interface StickOptions extends EcuIdSource {
  /** A port (`/dev/ttyUSB0`, `COM3`, `tcp://host:port`) or a transport (e.g. openStreamTransport(…)). */
  port: string | Transport;
  clock?: Clock;
  logger?: RadioLogger;
  random?: () => number;
  srspTimeoutMs?: number;
  transport?: Omit<OpenTransportOptions, Injected>;
  coordinator?: Omit<CoordinatorOptions, Injected>;
  air?: Omit<AirQueueOptions, "clock" | "logger" | "isReady">;
  poll?: Omit<PollSchedulerOptions, "clock" | "logger">;
  commands?: Omit<CommandQueueOptions, Injected>;
  protection?: Omit<ProtectionReadOptions, "clock" | "logger">;
  pairing?: Omit<PairOptions, "onProgress">;
  /** Run the poll schedule after start(); default true (probe turns it off). */
  polling?: boolean;
}

export class Stick {
  readonly kind = "stick";
  /** The stick writes limits and on/off itself (each control states confirmed/unverified per model). */
  readonly canCommand = true;
  readonly events: RadioEvents;
  readonly ecuId: Uint8Array;
  readonly transport: Transport;
  private readonly clock: Clock;
  private readonly logger: RadioLogger;
  private readonly link: ZnpLink;
  private readonly coordinator: Coordinator;
  private readonly air: AirQueue;
  private readonly table = new InverterTable();
  private readonly scheduler: PollScheduler;
  private readonly commands: CommandQueue;
  private readonly protection: ProtectionReader;
  private readonly subscriptions: (() => void)[] = [];
  private last: LinkStateEvent;
  private started = false;

  constructor(private readonly opts: StickOptions) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
    const injected = { clock: this.clock, logger: this.logger, random: opts.random };
    this.ecuId = resolveEcuId(opts);
    this.events = new RadioEvents(this.logger);
    this.transport =
      typeof opts.port === "string"
        ? openTransport(opts.port, { ...opts.transport, ...injected })
        : opts.port;
    this.last = { state: "closed", url: this.transport.url, at: this.clock.now() };
    this.link = new ZnpLink(this.transport, { ...injected, srspTimeoutMs: opts.srspTimeoutMs });
    this.coordinator = new Coordinator(this.link, this.ecuId, (c) => this.onCoordinator(c), {
      ...opts.coordinator,
      ...injected,
      onReset: (reason) => this.events.emit("stickReset", { reason, at: this.clock.now() }),
    });
    this.air = new AirQueue(this.link, this.ecuId, {
      ...opts.air,
      clock: this.clock,
      logger: this.logger,
      isReady: () => this.coordinator.state === "ready",
    });
    this.scheduler = new PollScheduler(this.air, this.table, this.events, { ...opts.poll, ...injected });
    this.commands = new CommandQueue(this.air, this.table, this.events, { ...opts.commands, ...injected });
    this.protection = new ProtectionReader(this.air, this.table, this.events, {
      ...opts.protection,
      clock: this.clock,
      logger: this.logger,
    });
  }

  get linkState(): LinkStateEvent {
    return this.last;
  }

  get ready(): boolean {
    return this.coordinator.state === "ready";
  }

  async start(): Promise<DeviceInfo> {
    if (this.started) return this.coordinator.bringUp();
    this.started = true;
    this.subscriptions.push(
      this.transport.on("open", () => {
        this.coordinator.bringUp().catch(() => undefined); // reported through link state and retried
      }),
      this.transport.on("close", (e) => this.coordinator.linkLost(e?.message ?? "link closed")),
      this.link.onGarbage((g) => this.logger.debug(`stick line noise: ${g.error.message}`)),
    );
    if (this.transport instanceof ReconnectingTransport) {
      this.subscriptions.push(this.transport.on("state", (s) => this.onTransport(s)));
    }
    this.coordinator.start();
    // Polling starts now and waits for the air: a stick that comes up later is polled without another start().
    if (this.opts.polling !== false) this.scheduler.start();
    if (!this.transport.isOpen) await this.transport.open();
    return this.coordinator.bringUp();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.scheduler.stop();
    this.air.stop();
    this.coordinator.stop();
    this.link.detach("the stick driver stopped");
    for (const u of this.subscriptions.splice(0)) u();
    await this.transport.close();
    this.setLink({ state: "closed", url: this.transport.url, at: this.clock.now() });
  }

  /** Pairs an inverter by serial; the caller stores the short address and passes it to addInverter. */
  pair(serial: string, o: { onProgress?: (p: PairingProgress) => void } = {}): Promise<PairResult> {
    if (!this.ready) {
      return Promise.reject(
        new RadioError("not-ready", `cannot pair ${serial}: the stick is ${this.last.state}`),
      );
    }
    const onProgress = (p: PairingProgress) => {
      this.events.emit("pairingProgress", p);
      o.onProgress?.(p);
    };
    return this.air.exclusive(
      () =>
        pairInverter(this.link, this.ecuId, serial, {
          ...this.opts.pairing,
          onProgress,
          clock: this.clock,
          logger: this.logger,
        }),
      { priority: "command", budget: false },
    );
  }

  addInverter(i: InverterInput): InverterEntry {
    const e = this.table.upsert(i);
    this.scheduler.refresh();
    return e;
  }

  removeInverter(serial: string): boolean {
    const removed = this.table.remove(serial);
    this.scheduler.refresh();
    return removed;
  }

  inverters(): InverterStatus[] {
    return this.scheduler.status();
  }

  /** Polls one inverter now, outside its schedule (the "poll now" button, probe). */
  poll(serial: string): Promise<PollOutcome> {
    return this.scheduler.pollNow(serial);
  }

  /** The info (DC) query, unverified on air; undefined when the inverter does not answer it. */
  queryInfo(serial: string): Promise<InfoReply | undefined> {
    return queryInfo(this.air, this.table.require(serial));
  }

  command(c: RadioCommand): Promise<CommandResult> {
    return this.commands.run(c);
  }

  setMaxPower(serial: string, watts: number): Promise<CommandResult> {
    return this.commands.setMaxPower(serial, watts);
  }

  setOnOff(serial: string, on: boolean): Promise<CommandResult> {
    return this.commands.setOnOff(serial, on);
  }

  queryLimit(serial: string): Promise<CommandResult> {
    return this.commands.queryLimit(serial);
  }

  /**
   * Reads an inverter's grid-protection settings (pages A/B/C as its model answers them), paced and
   * retried, one inverter at a time. Read only. Rejects with RadioError "unknown-inverter",
   * "unsupported" or "no-reply"; see src/radio/protection.ts for what is confirmed on air per model.
   */
  readProtection(serial: string): Promise<ProtectionReading> {
    return this.protection.read(serial);
  }

  private onTransport(s: TransportState): void {
    if (s.phase === "open") return; // the coordinator takes it from here
    const e: LinkStateEvent = { state: s.phase, url: s.url, at: this.clock.now(), attempt: s.attempt };
    if (s.reason !== undefined) e.reason = s.reason;
    if (s.retryInMs !== undefined) e.retryInMs = s.retryInMs;
    this.setLink(e);
  }

  private onCoordinator(c: CoordinatorStateChange): void {
    if (c.state === "down") return; // the transport state says why
    const e: LinkStateEvent = { state: c.state, url: this.transport.url, at: this.clock.now() };
    if (c.reason !== undefined) e.reason = c.reason;
    if (c.state === "ready") {
      this.logger.info(`stick ready on ${this.transport.url} (${c.device?.ieee ?? "?"})`);
      this.scheduler.refresh();
    } else if (c.state === "no-answer") this.logger.warn(`stick on ${this.transport.url}: ${c.reason ?? ""}`);
    this.setLink(e);
  }

  private setLink(e: LinkStateEvent): void {
    this.last = e;
    this.events.emit("linkState", e);
  }
}
