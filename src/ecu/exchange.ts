/**
 * The vendor ECU's LAN port 8899, one exchange at a time (ecu-lan-protocol.md §2.1–2.2): open a TCP
 * connection, send one request, read exactly the answer its length field announces, close. ECU-R-Pro
 * units need a fresh connection per request, and every integration does it that way for all models.
 *
 * The answer is framed by its length field (`ecuAnswerSize` from the codec), never by a line feed:
 * binary fields contain 0x0A, and readers that stopped there cut real answers (ksheumaker#39).
 */
import { connect } from "node:net";
import { ecuAnswerSize } from "../protocol/ecu/frame.ts";
import {
  EcuBadAnswerError,
  EcuCutAnswerError,
  EcuRefusedError,
  type EcuTarget,
  EcuTimeoutError,
} from "./errors.ts";

export const ECU_PORT = 8899;
/**
 * Answers take < 50 ms on an ECU-R (npeter README); integrations wait 3–5 s. 10 s leaves room for a
 * busy ECU without letting a hung one hold the single request slot for long.
 */
export const ECU_RESPONSE_TIMEOUT_MS = 10_000;

/** Errors before the TCP connection exists that mean "nothing reachable there". */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EHOSTDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** The 4-digit command code of a request (for messages), `????` when it has none. */
export function requestCommand(request: Uint8Array): string {
  const c = Buffer.from(request.subarray(9, 13)).toString("latin1");
  return /^\d{4}$/.test(c) ? c : "????";
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new DOMException("the ECU request was aborted", "AbortError");
}

/**
 * Sends one request and resolves with the whole answer (length + 1 bytes, the final LF included).
 * The timeout covers connecting and the whole answer. Rejects with EcuTimeoutError, EcuRefusedError,
 * EcuCutAnswerError or EcuBadAnswerError (bytes that are not an 8899 answer), or the signal's reason.
 */
export function ecuExchange(
  target: EcuTarget,
  request: Buffer,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<Buffer> {
  const timeoutMs = opts.timeoutMs ?? ECU_RESPONSE_TIMEOUT_MS;
  const command = requestCommand(request);
  const signal = opts.signal;
  return new Promise<Buffer>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    const socket = connect({ host: target.host, port: target.port });
    socket.setNoDelay(true);
    const chunks: Buffer[] = [];
    let got = 0;
    let need: number | undefined;
    let connected = false;
    let settled = false;
    const finish = (err: Error | undefined, answer?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      if (err) reject(err);
      else resolve(answer!);
    };
    const timer = setTimeout(
      () => finish(new EcuTimeoutError(target, command, timeoutMs, connected ? "answer" : "connect", got)),
      timeoutMs,
    );
    const onAbort = () => finish(abortError(signal!));
    signal?.addEventListener("abort", onAbort, { once: true });

    socket.once("connect", () => {
      connected = true;
      socket.write(request);
    });
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      got += chunk.length;
      if (need === undefined && got >= 9) {
        try {
          need = ecuAnswerSize(Buffer.concat(chunks));
        } catch (e) {
          const hex = Buffer.concat(chunks).toString("hex");
          finish(new EcuBadAnswerError(target, command, hex, e as Error));
          return;
        }
      }
      // The length field bounds what we keep: at most 10 000 bytes (4 decimal digits + LF).
      if (need !== undefined && got >= need) finish(undefined, Buffer.concat(chunks).subarray(0, need));
    });
    socket.on("close", () =>
      finish(new EcuCutAnswerError(target, command, need, got, Buffer.concat(chunks))),
    );
    socket.on("error", (e: NodeJS.ErrnoException) => {
      const code = e.code ?? "error";
      if (!connected) {
        finish(
          UNREACHABLE.has(code)
            ? new EcuRefusedError(target, command, code)
            : new EcuRefusedError(target, command, `${code}: ${e.message}`),
        );
      } else finish(new EcuCutAnswerError(target, command, need, got, Buffer.concat(chunks)));
    });
  });
}
