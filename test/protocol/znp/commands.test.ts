/**
 * The ZNP builders and command ids, against DESIGN.md §2's byte layouts and the frames in frames.json,
 * written out as literal bytes (FCS = XOR of length..data, worked in the comments).
 */
import { describe, expect, it } from "vitest";
import { toHex } from "../../../src/protocol/bytes.ts";
import {
  buildAfDataRequest,
  buildAfIncomingMsg,
  buildAfRegister,
  buildGetDeviceInfo,
  buildStatusSrsp,
  buildSysResetReq,
  buildWriteConfiguration,
  buildZbStartRequest,
  is,
  nameOf,
} from "../../../src/protocol/znp/commands.ts";
import type { ZnpFrame } from "../../../src/protocol/znp/frame.ts";
import { encodeZnpFrame } from "../../../src/protocol/znp/frame.ts";

const wire = (f: ZnpFrame) => toHex(encodeZnpFrame(f)).toUpperCase();
const frame = (cmd0: number, cmd1: number, data: number[] = []): ZnpFrame => ({
  cmd0,
  cmd1,
  data: Uint8Array.from(data),
});

describe("builders, byte for byte", () => {
  it.each([
    // ESP-ECU trace step 1: 01 ^ 41 ^ 00 ^ 00 = 40
    ["SYS_RESET_REQ hard", () => buildSysResetReq(), "FE0141000040"],
    // type 1 (soft): 01 ^ 41 ^ 00 ^ 01 = 41
    ["SYS_RESET_REQ soft", () => buildSysResetReq(1), "FE0141000141"],
    // trace step 0: startup option 03 = 03 01 03
    ["ZB_WRITE_CONFIGURATION startup", () => buildWriteConfiguration(0x03, [0x03]), "FE03260503010321"],
    // trace step 5: channel list 00 00 01 00 (channel 16)
    [
      "ZB_WRITE_CONFIGURATION chanlist",
      () => buildWriteConfiguration(0x84, [0, 0, 1, 0]),
      "FE062605840400000100A4",
    ],
    // trace step 7
    ["ZB_START_REQUEST", () => buildZbStartRequest(), "FE00260026"],
    ["UTIL_GET_DEVICE_INFO", () => buildGetDeviceInfo(), "FE00270027"],
    // DESIGN.md §2 step 3 / trace step 6: 24 00 14 050F 0001 01 00 02 0000 1500 00
    [
      "AF_REGISTER ep 0x14 profile 0x0F05",
      () =>
        buildAfRegister({
          endpoint: 0x14,
          profileId: 0x0f05,
          deviceId: 0x0100,
          deviceVersion: 1,
          latency: 0,
          inClusters: [0x0000, 0x0015],
          outClusters: [],
        }),
      "FE0D240014050F0001010002000015000020",
    ],
    // one out cluster 0x0006: … 02 0000 1500 01 0600; FCS = 20 (above) ^ 02 (len 0D→0F) ^ 01 ^ 06 = 25
    [
      "AF_REGISTER with an out cluster",
      () =>
        buildAfRegister({
          endpoint: 0x14,
          profileId: 0x0f05,
          deviceId: 0x0100,
          deviceVersion: 1,
          latency: 0,
          inClusters: [0x0000, 0x0015],
          outClusters: [0x0006],
        }),
      "FE0F240014050F00010100020000150001060025",
    ],
  ])("%s", (_what, build, hex) => {
    expect(wire(build())).toBe(hex);
  });
});

describe("AF_DATA_REQUEST payload limit", () => {
  const request = (n: number) =>
    buildAfDataRequest({
      dstAddr: 0x103a,
      dstEndpoint: 0x14,
      srcEndpoint: 0x14,
      cluster: 0x0006,
      transId: 1,
      options: 0,
      radius: 0x0f,
      data: new Uint8Array(n),
    });

  it("240 payload bytes fit: 10 header bytes + 240 = 250, the ZNP maximum", () => {
    const f = request(240);
    expect(f.data.length).toBe(250);
    expect(f.data[9]).toBe(240); // the len byte
  });

  it("241 bytes are refused", () => {
    expect(() => request(241)).toThrowError(/241 bytes is too long/);
  });
});

