/**
 * One ECU, one request at a time: every integration serialises its queries (ecu_reader even holds one
 * lock for all ECUs), and ECUs hang when several connections overlap. Requests queue in call order; a
 * failed one does not stop the next. The queue belongs to the ECU's address, not to the link object, so
 * two links to one ECU (the controller's poller and a CLI read, say) still never overlap in one process.
 * Answers come back decoded by the codec.
 */

import { decodeEcuAnswer } from "../protocol/ecu/decode.ts";
import {
  clockRequest,
  energyHistoryRequest,
  infoRequest,
  powerOfDayRequest,
  realtimeRequest,
  signalRequest,
} from "../protocol/ecu/requests.ts";
import type {
  EcuAnswer,
  EcuClock,
  EcuEnergyHistory,
  EcuEnergyPeriod,
  EcuInfo,
  EcuPowerOfDay,
  EcuRealtime,
  EcuSignal,
} from "../protocol/ecu/types.ts";
import { FrameError } from "../protocol/errors.ts";
import { EcuBadAnswerError, EcuLinkError, type EcuTarget, targetText } from "./errors.ts";
import { ecuExchange, requestCommand } from "./exchange.ts";

/** The last request queued per ECU address ("host:port"), shared by every link in this process. */
const tails = new Map<string, Promise<unknown>>();

export interface EcuLinkOptions {
  /** Per request; default ECU_RESPONSE_TIMEOUT_MS (10 s). */
  timeoutMs?: number;
}

export class EcuLink {
  private waiting = 0;
  private active = 0;
  private closed = false;
  private readonly abort = new AbortController();

  constructor(
    readonly target: EcuTarget,
    private readonly opts: EcuLinkOptions = {},
  ) {}

  /** Requests queued or in flight. */
  get pending(): number {
    return this.waiting + this.active;
  }

  /** Sends one raw request after every earlier one has finished; resolves with the raw answer. */
  exchange(request: Buffer | string): Promise<Buffer> {
    const bytes = typeof request === "string" ? Buffer.from(request, "latin1") : request;
    if (this.closed) {
      return Promise.reject(
        new EcuLinkError(
          `the link to the ECU at ${targetText(this.target)} is closed`,
          this.target,
          requestCommand(bytes),
        ),
      );
    }
    this.waiting++;
    const run = async () => {
      this.waiting--;
      if (this.closed) {
        throw new EcuLinkError(
          `the link to the ECU at ${targetText(this.target)} closed before this request was sent`,
          this.target,
          requestCommand(bytes),
        );
      }
      this.active++;
      try {
        return await ecuExchange(this.target, bytes, {
          ...(this.opts.timeoutMs === undefined ? {} : { timeoutMs: this.opts.timeoutMs }),
          signal: this.abort.signal,
        });
      } finally {
        this.active--;
      }
    };
    const key = `${this.target.host}:${this.target.port}`;
    const p = (tails.get(key) ?? Promise.resolve()).then(run, run);
    const tail = p.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return p;
  }

  /** 0001 — also how the ECU id for every other request is learnt. */
  readInfo(): Promise<EcuInfo> {
    return this.query(infoRequest(), "ecu-info");
  }

  /** 0002 — every inverter at the ECU's last cycle. */
  readRealtime(ecuId: string): Promise<EcuRealtime> {
    return this.query(realtimeRequest(ecuId), "ecu-realtime");
  }

  /** 0030 — ZigBee signal level per inverter. */
  readSignal(ecuId: string): Promise<EcuSignal> {
    return this.query(signalRequest(ecuId), "ecu-signal");
  }

  /** 0003 — power over one day; `date` as YYYY-MM-DD (ECU local). */
  readPowerOfDay(ecuId: string, date: string): Promise<EcuPowerOfDay> {
    return this.query(powerOfDayRequest(ecuId, date), "ecu-power-of-day");
  }

  /** 0004 — energy per day (week, month) or month (year). */
  readEnergyHistory(ecuId: string, period: EcuEnergyPeriod): Promise<EcuEnergyHistory> {
    return this.query(energyHistoryRequest(ecuId, period), "ecu-energy-history");
  }

  /** 0012 — the ECU's clock. */
  readClock(ecuId: string): Promise<EcuClock> {
    return this.query(clockRequest(ecuId), "ecu-clock");
  }

  /** Aborts the request in flight and fails the queued ones; the link cannot be used again. */
  close(): void {
    this.closed = true;
    this.abort.abort(
      new EcuLinkError(`the link to the ECU at ${targetText(this.target)} was closed`, this.target, "????"),
    );
  }

  private async query<K extends EcuAnswer["kind"]>(
    request: string,
    kind: K,
  ): Promise<Extract<EcuAnswer, { kind: K }>> {
    const bytes = Buffer.from(request, "latin1");
    const command = requestCommand(bytes);
    const answer = await this.exchange(bytes);
    let decoded: EcuAnswer;
    try {
      decoded = decodeEcuAnswer(answer);
    } catch (e) {
      if (e instanceof FrameError)
        throw new EcuBadAnswerError(this.target, command, answer.toString("hex"), e);
      throw e;
    }
    if (decoded.kind !== kind) {
      const got = decoded.kind === "ecu-other" ? decoded.command : decoded.kind;
      throw new EcuBadAnswerError(
        this.target,
        command,
        answer.toString("hex"),
        new Error(`asked for command ${command}, the answer is for ${got}`),
      );
    }
    return decoded as Extract<EcuAnswer, { kind: K }>;
  }
}
