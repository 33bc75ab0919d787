/**
 * The shape of a reply from an inverter paired in AES mode by a newer vendor ECU (ECU-R-Pro, ECU-C with
 * "AES_flag_ALL=1"; openaps docs/AES-DESIGN.md, patience4711/ESP32-read-APS-inverters#55):
 *
 *   <serial 6 BCD> <nonce 6 random> AES-128-ECB( <len> <L2 FB FB … FE FE> <zero pad> )
 *
 * The ciphertext is whole 16-byte blocks; the shortest L2 (13 bytes, an ack) plus its length byte fills
 * one block, the longest we accept (MAX_L2_BYTES) sixteen. A plaintext reply has FB FB right after the
 * serial, so the research gate is "first byte after the serial < F0". We cannot decrypt without pairing
 * ourselves, so the shape is all we check — and anything without it is an error, not "encrypted".
 * Worked example: 801000085070 | 3A91C2D4E5F6 | 16 bytes → serial ok, 3A < F0, 16 = 1 block → AES.
 */
import { MAX_L2_BYTES } from "./l2.ts";

export const AES_GATE = 0xf0;
const SERIAL_BYTES = 6;
const NONCE_BYTES = 6;
const BLOCK = 16;
const MAX_BLOCKS = Math.ceil((MAX_L2_BYTES + 1) / BLOCK);

/** Why `payload` is not an AES-paired inverter's reply, or undefined when it has that shape. */
export function aesShapeProblem(payload: Uint8Array): string | undefined {
  const serial = payload.subarray(0, SERIAL_BYTES);
  if (serial.length < SERIAL_BYTES || !serial.every((b) => b >> 4 <= 9 && (b & 0x0f) <= 9))
    return "the first 6 bytes are not a BCD serial";
  const first = payload[SERIAL_BYTES];
  if (first === undefined || first >= AES_GATE)
    return `the byte after the serial must be below F0, got ${first === undefined ? "nothing" : hex(first)}`;
  const cipher = payload.length - SERIAL_BYTES - NONCE_BYTES;
  if (cipher < BLOCK || cipher % BLOCK !== 0 || cipher / BLOCK > MAX_BLOCKS) {
    return `an AES reply is a 6-byte nonce and 1–${MAX_BLOCKS} whole 16-byte blocks, but ${Math.max(cipher, 0)} bytes follow the nonce`;
  }
  return undefined;
}

export function isEncryptedPayload(payload: Uint8Array): boolean {
  return aesShapeProblem(payload) === undefined;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, "0").toUpperCase();
}
