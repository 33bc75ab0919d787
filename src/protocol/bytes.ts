import { FrameError } from "./errors.ts";

/**
 * Parses hex text as installers paste it: any case, optional `0x`, spaces, colons, dashes and
 * newlines between bytes. Anything else is an error naming the character position.
 */
export function fromHex(text: string): Uint8Array {
  const cleaned: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "0" && (text[i + 1] === "x" || text[i + 1] === "X")) {
      i += 2;
      continue;
    }
    if (/[0-9a-fA-F]/.test(ch)) cleaned.push(ch);
    else if (!/[\s:,-]/.test(ch)) {
      throw new FrameError("hex", `'${ch}' at character ${i + 1} is not a hex digit`);
    }
    i++;
  }
  if (cleaned.length === 0) throw new FrameError("hex", "no hex digits in input");
  if (cleaned.length % 2 !== 0) {
    throw new FrameError("hex", `odd number of hex digits (${cleaned.length}): a byte is cut in half`);
  }
  const out = new Uint8Array(cleaned.length / 2);
  for (let b = 0; b < out.length; b++) out[b] = Number.parseInt(cleaned[2 * b]! + cleaned[2 * b + 1]!, 16);
  return out;
}

export function toHex(bytes: Uint8Array, sep = ""): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(sep);
}

/** Big-endian unsigned read of `width` bytes (≤ 6, so the result stays an exact JS number). */
export function readUintBE(b: Uint8Array, off: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + b[off + i]!;
  return v;
}

export function readUintLE(b: Uint8Array, off: number, width: number): number {
  let v = 0;
  for (let i = width - 1; i >= 0; i--) v = v * 256 + b[off + i]!;
  return v;
}

export function writeUintBE(b: Uint8Array, off: number, width: number, value: number): void {
  let v = value;
  for (let i = width - 1; i >= 0; i--) {
    b[off + i] = v % 256;
    v = Math.floor(v / 256);
  }
}

export function writeUintLE(b: Uint8Array, off: number, width: number, value: number): void {
  let v = value;
  for (let i = 0; i < width; i++) {
    b[off + i] = v % 256;
    v = Math.floor(v / 256);
  }
}

export function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function need(b: Uint8Array, n: number, what: string): void {
  if (b.length < n) throw new FrameError("short", `${what} needs ${n} bytes, got ${b.length}`, b.length);
}
