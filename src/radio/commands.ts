/**
 * Command queue: set max power, on/off and the limit query (DE), sent through the shared air queue
 * ahead of polls.
 *
 * Limit writes may wear the inverter's flash, so: a write is skipped when the verified current value
 * already equals the new wire value ("unchanged"; unknown values are read first), every inverter has a
 * write budget (at most N per hour; a refusal says when the next write is allowed), and a write is
 * verified by DE read-back — read again with backoff before ever writing again, because an inverter
 * may report the new limit late. The vendor ECU-C does the same: every set is followed by a DE query
 * (frames.json set_power_sniffs). On/off has no read-back (and is unverified on air): "sent".
 *
 * In those sniffs the YC600 acknowledges a set with a short `FB FB 06 DE 00 00 00 00 00 00 00 FE FE`
 * (the codec's "ack"; DF = ack failed). We wait briefly for it inside the write's exchange, so it is not
 * mistaken for the read-back, and the read-back only accepts a reply that decodes to a limit.
 */
import { encodeLimitQuery, encodeOnOff, encodeSetMaxPower, type LimitReply } from "../protocol/index.ts";
import type { AirQueue, AirRequest } from "./air.ts";
import { type Clock, sleep, systemClock } from "./clock.ts";
import { ackOf, carriesLimit, controlFor, fmtW, limitRaw } from "./command-replies.ts";
import { decodeForEntry } from "./decode.ts";
import type { CommandResult, RadioCommand, RadioEvents } from "./events.ts";
import type { InverterEntry, InverterTable } from "./inverters.ts";
import { errorMessage, hexByte, type RadioLogger, silentLogger } from "./log.ts";
import { type BackoffOptions, backoffDelay, RateWindow } from "./rate.ts";

export interface CommandQueueOptions {
  clock?: Clock;
  logger?: RadioLogger;
  random?: () => number;
  /** Limit writes per inverter per hour. */
  writesPerHour?: number;
  /** Writes of one value before giving up. */
  maxWrites?: number;
  /** Read-backs after each write before concluding. */
  readBacks?: number;
  retry?: Partial<BackoffOptions>;
  /** How long a read-back value counts as "verified current". */
  verifiedTtlMs?: number;
  /** How long a write waits for the inverter's short DE acknowledgement. */
  ackTimeoutMs?: number;
}

export const DEFAULT_WRITES_PER_HOUR = 6;

type Partial2 = Omit<CommandResult, "command" | "serial" | "at" | "control" | "evidence" | "writes"> & {
  writes?: number;
};

