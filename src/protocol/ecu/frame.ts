/**
 * The envelope of every answer on the ECU's LAN port 8899 (ecu-lan-protocol.md §2.2):
 *
 *   off 0  "APS"        signature (ASCII)
 *   off 3  "11" | "12"  answer group (ECU-R-Pro and ECU-C answer 0001 with 12)
 *   off 5  "0094"       decimal length = bytes from the A of APS through the D of the final END
 *   off 9  "0001"       command code echoed
 *   off 13 …            payload (every command but 0001 starts it with a 2-digit ASCII status)
 *   len-3  "END", then one LF (0x0A) that the length does not count
 *
 * Worked example (P2, ECU-R 216000120830 answering 0030, ksheumaker/homeassistant-apsystems_ecur#185):
 *   41 50 53 | 31 31 | 30 30 36 30 | 30 30 33 30 | 30 30 … 454e44 0a → group 11, length 60, 0030, 61 bytes.
 *
 * There is no checksum: the signature, the length field and END are the only integrity checks. Binary
 * fields contain 0x0A (an inverter count of 10 is 00 0A), so an answer is complete when length + 1 bytes
 * have arrived, never at the first LF. One exception, seen from an ECU-B (ksheumaker#270): the no-data
 * answer `APS1100150002` `02` LF has no END at all.
 */
import { toHex } from "../bytes.ts";
import { FrameError } from "../errors.ts";
import type { EcuFrame, EcuGroup, EcuStatus } from "./types.ts";

/** Bytes before the payload: APS + group + length + command. */
export const ECU_HEADER_BYTES = 13;
const END = [0x45, 0x4e, 0x44];
const LF = 0x0a;

/**
 * The answer has fewer bytes than its length field announces. Distinct from a malformed answer: a reader
 * that has not seen the peer close can wait for `needBytes` in total; a paste that ends here was cut.
 */
export class EcuCutFrameError extends FrameError {
  constructor(
    readonly needBytes: number,
    readonly gotBytes: number,
    detail: string,
  ) {
    super("cut", detail, gotBytes);
  }
}

/** ASCII text of bytes[off, off+len), bytes outside printable ASCII shown as \xNN. */
export function ascii(b: Uint8Array, off: number, len: number): string {
  let s = "";
  for (const c of b.subarray(off, off + len)) {
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, "0")}`;
  }
  return s;
}

function digitsAt(b: Uint8Array, off: number, len: number): number | undefined {
  const s = ascii(b, off, len);
  return /^\d+$/.test(s) && s.length === len ? Number(s) : undefined;
}

/** True when the bytes start like an 8899 answer ("APS1"), so callers can route them here. */
export function looksLikeEcuAnswer(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x41 && b[1] === 0x50 && b[2] === 0x53 && b[3] === 0x31;
}

/**
 * How many bytes the whole answer has (length field + the LF), from its first 9 bytes; undefined while
 * fewer than 9 have arrived. This is what a socket reader waits for.
 */
export function ecuAnswerSize(head: Uint8Array): number | undefined {
  if (head.length < 9) return undefined;
  checkSignature(head);
  return readLength(head) + 1;
}

function checkSignature(b: Uint8Array): EcuGroup {
  if (ascii(b, 0, 3) !== "APS") {
    throw new FrameError(
      "sof",
      `an ECU answer starts with ASCII "APS" (41 50 53), got ${toHex(b.subarray(0, 3), " ").toUpperCase()}; paste the answer from its first byte`,
      0,
    );
  }
  const group = ascii(b, 3, 2);
  if (group === "18") {
    throw new FrameError(
      "sof",
      `"APS18" is the ECU's upload to the EMA cloud (ports 8995–8997), not an answer from its LAN port 8899; localecu does not decode uploads`,
      3,
    );
  }
  if (group !== "11" && group !== "12") {
    throw new FrameError(
      "sof",
      `answer group must be "11" or "12" after APS, got "${group}"; is this an ECU answer from port 8899?`,
      3,
    );
  }
  return group;
}

function readLength(b: Uint8Array): number {
  const length = digitsAt(b, 5, 4);
  if (length === undefined) {
    throw new FrameError("length", `the length field must be 4 decimal digits, got "${ascii(b, 5, 4)}"`, 5);
  }
  if (length < ECU_HEADER_BYTES + 2) {
    throw new FrameError(
      "length",
      `length field ${length} is below the shortest answer (15: header + a 2-digit status)`,
      5,
    );
  }
  return length;
}

