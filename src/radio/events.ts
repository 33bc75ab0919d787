/**
 * What the radio tells the rest of localecu. Each `onX` returns its own unsubscribe function; the
 * site-level bus (elsewhere) subscribes here and re-emits.
 */
import type { ControlStatus, LimitReply, ProtectionReading, Reply } from "../protocol/index.ts";
import { TypedEmitter } from "./emitter.ts";
import type { RadioLogger } from "./log.ts";

/** A decoded reply from an inverter, with where and when it came from. */
export interface ReadingEvent {
  serial: string;
  shortAddress: number;
  reply: Reply;
  /** The raw AF payload (serial + L2) the reply was decoded from, for hosts that decode it themselves. */
  payload: Uint8Array;
  /** LQI byte of the AF_INCOMING_MSG (0–255). */
  linkQuality: number;
  /** Epoch ms when the reply arrived. */
  at: number;
}

export type LinkPhase = "connecting" | "bringing-up" | "ready" | "no-answer" | "reconnecting" | "closed";

export interface LinkStateEvent {
  state: LinkPhase;
  url: string;
  at: number;
  reason?: string;
  /** Reconnect attempt number while reconnecting. */
  attempt?: number;
  retryInMs?: number;
}

/**
 * awake: answered its last poll. sleeping: silent while the site is dark (or all inverters are silent),
 * polled slowly. unreachable: silent while others answer. encrypted: AES-paired by a vendor ECU.
 */
export type InverterState = "unknown" | "awake" | "sleeping" | "unreachable" | "encrypted";

export interface InverterStateEvent {
  serial: string;
  shortAddress: number;
  state: InverterState;
  previous: InverterState;
  reason: string;
  at: number;
}

/**
 * A poll that got no answer: delivered but not answered (`no-reply`) or not delivered (`no-route`). Failures
 * of the stick's own link are not here: they say nothing about the inverter.
 */
export interface PollMissedEvent {
  serial: string;
  shortAddress: number;
  outcome: "no-reply" | "no-route";
  at: number;
}

/** The stick rebooted by itself (SYS_RESET_IND outside our own bring-up); the radio brings it up again. */
export interface StickResetEvent {
  reason: string;
  at: number;
}

export type RadioCommand =
  | { kind: "set-max-power"; serial: string; watts: number }
  | { kind: "on-off"; serial: string; on: boolean }
  | { kind: "query-limit"; serial: string };

/**
 * applied: written and the read-back shows it. unchanged: the verified value already equals it, nothing sent.
 * sent: delivered on air, cannot be (or was not) read back. read: a query answered.
 * refused: the write budget is used up (see retryAt). invalid: the value or model cannot be encoded.
 * failed: not delivered or the read-back disagrees after every retry.
 */
export type CommandOutcome = "applied" | "unchanged" | "sent" | "read" | "refused" | "invalid" | "failed";

export interface CommandResult {
  command: RadioCommand;
  serial: string;
  shortAddress?: number;
  outcome: CommandOutcome;
  /** The control's on-air status from ModelInfo.controls (confirmed / unverified). */
  control: ControlStatus;
  evidence: string;
  /** The wire value we asked for (set-max-power). */
  requestedRaw?: number;
  /** The last limit read back from the inverter. */
  limit?: LimitReply;
  /** Writes put on the air for this command. */
  writes: number;
  /** refused: epoch ms from which the next write is allowed. */
  retryAt?: number;
  message: string;
  at: number;
}

export interface PairingProgress {
  serial: string;
  /** 1–4: which broadcast was just sent; 0 when waiting for the answer. */
  step: number;
  of: number;
  cluster?: number;
  round: number;
  message: string;
}

/**
 * A poll round is over: every answering inverter was polled (or nothing is due for half an interval).
 * Sinks that sum over the site publish once here instead of once per reading.
 */
export interface PollsDoneEvent {
  /** Inverters polled (on schedule or on demand) since the previous event. */
  inverters: number;
  at: number;
}

/** An inverter's grid-protection settings were read (src/radio/protection.ts). */
export interface ProtectionReadEvent {
  reading: ProtectionReading;
  at: number;
}

export interface RadioEventMap {
  reading: ReadingEvent;
  pollsDone: PollsDoneEvent;
  commandResult: CommandResult;
  linkState: LinkStateEvent;
  inverterState: InverterStateEvent;
  pairingProgress: PairingProgress;
  pollMissed: PollMissedEvent;
  stickReset: StickResetEvent;
  protectionRead: ProtectionReadEvent;
}

export class RadioEvents {
  private readonly emitter: TypedEmitter<RadioEventMap>;

  constructor(logger?: RadioLogger) {
    this.emitter = new TypedEmitter<RadioEventMap>(logger, "radio");
  }

  onReading(fn: (e: ReadingEvent) => void): () => void {
    return this.emitter.on("reading", fn);
  }
  onPollsDone(fn: (e: PollsDoneEvent) => void): () => void {
    return this.emitter.on("pollsDone", fn);
  }
  onCommandResult(fn: (e: CommandResult) => void): () => void {
    return this.emitter.on("commandResult", fn);
  }
  onLinkState(fn: (e: LinkStateEvent) => void): () => void {
    return this.emitter.on("linkState", fn);
  }
  onInverterState(fn: (e: InverterStateEvent) => void): () => void {
    return this.emitter.on("inverterState", fn);
  }
  onPairingProgress(fn: (e: PairingProgress) => void): () => void {
    return this.emitter.on("pairingProgress", fn);
  }
  onPollMissed(fn: (e: PollMissedEvent) => void): () => void {
    return this.emitter.on("pollMissed", fn);
  }
  onProtectionRead(fn: (e: ProtectionReadEvent) => void): () => void {
    return this.emitter.on("protectionRead", fn);
  }
  onStickReset(fn: (e: StickResetEvent) => void): () => void {
    return this.emitter.on("stickReset", fn);
  }

  emit<K extends keyof RadioEventMap>(name: K, value: RadioEventMap[K]): void {
    this.emitter.emit(name, value);
  }

  clear(): void {
    this.emitter.clear();
  }
}