export class CommandQueue {
  private readonly clock: Clock;
  private readonly logger: RadioLogger;
  private readonly budgets = new Map<string, RateWindow>();
  private readonly verified = new Map<string, { limit: LimitReply; at: number }>();
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly air: AirQueue,
    private readonly table: InverterTable,
    private readonly events: RadioEvents,
    private readonly opts: CommandQueueOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger ?? silentLogger;
  }

  setMaxPower(serial: string, watts: number): Promise<CommandResult> {
    return this.run({ kind: "set-max-power", serial, watts });
  }

  setOnOff(serial: string, on: boolean): Promise<CommandResult> {
    return this.run({ kind: "on-off", serial, on });
  }

  queryLimit(serial: string): Promise<CommandResult> {
    return this.run({ kind: "query-limit", serial });
  }

  /** The last verified limit of an inverter, if still fresh. */
  knownLimit(serial: string): LimitReply | undefined {
    const v = this.verified.get(serial);
    if (!v || this.clock.now() - v.at > (this.opts.verifiedTtlMs ?? 3_600_000)) return undefined;
    return v.limit;
  }

  /** Runs a command; commands for one inverter run one after the other. Never throws. */
  run(command: RadioCommand): Promise<CommandResult> {
    const prev = this.chains.get(command.serial) ?? Promise.resolve();
    const next = prev.then(() => this.execute(command));
    const tail = next.catch(() => undefined);
    this.chains.set(command.serial, tail);
    tail.then(() => {
      if (this.chains.get(command.serial) === tail) this.chains.delete(command.serial);
    });
    return next;
  }

  private async execute(command: RadioCommand): Promise<CommandResult> {
    const entry = this.table.get(command.serial);
    const control = entry ? controlFor(entry.model, command) : undefined;
    const result = (r: Partial2): CommandResult => {
      const full: CommandResult = {
        command,
        serial: command.serial,
        control: control?.status ?? "unverified",
        evidence: control?.evidence ?? "",
        writes: 0,
        at: this.clock.now(),
        ...r,
      };
      if (entry) full.shortAddress = entry.shortAddress;
      this.events.emit("commandResult", full);
      return full;
    };
    if (!entry) {
      return result({
        outcome: "failed",
        message: `inverter ${command.serial} has no short address: pair it first`,
      });
    }
    try {
      if (command.kind === "query-limit") {
        const limit = await this.readLimit(entry);
        return result(
          limit
            ? { outcome: "read", limit, message: `limit is ${fmtW(limit)}` }
            : { outcome: "failed", message: `${command.serial} did not answer the limit query` },
        );
      }
      if (command.kind === "on-off") return result(await this.onOff(entry, command.on));
      return result(await this.setPower(entry, command.watts));
    } catch (e) {
      this.logger.warn(`command ${command.kind} for ${command.serial} failed: ${errorMessage(e)}`);
      return result({ outcome: "failed", message: errorMessage(e) });
    }
  }

  private async setPower(e: InverterEntry, watts: number): Promise<Partial2> {
    let l2: Uint8Array;
    try {
      l2 = encodeSetMaxPower({ family: e.model.family, watts, rangeW: e.model.limitRangeW });
    } catch (err) {
      return { outcome: "invalid", message: errorMessage(err) };
    }
    const raw = limitRaw(e.model, watts);
    const current = this.knownLimit(e.serial) ?? (await this.readLimit(e));
    if (current?.limitRaw === raw) {
      return { outcome: "unchanged", requestedRaw: raw, limit: current, message: `already ${fmtW(current)}` };
    }
    const maxWrites = this.opts.maxWrites ?? 3;
    let writes = 0;
    let last: LimitReply | undefined;
    let why = "";
    for (let attempt = 1; attempt <= maxWrites; attempt++) {
      const budget = this.budget(e.serial);
      // The hour is elapsed time: a wall clock set forward must not refill the budget, nor set back freeze it.
      const t = this.elapsed();
      const waitMs = budget.nextSlotAt(t) - t;
      if (waitMs > 0) {
        const retryAt = this.clock.now() + waitMs;
        return {
          outcome: "refused",
          requestedRaw: raw,
          writes,
          retryAt,
          message:
            `limit write budget for ${e.serial} (${budget.max} per hour) is used up; ` +
            `next write allowed at ${new Date(retryAt).toISOString()}`,
        };
      }
      if (attempt > 1) await this.backoff(attempt - 1);
      budget.record(this.elapsed());
      writes++;
      const out = await this.air.exchange(this.control(e, l2), "command");
      if (out.kind === "no-route") {
        why = `not delivered (AF_DATA_CONFIRM ${hexByte(out.status)})`;
        continue;
      }
      if (out.kind === "reply" && ackOf(out.payload, e)?.ok === false) {
        why = "the inverter answered DF (ack failed)";
        continue;
      }
      last = await this.readBack(e, raw);
      if (last?.limitRaw === raw) {
        return {
          outcome: "applied",
          requestedRaw: raw,
          limit: last,
          writes,
          message: `set to ${fmtW(last)}`,
        };
      }
      if (!last) {
        return {
          outcome: "sent",
          requestedRaw: raw,
          writes,
          message: `delivered, but ${e.serial} did not answer the read-back: not verified`,
        };
      }
      why = `read back ${fmtW(last)} (raw ${last.limitRaw}), asked for raw ${raw}`;
    }
    const r: Partial2 = {
      outcome: "failed",
      requestedRaw: raw,
      writes,
      message: `${why} after ${writes} write(s)`,
    };
    if (last) r.limit = last;
    return r;
  }

  private async onOff(e: InverterEntry, on: boolean): Promise<Partial2> {
    const maxWrites = this.opts.maxWrites ?? 3;
    let why = "";
    for (let attempt = 1; attempt <= maxWrites; attempt++) {
      if (attempt > 1) await this.backoff(attempt - 1);
      const out = await this.air.exchange(this.control(e, encodeOnOff(on)), "command");
      if (out.kind !== "no-route") {
        const heard = out.kind === "reply" ? "delivered and acknowledged" : "delivered";
        return {
          outcome: "sent",
          writes: attempt,
          message: `turn ${on ? "on" : "off"} ${heard}; the inverter gives no read-back for on/off`,
        };
      }
      why = `not delivered (AF_DATA_CONFIRM ${hexByte(out.status)})`;
    }
    return { outcome: "failed", writes: maxWrites, message: why };
  }

  /** Reads until the value equals `want` or the read-backs run out; the last value read, if any. */
  private async readBack(e: InverterEntry, want: number): Promise<LimitReply | undefined> {
    const n = this.opts.readBacks ?? 3;
    let last: LimitReply | undefined;
    for (let i = 1; i <= n; i++) {
      const got = await this.readLimit(e);
      if (got) last = got;
      if (last?.limitRaw === want) return last;
      if (i < n) await this.backoff(i);
    }
    return last;
  }

  /** A control write: the exchange ends at the short DE acknowledgement, or after ackTimeoutMs without it. */
  private control(e: InverterEntry, l2: Uint8Array): AirRequest {
    return {
      shortAddress: e.shortAddress,
      l2,
      accept: (p) => ackOf(p, e) !== undefined,
      replyTimeoutMs: this.opts.ackTimeoutMs ?? 1500,
    };
  }

  private async readLimit(e: InverterEntry): Promise<LimitReply | undefined> {
    const out = await this.air.exchange(
      { shortAddress: e.shortAddress, l2: encodeLimitQuery(), accept: (p) => carriesLimit(p, e) },
      "command",
    );
    if (out.kind !== "reply") return undefined;
    const reply = decodeForEntry(out.payload, e);
    if (reply.kind !== "limit") return undefined;
    this.verified.set(e.serial, { limit: reply, at: this.clock.now() });
    return reply;
  }

  private elapsed(): number {
    return this.clock.elapsedMs?.() ?? this.clock.now();
  }

  private budget(serial: string): RateWindow {
    let b = this.budgets.get(serial);
    if (!b) {
      b = new RateWindow(this.opts.writesPerHour ?? DEFAULT_WRITES_PER_HOUR, 3_600_000);
      this.budgets.set(serial, b);
    }
    return b;
  }

  private backoff(n: number): Promise<void> {
    const ms = backoffDelay(n, { initialMs: 2000, maxMs: 30_000, ...this.opts.retry }, this.opts.random);
    return sleep(this.clock, ms);
  }
}
