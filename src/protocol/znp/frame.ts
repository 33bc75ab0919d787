/**
 * TI ZNP / MT UART framing: `FE <len> <cmd0> <cmd1> <data…len> <FCS>`,
 * FCS = XOR of len, cmd0, cmd1 and data (Z-Stack Monitor and Test API, §2.1.1).
 *
 * cmd0 = type (bits 7..5: 1 SREQ, 2 AREQ, 3 SRSP) | subsystem (bits 4..0: 1 SYS, 4 AF, 5 ZDO, 6 SAPI, 7 UTIL).
 * Worked frame (ESP-ECU bring-up trace): `FE 01 41 00 00 40` = SYS_RESET_REQ type 0; 01^41^00^00 = 40.
 */
import { FrameError } from "../errors.ts";

export const SOF = 0xfe;
/** MT caps the data field at 250 bytes (one length byte, minus headroom); bounds what a stream can make us buffer. */
export const MAX_ZNP_DATA = 250;

export interface ZnpFrame {
  cmd0: number;
  cmd1: number;
  data: Uint8Array;
}

export type ZnpType = "POLL" | "SREQ" | "AREQ" | "SRSP" | "RES";

export function znpType(cmd0: number): ZnpType {
  return (["POLL", "SREQ", "AREQ", "SRSP"] as const)[cmd0 >> 5] ?? "RES";
}

export function fcs(bytes: Uint8Array, start: number, end: number): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i]!;
  return x;
}

export function encodeZnpFrame(frame: ZnpFrame): Uint8Array {
  const n = frame.data.length;
  if (n > MAX_ZNP_DATA) throw new FrameError("range", `ZNP data is ${n} bytes, at most ${MAX_ZNP_DATA} fit`);
  const out = new Uint8Array(n + 5);
  out[0] = SOF;
  out[1] = n;
  out[2] = frame.cmd0;
  out[3] = frame.cmd1;
  out.set(frame.data, 4);
  out[n + 4] = fcs(out, 1, n + 4);
  return out;
}

export function znp(cmd0: number, cmd1: number, data: ArrayLike<number> = []): ZnpFrame {
  return { cmd0, cmd1, data: Uint8Array.from(data) };
}

/** Decodes exactly one complete frame (no stray bytes); use ZnpStreamParser for streams. */
export function decodeZnpFrame(bytes: Uint8Array): ZnpFrame {
  if (bytes.length < 5) throw new FrameError("short", `a ZNP frame is at least 5 bytes, got ${bytes.length}`);
  if (bytes[0] !== SOF) throw new FrameError("sof", `expected FE, got ${hex2(bytes[0]!)}`, 0);
  const n = bytes[1]!;
  if (n > MAX_ZNP_DATA) throw new FrameError("length", `length byte ${n} exceeds ${MAX_ZNP_DATA}`, 1);
  if (bytes.length !== n + 5) {
    throw new FrameError(
      "length",
      `length byte says ${n} data bytes (frame ${n + 5}), got ${bytes.length} bytes`,
      1,
    );
  }
  const want = fcs(bytes, 1, n + 4);
  if (bytes[n + 4] !== want) {
    throw new FrameError("fcs", `FCS is ${hex2(bytes[n + 4]!)}, XOR of the frame is ${hex2(want)}`, n + 4);
  }
  return { cmd0: bytes[2]!, cmd1: bytes[3]!, data: bytes.slice(4, n + 4) };
}

export function hex2(b: number): string {
  return b.toString(16).padStart(2, "0").toUpperCase();
}

export function cmdName(cmd0: number, cmd1: number): string {
  return `${hex2(cmd0)} ${hex2(cmd1)}`;
}
