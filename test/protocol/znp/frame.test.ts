/**
 * ZNP framing at its edges (Z-Stack MT API §2.1.1, DESIGN.md §2): the 250-byte data cap on both sides,
 * the type bits of cmd0 and how a command id prints. FCS values are worked in the comments.
 */
import { describe, expect, it } from "vitest";
import { fromHex } from "../../../src/protocol/bytes.ts";
import { cmdName, decodeZnpFrame, encodeZnpFrame, znpType } from "../../../src/protocol/znp/frame.ts";

describe("the 250-byte data cap", () => {
  it("250 data bytes encode: FE FA 24 01 <250 × 00> with FCS FA ^ 24 ^ 01 = DF", () => {
    const out = encodeZnpFrame({ cmd0: 0x24, cmd1: 0x01, data: new Uint8Array(250) });
    expect(out.length).toBe(255);
    expect(Array.from(out.subarray(0, 4))).toEqual([0xfe, 0xfa, 0x24, 0x01]);
    expect(out[254]).toBe(0xdf);
  });

  it("a 255-byte frame with length byte FA decodes to 250 data bytes", () => {
    const f = decodeZnpFrame(fromHex(`FEFA2401${"00".repeat(250)}DF`));
    expect(f.data.length).toBe(250);
  });

  it("length byte FB is refused before the frame length is looked at", () => {
    expect(() => decodeZnpFrame(fromHex(`FEFB2401${"00".repeat(251)}DE`))).toThrowError(
      "length at byte 1: length byte 251 exceeds 250",
    );
  });
});

describe("cmd0 type bits 7..5", () => {
  it.each([
    [0x04, "POLL"], // 000x xxxx
    [0x24, "SREQ"], // AF_DATA_REQUEST 24 01
    [0x41, "AREQ"], // SYS_RESET_REQ 41 00 is an AREQ
    [0x44, "AREQ"], // AF_INCOMING_MSG 44 81
    [0x64, "SRSP"], // AF_DATA_REQUEST_SRSP 64 01
    [0x67, "SRSP"], // UTIL_GET_DEVICE_INFO reply 67 00
    [0x84, "RES"], // 100x xxxx: reserved
    [0xe4, "RES"],
  ] as const)("cmd0 %i (decimal) is %s", (cmd0, type) => {
    expect(znpType(cmd0)).toBe(type);
  });
});

describe("cmdName", () => {
  it.each([
    [0x44, 0x81, "44 81"],
    [0x45, 0xc0, "45 C0"],
    [0x05, 0x0a, "05 0A"],
  ])("%i %i prints as %s", (cmd0, cmd1, name) => {
    expect(cmdName(cmd0, cmd1)).toBe(name);
  });
});
