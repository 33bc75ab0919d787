/**
 * Every field the ZNP parsers return, read by hand from captured frames (ESP-ECU bring-up trace and the
 * captured poll answers in frames.json), and the dump decoder's view of a whole capture.
 */
import { describe, expect, it } from "vitest";
import { fromHex } from "../../../src/protocol/bytes.ts";
import { decodeDump, detectInput } from "../../../src/protocol/dump.ts";
import { modelByName } from "../../../src/protocol/models.ts";
import { decodePairingReply } from "../../../src/protocol/pairing.ts";
import { decodeZnpFrame } from "../../../src/protocol/znp/frame.ts";
import {
  parseAfDataConfirm,
  parseAfIncomingMsg,
  parseDeviceInfo,
  parseSrcRouteInd,
  parseStateChange,
  parseStatus,
  parseSysResetInd,
} from "../../../src/protocol/znp/parse.ts";
import { captures, frames } from "../../fixtures/captures.ts";

const frame = (hex: string) => decodeZnpFrame(fromHex(hex));

describe("ZNP indications and replies, field by field", () => {
  it("SYS_RESET_IND FE06 4180 02 02 02 02 07 02: reason 2, transport 2, product 2, release 2.7, hw 2", () => {
    expect(parseSysResetInd(frame("FE064180020202020702C2"))).toEqual({
      reason: 2,
      transportRev: 2,
      product: 2,
      major: 2,
      minor: 7,
      hwRev: 2,
    });
  });

  it("UTIL_GET_DEVICE_INFO: status 00, IEEE FFFF80971B01A3D8 little-endian, short 0000, type 07, state 09", () => {
    expect(parseDeviceInfo(frame("FE0E670000FFFF80971B01A3D8000007090011"))).toEqual({
      status: 0,
      ieee: "0xd8a3011b9780ffff",
      shortAddr: 0,
      deviceType: 7,
      deviceState: 9,
    });
  });

  it("ZDO_STATE_CHANGE_IND FE01 45C0 09 → 9 (coordinator started); SRSP FE01 6605 00 → 0", () => {
    expect(parseStateChange(frame("FE0145C0098D"))).toBe(9);
    expect(parseStateChange(frame("FE0145C0088C"))).toBe(8);
    expect(parseStatus(frame("FE0166050062"))).toBe(0);
  });

  it("AF_DATA_CONFIRM: 00 14 01 = ok on endpoint 0x14, trans 1; CD = no route", () => {
    expect(parseAfDataConfirm(frame("FE034480001401D2"))).toEqual({ status: 0, endpoint: 0x14, transId: 1 });
    expect(parseAfDataConfirm(frame("FE034480CD14011F"))).toEqual({
      status: 0xcd,
      endpoint: 0x14,
      transId: 1,
    });
  });

  it("ZDO_SRC_RTG_IND 3A10 00: destination 0x103A, no relays; one relay 0x1234 when the count is 1", () => {
    expect(parseSrcRouteInd(frame("FE0345C43A1000A8"))).toEqual({ dstAddr: 0x103a, relays: [] });
    const relayed = { cmd0: 0x45, cmd1: 0xc4, data: fromHex("3A10 01 3412") };
    expect(parseSrcRouteInd(relayed)).toEqual({ dstAddr: 0x103a, relays: [0x1234] });
  });

  it("AF_INCOMING_MSG of the YC600 poll answer: every header field and the 3-byte trailer", () => {
    // FE72 4481 | 0000 group | 0601 cluster 0x0106 | 3A10 src 0x103A | 14 14 | 00 | 71 LQI | 00 |
    // B57CFA00 timestamp 0x00FA7CB5 | 00 seq | 5E len 94 | <94 payload bytes> | 3A10 0E trailer.
    const hex = captures.yc600Case0.hex;
    const start = hex.indexOf("FE724481");
    const m = parseAfIncomingMsg(frame(hex.slice(start)));
    expect(m).toMatchObject({
      groupId: 0,
      cluster: 0x0106,
      srcAddr: 0x103a,
      srcEndpoint: 0x14,
      dstEndpoint: 0x14,
      wasBroadcast: false,
      linkQuality: 0x71,
      securityUse: false,
      timestamp: 0x00fa7cb5,
      transSeq: 0,
      macSrcAddr: 0x103a,
    });
    expect(m.data).toHaveLength(94);
    expect(Buffer.from(m.data.subarray(0, 8)).toString("hex")).toBe("408000158215fbfb");
    expect(Buffer.from(m.trailer).toString("hex")).toBe("3a100e");
  });

  it("the relayed pairing broadcast (wasBroadcast, from 0x0000) is not an answer; the 0x0101 reply is", () => {
    const [first, , third] = frames.pairing_replies;
    const reply = decodePairingReply(parseAfIncomingMsg(frame(first!)));
    expect(reply).toEqual({ kind: "pairing", serial: "408000158215", shortAddress: 0x103a });
    // The third capture holds the relayed 0x010F broadcast first, then a real reply.
    const relayedHex = third!.slice(0, third!.indexOf("FE1C", 4));
    const relayed = parseAfIncomingMsg(frame(relayedHex));
    expect(relayed).toMatchObject({ cluster: 0x010f, srcAddr: 0x0000, wasBroadcast: true });
    expect(decodePairingReply(relayed)).toBeUndefined();
  });
});

