/**
 * Info reply to the DC query. Layout per DESIGN.md §2 / openaps codec/info.go (source-only, never captured):
 * L2 `FB FB <innerlen> DC <model code> …`, or `FB FB <innerlen> DD DC <model code> …` on some firmware.
 * The frames below are written out by hand; the model names are openaps' code table.
 */
import { describe, expect, it } from "vitest";
import { fromHex } from "../../src/protocol/bytes.ts";
import { decodeInfoReply } from "../../src/protocol/info.ts";
import { decodeReply } from "../../src/protocol/replies.ts";

// YC600 serial 408000158215 (frames.json) and DS3 serial 704000202594 (frames.json), as BCD.
const YC600 = "408000158215";
const DS3 = "704000202594";

describe("info reply (cmd DC)", () => {
  it.each([
    // serial, L2 written out, model code, model name, raw (body after any DD DC)
    // innerlen 03 = cmd + 2 body bytes; YC600 replies carry 00 00 in the sum slot.
    [YC600, "FBFB03DC0801 0000 FEFE", 8, "QS1", "0801"],
    [YC600, "FBFB03DC0512 0000 FEFE", 5, "YC600", "0512"],
    [YC600, "FBFB02DC18 0000 FEFE", 24, "QS1A", "18"],
    // DS3 checks the sum: 04 + DD + DC + 20 + 05 = 0x01E2.
    [DS3, "FBFB04DDDC2005 01E2 FEFE", 32, "DS3", "2005"],
    // 04 + DD + DC + 22 + 01 = 0x01E0
    [DS3, "FBFB04DDDC2201 01E0 FEFE", 34, "DS3-L", "2201"],
    // A code outside the table keeps the number and has no name: 03 + DC + 63 + 00 → unchecked on YC600.
    [YC600, "FBFB03DC6300 0000 FEFE", 0x63, undefined, "6300"],
  ])("%s %s → model code %i (%s)", (serial, l2, modelCode, modelName, raw) => {
    const payload = fromHex(serial + l2);
    expect(decodeReply(payload)).toEqual({ kind: "info", serial, modelCode, modelName, raw });
  });

  it("a plain DC reply whose code byte is DC is not mistaken for the DD DC form", () => {
    // cmd DC, body DC 01: the code is 0xDC (unknown), nothing is skipped.
    const l2 = { cmd: 0xdc, body: Uint8Array.of(0xdc, 0x01), checksum: 0, checksumState: "absent" as const };
    expect(decodeInfoReply({ ...l2, extra: new Uint8Array(0) }, YC600)).toEqual({
      kind: "info",
      serial: YC600,
      modelCode: 0xdc,
      modelName: undefined,
      raw: "dc01",
    });
  });

  it("an empty body reports model code 0 (none given), not a crash", () => {
    const l2 = { cmd: 0xdc, body: new Uint8Array(0), checksum: 0, checksumState: "absent" as const };
    expect(decodeInfoReply({ ...l2, extra: new Uint8Array(0) }, YC600)).toMatchObject({
      modelCode: 0,
      modelName: undefined,
      raw: "",
    });
  });

  it("a DD page that is not DC (nor DE) is an unknown reply, kept as hex", () => {
    // 408000158215 + FB FB 03 DD 01 02 00 00 FE FE
    expect(decodeReply(fromHex(`${YC600}FBFB03DD0102 0000 FEFE`))).toEqual({
      kind: "unknown",
      serial: YC600,
      cmd: 0xdd,
      l2: "fbfb03dd01020000fefe",
    });
  });
});
