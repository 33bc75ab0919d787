/**
 * Hex input as installers paste it, and the fixed-width integer writers the emulator encodes with.
 * Expected bytes are written out; the integers are values from the captures (named per row).
 */
import { describe, expect, it } from "vitest";
import { fromHex, writeUintBE, writeUintLE } from "../../src/protocol/bytes.ts";

const list = (b: Uint8Array) => Array.from(b);

describe("fromHex", () => {
  it.each([
    ["plain upper case", "FE0141000040", [0xfe, 0x01, 0x41, 0x00, 0x00, 0x40]],
    ["lower case with spaces", "fe 01 41", [0xfe, 0x01, 0x41]],
    ["0x prefixes", "0xFE 0x01", [0xfe, 0x01]],
    ["0X prefixes, no space", "0XFE0X01", [0xfe, 0x01]],
    ["a 0x prefix before a zero byte", "0x00 0x0A", [0x00, 0x0a]],
    ["zero bytes without a prefix", "00 00 0A", [0x00, 0x00, 0x0a]],
    ["colons, dashes, commas and newlines", "FE:01-41,00\n40", [0xfe, 0x01, 0x41, 0x00, 0x40]],
  ])("%s: %j", (_what, text, bytes) => {
    expect(list(fromHex(text))).toEqual(bytes);
  });

  it.each([
    // only "0x" is a prefix: an x after any other digit is an error, at its 1-based position
    ["an x after a digit other than 0", "1x23", "hex: 'x' at character 2 is not a hex digit"],
    ["an x standing alone", "FE x01", "hex: 'x' at character 4 is not a hex digit"],
    ["a prefix without digits", "0x", "hex: no hex digits in input"],
  ])("rejects %s", (_what, text, message) => {
    expect(() => fromHex(text)).toThrowError(message);
  });
});

// Buffers start filled with EE so a write outside the field shows.
const filled = (n: number) => new Uint8Array(n).fill(0xee);

describe("fixed-width writers, leaving the bytes around the field alone", () => {
  it("writeUintBE: QS1A frequency raw 998 248 = 0x0F3B68 as 3 bytes at offset 1", () => {
    const b = filled(5);
    writeUintBE(b, 1, 3, 998_248);
    expect(list(b)).toEqual([0xee, 0x0f, 0x3b, 0x68, 0xee]);
  });

  it("writeUintBE: a 5-byte energy counter above 2^32 (2^32 + 1 = 01 00 00 00 01)", () => {
    const b = new Uint8Array(5);
    writeUintBE(b, 0, 5, 4_294_967_297);
    expect(list(b)).toEqual([0x01, 0x00, 0x00, 0x00, 0x01]);
  });

  it("writeUintLE: timestamp 0x00011432 (pairing_replies[1]) as 4 bytes at offset 1", () => {
    const b = filled(6);
    writeUintLE(b, 1, 4, 70_706);
    expect(list(b)).toEqual([0xee, 0x32, 0x14, 0x01, 0x00, 0xee]);
  });

  it("writeUintLE: short address 0x103A as 2 bytes", () => {
    const b = filled(3);
    writeUintLE(b, 0, 2, 4154);
    expect(list(b)).toEqual([0x3a, 0x10, 0xee]);
  });
});
