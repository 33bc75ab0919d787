/**
 * The L2 envelope `FB FB <innerlen> <cmd> <body…> <sum hi> <sum lo> FE FE` (DESIGN.md §2), frame by frame.
 * Every frame is written out; sums are worked in the comments.
 */
import { describe, expect, it } from "vitest";
import { fromHex } from "../../src/protocol/bytes.ts";
import { parseL2 } from "../../src/protocol/l2.ts";
import { OPENAPS } from "../fixtures/stated-values.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
/** openaps' QS1A capture without the modem's 12-byte FC FC prefix and 6-byte serial. */
const qs1aL2 = () => fromHex(OPENAPS.qs1a.hex.slice(2 * 12));

describe("parseL2 accepts", () => {
  it.each([
    // the poll request: innerlen 06 = BB + 5 body bytes; 06 + BB = 00C1
    ["the poll with its sum", "FBFB06BB000000000000C1FEFE", 0xbb, "0000000000", 0x00c1, "valid"],
    // a YC600 reply carries 00 00 in the sum slot
    ["a zero sum", "FBFB06BB00000000000000FEFE", 0xbb, "0000000000", 0, "absent"],
    ["a sum that is neither", "FBFB06BB00000000001234FEFE", 0xbb, "0000000000", 0x1234, "other"],
    // innerlen 1 = the command byte alone: 01 + BB = 00BC
    ["a command without body", "FBFB01BB00BCFEFE", 0xbb, "", 0x00bc, "valid"],
    // ack after a set: DE 00 00 00 00 00, 06 + DE = 00E4
    ["the DE ack", "FBFB06DE000000000000E4FEFE", 0xde, "0000000000", 0x00e4, "valid"],
  ])("%s", (_what, frame, cmd, body, checksum, checksumState) => {
    const l2 = parseL2(fromHex(frame));
    expect({ ...l2, body: hex(l2.body), extra: hex(l2.extra) }).toEqual({
      cmd,
      body,
      checksum,
      checksumState,
      extra: "",
    });
  });

  it("openaps' QS1A capture: innerlen 51 = 80 body bytes, then 2 extra bytes FA 2D, then sum 00 00", () => {
    const l2 = parseL2(qs1aL2());
    expect(l2.cmd).toBe(0xb1);
    expect(l2.body.length).toBe(80);
    expect(hex(l2.body.subarray(0, 4))).toBe("04010f3b");
    expect(hex(l2.extra)).toBe("fa2d");
    expect(l2.checksum).toBe(0);
    expect(l2.checksumState).toBe("absent");
  });

  it("a frame of exactly 240 bytes (the cap): innerlen E9, 232 zero body bytes, sum E9 + 01 = 00EA", () => {
    const frame = fromHex(`FBFBE901${"00".repeat(232)}00EAFEFE`);
    expect(frame.length).toBe(240);
    const l2 = parseL2(frame, { strictChecksum: true });
    expect(l2.body.length).toBe(232);
    expect(l2.checksumState).toBe("valid");
  });
});

describe("parseL2 rejects", () => {
  it.each([
    [
      "a first byte that is not FB",
      "FAFB06BB000000000000C1FEFE",
      "sof at byte 0: L2 must start FB FB, got FA FB",
    ],
    [
      "small bytes, printed with two digits",
      "0A0B06BB000000000000C1FEFE",
      "sof at byte 0: L2 must start FB FB, got 0A 0B",
    ],
    [
      "a next-to-last byte that is not FE",
      "FBFB06BB000000000000C1FDFE",
      "eof at byte 11: L2 must end FE FE, got FD FE",
    ],
    [
      "a frame 1 byte longer than innerlen allows",
      "FBFB06BB000000000000C100FEFE",
      "length at byte 2: innerlen 6 means a 13-byte frame (or 15 for QS1), got 14",
    ],
    [
      "a frame 3 bytes longer than innerlen allows",
      "FBFB06BB000000000000C1000000FEFE",
      "length at byte 2: innerlen 6 means a 13-byte frame (or 15 for QS1), got 16",
    ],
  ])("%s", (_what, frame, message) => {
    expect(() => parseL2(fromHex(frame))).toThrowError(message);
  });
});
