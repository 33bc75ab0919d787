/**
 * The ZNP parsers at their edges: frames one byte too short name the field they needed, AF_INCOMING_MSG
 * whose length byte promises more than came, the flag bytes set, short trailers and multi-hop source
 * routes. Layouts from DESIGN.md §2; each frame is written out as its data bytes.
 */
import { describe, expect, it } from "vitest";
import { fromHex } from "../../../src/protocol/bytes.ts";
import type { ZnpFrame } from "../../../src/protocol/znp/frame.ts";
import {
  parseAfDataConfirm,
  parseAfIncomingMsg,
  parseDeviceInfo,
  parseSrcRouteInd,
  parseStateChange,
  parseStatus,
  parseSysResetInd,
} from "../../../src/protocol/znp/parse.ts";

const data = (cmd0: number, cmd1: number, hex: string): ZnpFrame => ({
  cmd0,
  cmd1,
  data: hex === "" ? new Uint8Array(0) : fromHex(hex),
});

// The captured pairing reply's header (frames.json pairing_replies[1]) without its length byte:
// group 0000, cluster 0101, src 103A, eps 14 14, bcast 00, LQI 27, sec 00, ts 32140100, seq 00.
const HEAD16 = "0000 0101 3A10 14 14 00 27 00 32140100 00";

describe("short frames name what they needed", () => {
  it.each([
    [
      "SRSP status",
      () => parseStatus(data(0x66, 0x05, "")),
      "short at byte 0: SRSP status needs 1 bytes, got 0",
    ],
    [
      "SYS_RESET_IND",
      () => parseSysResetInd(data(0x41, 0x80, "0202020207")),
      "short at byte 5: SYS_RESET_IND needs 6 bytes, got 5",
    ],
    [
      "ZDO_STATE_CHANGE_IND",
      () => parseStateChange(data(0x45, 0xc0, "")),
      "short at byte 0: ZDO_STATE_CHANGE_IND needs 1 bytes, got 0",
    ],
    [
      "UTIL_GET_DEVICE_INFO",
      () => parseDeviceInfo(data(0x67, 0x00, "00FFFF80971B01A3D800000709")),
      "short at byte 13: UTIL_GET_DEVICE_INFO reply needs 14 bytes, got 13",
    ],
    [
      "AF_DATA_CONFIRM",
      () => parseAfDataConfirm(data(0x44, 0x80, "0014")),
      "short at byte 2: AF_DATA_CONFIRM needs 3 bytes, got 2",
    ],
    [
      "AF_INCOMING_MSG header",
      () => parseAfIncomingMsg(data(0x44, 0x81, HEAD16)),
      "short at byte 16: AF_INCOMING_MSG header needs 17 bytes, got 16",
    ],
    [
      "ZDO_SRC_RTG_IND",
      () => parseSrcRouteInd(data(0x45, 0xc4, "3A10")),
      "short at byte 2: ZDO_SRC_RTG_IND needs 3 bytes, got 2",
    ],
    [
      "ZDO_SRC_RTG_IND relays: 2 announced (3 + 2·2 = 7 bytes), one present",
      () => parseSrcRouteInd(data(0x45, 0xc4, "3A10 02 3412")),
      "short at byte 5: ZDO_SRC_RTG_IND relay list needs 7 bytes, got 5",
    ],
  ])("%s", (_what, run, message) => {
    expect(run).toThrowError(message);
  });

  it("AF_INCOMING_MSG announcing 8 payload bytes with 7 present", () => {
    expect(() => parseAfIncomingMsg(data(0x44, 0x81, `${HEAD16} 08 FFFF4080001582`))).toThrowError(
      "length at byte 16: AF_INCOMING_MSG says 8 payload bytes, only 7 present",
    );
  });
});

describe("AF_INCOMING_MSG fields", () => {
  it("exactly 8 payload bytes and no trailer: no MAC source address", () => {
    const m = parseAfIncomingMsg(data(0x44, 0x81, `${HEAD16} 08 FFFF408000158215`));
    expect(Array.from(m.data)).toEqual([0xff, 0xff, 0x40, 0x80, 0x00, 0x15, 0x82, 0x15]);
    expect(m.trailer.length).toBe(0);
    expect(m.macSrcAddr).toBeUndefined();
  });

  it("a 1-byte trailer has no MAC address; a 2-byte one does (3A10 → 0x103A)", () => {
    const one = parseAfIncomingMsg(data(0x44, 0x81, `${HEAD16} 08 FFFF408000158215 3A`));
    expect(one.macSrcAddr).toBeUndefined();
    const two = parseAfIncomingMsg(data(0x44, 0x81, `${HEAD16} 08 FFFF408000158215 3A10`));
    expect(two.macSrcAddr).toBe(0x103a);
  });

  it("wasBroadcast and securityUse set (01), group 0x0102, seq 7", () => {
    const m = parseAfIncomingMsg(data(0x44, 0x81, "0201 0101 3A10 14 14 01 27 01 32140100 07 01 AA"));
    expect(m).toMatchObject({ groupId: 0x0102, wasBroadcast: true, securityUse: true, transSeq: 7 });
  });
});

describe("ZDO_SRC_RTG_IND relay lists", () => {
  it("two relays 0x1234 then 0xABCD, little-endian", () => {
    expect(parseSrcRouteInd(data(0x45, 0xc4, "3A10 02 3412 CDAB"))).toEqual({
      dstAddr: 0x103a,
      relays: [0x1234, 0xabcd],
    });
  });
});
