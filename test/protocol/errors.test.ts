/**
 * Bad input gets a clear error: the code, the byte where the input stopped making sense, and a message
 * that says what was expected. One row per rejection the codec makes.
 */
import { describe, expect, it } from "vitest";
import { fromHex, need } from "../../src/protocol/bytes.ts";
import { encodeSetMaxPower } from "../../src/protocol/commands.ts";
import { FrameError, type FrameErrorCode } from "../../src/protocol/errors.ts";
import { decodeSerial, encodeSerial, parseEcuId } from "../../src/protocol/ids.ts";
import { buildL2, parseL2 } from "../../src/protocol/l2.ts";
import { modelByName } from "../../src/protocol/models.ts";
import { decodeL2Reply, decodeReply } from "../../src/protocol/replies.ts";
import { buildAfDataRequest, buildAfDataRequestExt } from "../../src/protocol/znp/commands.ts";
import { decodeZnpFrame, encodeZnpFrame } from "../../src/protocol/znp/frame.ts";

const h = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ""), "hex"));
const QS1 = modelByName("QS1")!;
const DS3 = modelByName("DS3")!;

function caught(run: () => unknown): FrameError {
  try {
    run();
  } catch (e) {
    if (e instanceof FrameError) return e;
    throw e;
  }
  throw new Error("no error thrown");
}