/** Checks the envelope of one whole answer (with or without its final LF) and returns its parts. */
export function parseEcuFrame(b: Uint8Array): EcuFrame {
  if (b.length < 9) {
    // What is there must still be the start of an answer; only then is it a cut one.
    const sig = [0x41, 0x50, 0x53];
    if (b.subarray(0, 3).some((c, i) => c !== sig[i]) || b.length >= 5) checkSignature(b);
    throw new EcuCutFrameError(
      ECU_HEADER_BYTES,
      b.length,
      `an ECU answer needs ≥ ${ECU_HEADER_BYTES} bytes for its header, got ${b.length}: the answer is cut; read until the peer closes or the length field is satisfied`,
    );
  }
  const group = checkSignature(b);
  const length = readLength(b);
  if (b.length < length) {
    throw new EcuCutFrameError(
      length + 1,
      b.length,
      `the length field says ${length} bytes + LF, got ${b.length}: the answer is cut (an incomplete paste, or a reader that stopped at the first 0x0A); read until ${length + 1} bytes have arrived`,
    );
  }
  if (b.length > length + 1) {
    throw new FrameError(
      "length",
      `the length field says ${length} bytes + LF, got ${b.length}: ${b.length - length - 1} bytes follow the answer; decode one answer at a time`,
      length + 1,
    );
  }
  if (b.length === length + 1 && b[length] !== LF) {
    throw new FrameError(
      "eof",
      `expected the final LF (0A) at byte ${length}, got ${toHex(b.subarray(length, length + 1)).toUpperCase()}`,
      length,
    );
  }
  const command = ascii(b, 9, 4);
  if (!/^\d{4}$/.test(command)) {
    throw new FrameError("command", `the command code must be 4 decimal digits, got "${command}"`, 9);
  }
  const hasEnd = END.every((c, i) => b[length - 3 + i] === c);
  if (!hasEnd) {
    // The ECU-B's status-only answer (ksheumaker#270) is exactly header + status, without END.
    if (length === ECU_HEADER_BYTES + 2 && command !== "0001") {
      return { group, length, command, payload: b.subarray(ECU_HEADER_BYTES, length), hasEnd: false };
    }
    throw new FrameError(
      "eof",
      `expected "END" before the final LF at byte ${length - 3}, got "${ascii(b, length - 3, 3)}": the length field or the answer is damaged`,
      length - 3,
    );
  }
  return { group, length, command, payload: b.subarray(ECU_HEADER_BYTES, length - 3), hasEnd };
}

const STATUS_MEANING: Record<string, string> = {
  "00": "ok",
  "01": "ECU id mismatch: the request named another ECU's id; read the id from the 0001 answer",
  "02": "no data: the ECU has nothing to report yet (new or replaced ECU, inverters not heard, or its nightly maintenance)",
};

/** The 2-digit status at the start of the payload (every command but 0001). */
export function readStatus(payload: Uint8Array): EcuStatus {
  const code = ascii(payload, 0, 2);
  return {
    code,
    ok: code === "00",
    meaning: STATUS_MEANING[code] ?? `status "${code}" is not documented (00 ok, 01 id mismatch, 02 no data)`,
  };
}

/** A 12-digit UID from 6 BCD bytes, or undefined when a nibble is above 9. */
export function bcdDigits(b: Uint8Array, off: number, len: number): string | undefined {
  if (off + len > b.length) return undefined;
  const s = toHex(b.subarray(off, off + len));
  return /^\d+$/.test(s) ? s : undefined;
}

/**
 * A BCD date-time `YYYYMMDDhhmmss` (7 bytes) as `YYYY-MM-DDThh:mm:ss` in the ECU's local time; undefined
 * for placeholders (D0 D0 …, all zeros) or impossible dates.
 */
export function bcdDateTime(b: Uint8Array, off: number): string | undefined {
  const d = bcdDigits(b, off, 7);
  return d === undefined ? undefined : isoLocal(d);
}

/** `YYYYMMDDhhmmss` digits as `YYYY-MM-DDThh:mm:ss` when each field is in range. */
export function isoLocal(d: string): string | undefined {
  const [mo, da, h, mi, s] = [4, 6, 8, 10, 12].map((i) => Number(d.slice(i, i + 2)));
  if (!(mo! >= 1 && mo! <= 12 && da! >= 1 && da! <= 31 && h! <= 23 && mi! <= 59 && s! <= 59))
    return undefined;
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(8, 10)}:${d.slice(10, 12)}:${d.slice(12, 14)}`;
}
