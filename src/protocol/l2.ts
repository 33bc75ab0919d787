/**
 * The APsystems application frame ("L2") inside every AF payload:
 *
 *   FB FB <innerlen> <cmd> <body…> <sum hi> <sum lo> FE FE
 *
 * innerlen = 1 + body length; sum = 16-bit sum of innerlen, cmd and body (openaps codec/l2.go).
 * Worked frame, the poll: `FB FB 06 BB 00 00 00 00 00 00 C1 FE FE` — 06 + BB = 00C1.
 *
 * Checksum rules (research §6.3, checked against every capture in frames.json):
 * - requests we build and DS3 replies carry a valid sum;
 * - YC600 replies carry 00 00; QS1/QS1A replies carry 00 00 or an unexplained value, and are sometimes
 *   2 bytes longer than innerlen says (extra bytes before the sum).
 * So replies are validated by FB FB … FE FE and length; the sum is enforced only where it is known valid.
 */
import { FrameError } from "./errors.ts";

export interface L2Frame {
  cmd: number;
  body: Uint8Array;
  /** The 16-bit value in the checksum slot. */
  checksum: number;
  /** "valid": equals the sum; "absent": 00 00; "other": anything else (QS1 quirk). */
  checksumState: "valid" | "absent" | "other";
  /** Bytes between body and checksum beyond what innerlen says (0 or 2). */
  extra: Uint8Array;
}

export const L2_HEAD = 0xfb;
export const L2_TAIL = 0xfe;
/** Longest reply seen is the DS3's 99 bytes; cap what a caller can make us accept. */
export const MAX_L2_BYTES = 240;

export function sum16(bytes: ArrayLike<number>, start = 0, end = bytes.length): number {
  let s = 0;
  for (let i = start; i < end; i++) s += bytes[i]!;
  return s & 0xffff;
}

export function buildL2(cmd: number, body: ArrayLike<number>): Uint8Array {
  const n = body.length;
  const out = new Uint8Array(n + 8);
  out[0] = L2_HEAD;
  out[1] = L2_HEAD;
  out[2] = n + 1;
  out[3] = cmd;
  out.set(Array.from(body), 4);
  const s = sum16(out, 2, n + 4);
  out[n + 4] = s >> 8;
  out[n + 5] = s & 0xff;
  out[n + 6] = L2_TAIL;
  out[n + 7] = L2_TAIL;
  return out;
}

export interface ParseL2Options {
  /** Require a valid checksum (requests, DS3 replies). Default false. */
  strictChecksum?: boolean;
}

export function parseL2(frame: Uint8Array, opts: ParseL2Options = {}): L2Frame {
  if (frame.length < 8) throw new FrameError("short", `an L2 frame is at least 8 bytes, got ${frame.length}`);
  if (frame.length > MAX_L2_BYTES)
    throw new FrameError("length", `L2 frame of ${frame.length} bytes exceeds ${MAX_L2_BYTES}`);
  if (frame[0] !== L2_HEAD || frame[1] !== L2_HEAD) {
    throw new FrameError("sof", `L2 must start FB FB, got ${hx(frame[0]!)} ${hx(frame[1]!)}`, 0);
  }
  const inner = frame[2]!;
  if (inner < 1) throw new FrameError("length", "innerlen 0 leaves no room for the command byte", 2);
  const base = inner + 7;
  const extraLen = frame.length - base;
  if (extraLen !== 0 && extraLen !== 2) {
    throw new FrameError(
      "length",
      `innerlen ${inner} means a ${base}-byte frame (or ${base + 2} for QS1), got ${frame.length}`,
      2,
    );
  }
  const end = frame.length;
  if (frame[end - 1] !== L2_TAIL || frame[end - 2] !== L2_TAIL) {
    throw new FrameError(
      "eof",
      `L2 must end FE FE, got ${hx(frame[end - 2]!)} ${hx(frame[end - 1]!)}`,
      end - 2,
    );
  }
  const body = frame.slice(4, 3 + inner);
  const extra = frame.slice(3 + inner, 3 + inner + extraLen);
  const checksum = (frame[end - 4]! << 8) | frame[end - 3]!;
  const want = sum16(frame, 2, 3 + inner);
  const checksumState = checksum === want ? "valid" : checksum === 0 ? "absent" : "other";
  if (opts.strictChecksum && checksumState !== "valid") {
    throw new FrameError(
      "checksum",
      `sum of innerlen..body is ${want.toString(16).padStart(4, "0").toUpperCase()}, frame carries ${checksum.toString(16).padStart(4, "0").toUpperCase()}`,
      end - 4,
    );
  }
  return { cmd: frame[3]!, body, checksum, checksumState, extra };
}

function hx(b: number): string {
  return b.toString(16).padStart(2, "0").toUpperCase();
}