const rows: [string, () => unknown, FrameErrorCode, number | undefined, string][] = [
  // fromHex
  [
    "a letter that is not hex",
    () => fromHex("FE 01 G4"),
    "hex",
    undefined,
    "hex: 'G' at character 7 is not a hex digit",
  ],
  ["no hex at all", () => fromHex(" : - "), "hex", undefined, "hex: no hex digits in input"],
  [
    "an odd digit count",
    () => fromHex("FE0"),
    "hex",
    undefined,
    "hex: odd number of hex digits (3): a byte is cut in half",
  ],
  // need
  [
    "a short field",
    () => need(h("0102"), 3, "DS3 limit reply body"),
    "short",
    2,
    "short at byte 2: DS3 limit reply body needs 3 bytes, got 2",
  ],
  // ids
  [
    "a serial with 11 digits",
    () => encodeSerial("80100008507"),
    "serial",
    undefined,
    "serial: inverter serial must be 12 digits as printed on the label, got '80100008507'",
  ],
  [
    "non-BCD serial bytes",
    () => decodeSerial(h("80 10 00 08 50 7A"), 0),
    "serial",
    0,
    "serial at byte 0: bytes 80100008507A are not a BCD serial",
  ],
  [
    "an ECU id of 11 digits",
    () => parseEcuId("D8A3011B978"),
    "range",
    undefined,
    "range: ECU id must be 12 hex digits (e.g. D8A3011B9780), got 'D8A3011B978'",
  ],
  // L2
  [
    "an L2 of 7 bytes",
    () => parseL2(h("FBFB01BB0000FE")),
    "short",
    undefined,
    "short: an L2 frame is at least 8 bytes, got 7",
  ],
  [
    "an L2 of 241 bytes",
    () => parseL2(new Uint8Array(241)),
    "length",
    undefined,
    "length: L2 frame of 241 bytes exceeds 240",
  ],
  [
    "an L2 without FB FB",
    () => parseL2(h("FBFA06BB000000000000C1FEFE")),
    "sof",
    0,
    "sof at byte 0: L2 must start FB FB, got FB FA",
  ],
  [
    "innerlen 0",
    () => parseL2(h("FBFB00BB0000FEFE")),
    "length",
    2,
    "length at byte 2: innerlen 0 leaves no room for the command byte",
  ],
  [
    "innerlen not matching the bytes",
    () => parseL2(h("FBFB07BB000000000000C1FEFE")),
    "length",
    2,
    "length at byte 2: innerlen 7 means a 14-byte frame (or 16 for QS1), got 13",
  ],
  [
    "an L2 without FE FE",
    () => parseL2(h("FBFB06BB000000000000C1FEFD")),
    "eof",
    11,
    "eof at byte 11: L2 must end FE FE, got FE FD",
  ],
  [
    "a wrong sum where one is required",
    () => parseL2(h("FBFB06BB000000000000C2FEFE"), { strictChecksum: true }),
    "checksum",
    9,
    "checksum at byte 9: sum of innerlen..body is 00C1, frame carries 00C2",
  ],
  // ZNP frame
  [
    "a ZNP frame of 4 bytes",
    () => decodeZnpFrame(h("FE006700")),
    "short",
    undefined,
    "short: a ZNP frame is at least 5 bytes, got 4",
  ],
  [
    "a ZNP frame without FE",
    () => decodeZnpFrame(h("FD00670067")),
    "sof",
    0,
    "sof at byte 0: expected FE, got FD",
  ],
  [
    "a ZNP length over 250",
    () => decodeZnpFrame(h("FEFB670067")),
    "length",
    1,
    "length at byte 1: length byte 251 exceeds 250",
  ],
  [
    "a ZNP length not matching",
    () => decodeZnpFrame(h("FE02670067")),
    "length",
    1,
    "length at byte 1: length byte says 2 data bytes (frame 7), got 5 bytes",
  ],
  [
    "a wrong FCS",
    () => decodeZnpFrame(h("FE00670068")),
    "fcs",
    4,
    "fcs at byte 4: FCS is 68, XOR of the frame is 67",
  ],
  [
    "ZNP data over 250 bytes",
    () => encodeZnpFrame({ cmd0: 0x24, cmd1: 0x01, data: new Uint8Array(251) }),
    "range",
    undefined,
    "range: ZNP data is 251 bytes, at most 250 fit",
  ],
  // AF requests
  [
    "an AF payload too long",
    () =>
      buildAfDataRequest({
        dstAddr: 0x103a,
        dstEndpoint: 0x14,
        srcEndpoint: 0x14,
        cluster: 6,
        transId: 1,
        options: 0,
        radius: 15,
        data: new Uint8Array(241),
      }),
    "range",
    undefined,
    "range: AF payload of 241 bytes is too long",
  ],
  [
    "an extended address of 7 bytes",
    () =>
      buildAfDataRequestExt({
        addrMode: 0x0f,
        dstAddr: new Uint8Array(7),
        dstEndpoint: 0x14,
        dstPan: 0xffff,
        srcEndpoint: 0x14,
        cluster: 0x020d,
        transId: 0,
        options: 0,
        radius: 15,
        data: new Uint8Array(6),
      }),
    "range",
    undefined,
    "range: extended destination must be 8 bytes, got 7",
  ],
  // commands
  [
    "a limit above the range",
    () => encodeSetMaxPower({ family: "qs1", watts: 501, rangeW: [20, 500] }),
    "range",
    undefined,
    "range: max power 501 W is outside 20–500 W for qs1",
  ],
  [
    "a limit below the range",
    () => encodeSetMaxPower({ family: "ds3", watts: 29, rangeW: [30, 1100] }),
    "range",
    undefined,
    "range: max power 29 W is outside 30–1100 W for ds3",
  ],
  [
    "a limit for a YC1000",
    () => encodeSetMaxPower({ family: "yc1000", watts: 100, rangeW: [20, 500] }),
    "command",
    undefined,
    "command: no known max-power command for yc1000",
  ],
  // replies
  [
    "a reply of 13 bytes",
    () => decodeReply(h("801000085070 FBFB06BB0000FE")),
    "short",
    undefined,
    "short: an inverter reply is a 6-byte serial and an L2 frame (≥ 14 bytes), got 13",
  ],
  [
    "an unknown serial prefix",
    () => decodeReply(h("999900000003 FBFB06BB000000000000C1FEFE")),
    "serial",
    undefined,
    "serial: serial 999900000003 has no known model prefix (999); pass the model explicitly",
  ],
  [
    "a QS1 reply with DS3 telemetry",
    () => decodeL2Reply(h("FBFB06BB000000000000C1FEFE"), "801000085070", QS1),
    "command",
    undefined,
    "command: telemetry command BB does not match model QS1 (expects B1)",
  ],
  [
    "a DS3 reply with a bad sum, offset counted from the serial",
    () => decodeReply(h("703000021300 FBFB06BB000000000000C2FEFE")),
    "checksum",
    15,
    "checksum at byte 15: sum of innerlen..body is 00C1, frame carries 00C2",
  ],
  [
    "a DS3 limit reply with the wrong command",
    // A long cmd-DE frame (not the 13-byte ack) with a valid sum: QS1-shaped, but the model says DS3.
    () => decodeL2Reply(buildL2(0xde, new Uint8Array(20)), "704000202594", DS3),
    "command",
    undefined,
    "command: a DS3 limit reply is cmd DD with body starting DE",
  ],
];

describe("every codec rejection says what, where and what was expected", () => {
  it.each(rows)("%s", (_what, run, code, offset, message) => {
    const e = caught(run);
    expect(e.code).toBe(code);
    expect(e.offset).toBe(offset);
    expect(e.message).toBe(message);
    expect(e.name).toBe("FrameError");
  });
});