describe("decodeDump: what an installer pastes", () => {
  it.each([
    ["FBFB06BB000000000000C1FEFE", "l2"],
    ["408000158215FBFB", "af-payload"],
    ["FE0164010064", "uart"],
    ["F8FE0164010064", "uart"],
    // Six BCD bytes but nothing after them: too short to be an AF payload.
    ["4080001582", "uart"],
  ] as const)("%s is a %s input", (hex, kind) => {
    expect(detectInput(fromHex(hex))).toBe(kind);
  });

  it("a whole poll answer: one telemetry message from 0x103A with its link quality, no garbage", () => {
    const r = decodeDump(fromHex(captures.yc600Case0.hex));
    expect(r).toMatchObject({ input: "uart", noRoute: false, garbageBytes: 0, problems: [] });
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]).toMatchObject({ shortAddress: 0x103a, linkQuality: 0x71 });
    expect(r.messages[0]!.reply).toMatchObject({ kind: "telemetry", serial: "408000158215", model: "YC600" });
  });

  it("the stray F8 before the second poll counts as one garbage byte and is not a problem", () => {
    const r = decodeDump(fromHex(captures.yc600Poll36887.hex));
    expect(r.garbageBytes).toBe(1);
    expect(r.problems).toEqual([]);
    expect(r.messages).toHaveLength(1);
  });

  it("a no-route confirm is reported; a frame with a bad FCS is a problem at its start (6 + 8 = byte 14)", () => {
    const r = decodeDump(fromHex("FE0164010064 FE034480CD14011F FE0145C0098E"));
    expect(r.noRoute).toBe(true);
    expect(r.messages).toEqual([]);
    expect(r.problems.map((p) => [p.code, p.offset])).toEqual([["fcs", 14]]);
  });

  it("a bare L2 needs the model, and decodes with it", () => {
    const l2 = fromHex(captures.ds3Telemetry.hex.slice(12));
    expect(() => decodeDump(l2)).toThrow(/bare L2 frame carries no serial.*--model qs1\|yc600\|ds3/);
    const r = decodeDump(l2, { model: modelByName("DS3")! });
    expect(r.input).toBe("l2");
    expect(r.messages[0]!.reply).toMatchObject({ kind: "telemetry", serial: "", acPowerW: 36 });
  });

  it("bytes with no ZNP frame at all say so, with the reason", () => {
    expect(() => decodeDump(fromHex("F8F8F8F8"))).toThrow(
      "sof: no complete ZNP frame in 4 bytes (sof at byte 0: 4 byte(s) before FE)",
    );
  });
});
