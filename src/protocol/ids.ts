/**
 * Identities on the APsystems link.
 *
 * - Inverter serial: the 12 printed digits, sent as 6 BCD bytes (801000085070 → 80 10 00 08 50 70).
 * - ECU id: 6 bytes, the byte-reversed ECU MAC. ESP-ECU's example `D8A3011B9780` is MAC
 *   80:97:1B:01:A3:D8. "ecu rev" in DESIGN.md is the MAC order, i.e. these 6 bytes reversed, and is
 *   what every ECU→inverter payload starts with (ECU-C sniffs show 80 97 1B 0B BD E8).
 * - PAN id: the first two ECU id bytes read little-endian (D8 A3 → 0xA3D8). Confirmed on air with an
 *   ECU-C: MAC 80:97:1B:0B:BD:E8 → PAN 0xBDE8.
 * - IEEE (inferred from captures): on air FF FF then the 6 id bytes; as a 64-bit number that is
 *   `0x<id bytes reversed>ffff`, e.g. serial 801000085070 → 0x705008001080ffff.
 */
import { fromHex, toHex } from "./bytes.ts";
import { FrameError } from "./errors.ts";

export function encodeSerial(serial: string): Uint8Array {
  if (!/^\d{12}$/.test(serial)) {
    throw new FrameError(
      "serial",
      `inverter serial must be 12 digits as printed on the label, got '${serial}'`,
    );
  }
  return fromHex(serial);
}

/** Serial from 6 BCD bytes; non-BCD nibbles mean the bytes are not a serial (e.g. AES garbage). */
export function decodeSerial(bytes: Uint8Array, off = 0): string {
  const s = toHex(bytes.subarray(off, off + 6));
  if (s.length !== 12 || !/^\d{12}$/.test(s)) {
    throw new FrameError("serial", `bytes ${s.toUpperCase()} are not a BCD serial`, off);
  }
  return s;
}

export function isSerial(text: string): boolean {
  return /^\d{12}$/.test(text);
}

/** ECU id as 12 hex digits (ESP-ECU convention, e.g. D8A3011B9780). */
export function parseEcuId(text: string): Uint8Array {
  if (!/^[0-9a-fA-F]{12}$/.test(text)) {
    throw new FrameError("range", `ECU id must be 12 hex digits (e.g. D8A3011B9780), got '${text}'`);
  }
  return fromHex(text);
}

/** The 6 bytes every ECU→inverter payload starts with: the ECU id reversed (= the ECU MAC order). */
export function ecuRev(ecuId: Uint8Array): Uint8Array {
  return Uint8Array.from(ecuId).reverse();
}

export function panFromEcuId(ecuId: Uint8Array): number {
  return ecuId[0]! | (ecuId[1]! << 8);
}

/** zigbee-herdsman style IEEE string for 6 id bytes as they appear on air after FF FF. */
export function ieeeFromIdBytes(idOnAir: Uint8Array): string {
  return `0x${toHex(Uint8Array.from(idOnAir).reverse())}ffff`;
}

export function inverterIeee(serial: string): string {
  return ieeeFromIdBytes(encodeSerial(serial));
}

export function coordinatorIeee(ecuId: Uint8Array): string {
  return ieeeFromIdBytes(ecuRev(ecuId));
}

export function formatShort(addr: number): string {
  return `0x${addr.toString(16).padStart(4, "0").toUpperCase()}`;
}