describe("command ids", () => {
  it.each([
    [frame(0x66, 0x05), "ZB_WRITE_CONFIGURATION_SRSP"],
    [frame(0x41, 0x80), "SYS_RESET_IND"],
    [frame(0x64, 0x00), "AF_REGISTER_SRSP"],
    [frame(0x66, 0x00), "ZB_START_REQUEST_SRSP"],
    [frame(0x45, 0xc0), "ZDO_STATE_CHANGE_IND"],
    [frame(0x44, 0x81), "AF_INCOMING_MSG"],
    [frame(0x44, 0x80), "AF_DATA_CONFIRM"],
    [frame(0x45, 0xc4), "ZDO_SRC_RTG_IND"],
    [frame(0x67, 0x00), "UTIL_GET_DEVICE_INFO_SRSP"],
    [frame(0x64, 0x01), "AF_DATA_REQUEST_SRSP"],
  ])("%o is %s", (f, name) => {
    expect(nameOf(f)).toBe(name);
  });

  it.each([[frame(0x66, 0x06)], [frame(0x67, 0x05)], [frame(0x45, 0xc1)]])("%o has no name", (f) => {
    expect(nameOf(f)).toBeUndefined();
  });

  it("is() needs both bytes to match", () => {
    expect(is(frame(0x66, 0x05), "ZB_WRITE_CONFIGURATION_SRSP")).toBe(true);
    expect(is(frame(0x66, 0x00), "ZB_WRITE_CONFIGURATION_SRSP")).toBe(false);
    expect(is(frame(0x64, 0x05), "ZB_WRITE_CONFIGURATION_SRSP")).toBe(false);
  });
});

describe("stick-side encoders (the emulator's answers)", () => {
  it.each([
    // trace: Received=FE0166050062 (01 ^ 66 ^ 05 ^ 00 = 62)
    ["ZB_WRITE_CONFIGURATION_SRSP", 0, "FE0166050062"],
    // trace step 6: Received=FE0164000065
    ["AF_REGISTER_SRSP", 0, "FE0164000065"],
    // 01 ^ 64 ^ 01 ^ CD = A9 (no-route status in the SRSP slot)
    ["AF_DATA_REQUEST_SRSP", 0xcd, "FE016401CDA9"],
  ] as const)("%s status %i", (name, status, hex) => {
    expect(wire(buildStatusSrsp(name, status))).toBe(hex);
  });

  it("AF_INCOMING_MSG re-creates frames.json pairing_replies[1] byte for byte", () => {
    const f = buildAfIncomingMsg({
      groupId: 0,
      cluster: 0x0101,
      srcAddr: 0x103a,
      srcEndpoint: 0x14,
      dstEndpoint: 0x14,
      wasBroadcast: false,
      linkQuality: 0x27,
      securityUse: false,
      timestamp: 0x00011432,
      transSeq: 0,
      data: Uint8Array.of(0xff, 0xff, 0x40, 0x80, 0x00, 0x15, 0x82, 0x15),
      trailer: Uint8Array.of(0x3a, 0x10, 0x0e),
    });
    expect(wire(f)).toBe("FE1C4481000001013A101414002700321401000008FFFF4080001582153A100E9D");
  });

  it("AF_INCOMING_MSG of the relayed 0x010F broadcast (pairing_replies[2], first frame)", () => {
    const f = buildAfIncomingMsg({
      groupId: 0,
      cluster: 0x010f,
      srcAddr: 0x0000,
      srcEndpoint: 0x14,
      dstEndpoint: 0x14,
      wasBroadcast: true,
      linkQuality: 0x31,
      securityUse: false,
      timestamp: 0x00034d20,
      transSeq: 0,
      data: Uint8Array.from(Buffer.from("408000158215A3D610FFFF80971B01A3D6", "hex")),
      trailer: Uint8Array.of(0x3a, 0x10, 0x0d),
    });
    expect(wire(f)).toBe(
      "FE25448100000F0100001414013100204D03000011408000158215A3D610FFFF80971B01A3D63A100DD9",
    );
  });

  it("without a trailer the frame ends after the data", () => {
    const f = buildAfIncomingMsg({
      groupId: 0,
      cluster: 0x0101,
      srcAddr: 0x103a,
      srcEndpoint: 0x14,
      dstEndpoint: 0x14,
      wasBroadcast: false,
      linkQuality: 0x27,
      securityUse: false,
      timestamp: 0x00011432,
      transSeq: 0,
      data: Uint8Array.of(0xff, 0xff, 0x40, 0x80, 0x00, 0x15, 0x82, 0x15),
    });
    // length 0x19 = 17 + 8; FCS of the captured frame 9D with the trailer (3A ^ 10 ^ 0E = 24) taken out and
    // the length 1C → 19 (^ 05): 9D ^ 24 ^ 05 = BC
    expect(wire(f)).toBe("FE194481000001013A101414002700321401000008FFFF408000158215BC");
  });
});
