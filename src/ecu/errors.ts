/**
 * What can go wrong talking to a vendor ECU on port 8899, as typed errors: each message says what
 * happened, at which address, and what the owner can check (ecu-lan-protocol.md §2.1, §6).
 */
import type { FrameError } from "../protocol/errors.ts";

export interface EcuTarget {
  host: string;
  port: number;
}

export function targetText(t: EcuTarget): string {
  return `${t.host.includes(":") ? `[${t.host}]` : t.host}:${t.port}`;
}

/** Common base, so callers can catch every ECU transport failure at once. */
export class EcuLinkError extends Error {
  /** What happened, without the advice (for a fault finding that gives its own). */
  readonly what: string;
  constructor(
    message: string,
    readonly target: EcuTarget,
    /** The 4-digit command of the request, e.g. `0002`. */
    readonly command: string,
    what?: string,
  ) {
    super(message);
    this.what = what ?? message;
  }
}

/** The ECU did not answer (or not completely) within the response timeout. */
export class EcuTimeoutError extends EcuLinkError {
  override readonly name = "EcuTimeoutError";
  constructor(
    target: EcuTarget,
    command: string,
    readonly timeoutMs: number,
    /** "connect": no TCP connection; "answer": connected, answer missing or incomplete. */
    readonly phase: "connect" | "answer",
    readonly gotBytes: number,
  ) {
    const what =
      phase === "connect"
        ? `no TCP connection to the ECU at ${targetText(target)} within ${timeoutMs / 1000} s`
        : `the ECU at ${targetText(target)} did not answer command ${command} within ${timeoutMs / 1000} s (${gotBytes} bytes arrived)`;
    super(
      `${what}: it may be in its nightly maintenance (about 02:45–03:15), busy, or hung after being polled too often; ` +
        "the next poll retries later. If it persists, check the ECU is powered and still at this address on the LAN, then power-cycle it",
      target,
      command,
      what,
    );
  }
}

/** Nothing accepts connections there: refused, or no route to the host. */
export class EcuRefusedError extends EcuLinkError {
  override readonly name = "EcuRefusedError";
  constructor(
    target: EcuTarget,
    command: string,
    /** The system error code, e.g. ECONNREFUSED, EHOSTUNREACH. */
    readonly code: string,
  ) {
    const what = `cannot connect to the ECU at ${targetText(target)} (${code})`;
    super(
      `${what}: check the address is the ECU's (early ECU-R 2160 units answer ` +
        "port 8899 only on their Wi-Fi address; ECU-R-Pro and ECU-C also on Ethernet), that this machine can reach that network, " +
        "and that the port is 8899. An ECU-R that rejects connections after its hotspot switched off needs a power cycle",
      target,
      command,
      what,
    );
  }
}

/** The ECU closed the connection before the answer's length field was satisfied (or said nothing). */
export class EcuCutAnswerError extends EcuLinkError {
  override readonly name = "EcuCutAnswerError";
  constructor(
    target: EcuTarget,
    command: string,
    /** Whole answer size the length field announced (length + LF); undefined before the 9-byte header arrived. */
    readonly needBytes: number | undefined,
    readonly gotBytes: number,
    /** What did arrive, for a bug report. */
    readonly received: Buffer,
  ) {
    const what =
      gotBytes === 0
        ? `the ECU at ${targetText(target)} closed the connection without answering command ${command}`
        : needBytes === undefined
          ? `the ECU at ${targetText(target)} closed the connection after ${gotBytes} bytes, before its answer's length field`
          : `the ECU at ${targetText(target)} closed the connection after ${gotBytes} of the ${needBytes} bytes its answer to ${command} announced`;
    super(
      `${what}: ECUs do this during their nightly maintenance and while restarting; the next poll retries. ` +
        "If every answer is cut, check that nothing else (another integration) polls the ECU at the same time",
      target,
      command,
      what,
    );
  }
}

/** Bytes arrived that are not an 8899 answer (or one we cannot read); the hex goes in a bug report. */
export class EcuBadAnswerError extends EcuLinkError {
  override readonly name = "EcuBadAnswerError";
  constructor(
    target: EcuTarget,
    command: string,
    readonly hex: string,
    override readonly cause: FrameError | Error,
  ) {
    super(
      `the ECU at ${targetText(target)} answered command ${command} with bytes localecu cannot read (${cause.message}); ` +
        `is ${targetText(target)} really the ECU's port 8899? If it is, please report the answer: ${hex.slice(0, 400)}`,
      target,
      command,
      `the ECU at ${targetText(target)} answered command ${command} with bytes localecu cannot read`,
    );
  }
}
