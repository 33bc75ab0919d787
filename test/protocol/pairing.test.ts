/**
 * Which AF_INCOMING_MSGs are pairing answers. The accepted message is frames.json pairing_replies[1]
 * (`FE1C 4481 0000 0101 3A10 14 14 00 27 00 32140100 00 08 FFFF408000158215 3A100E 9D`) written out field by
 * field; each rejected row changes one field of it.
 */
import { describe, expect, it } from "vitest";
import { decodePairingReply } from "../../src/protocol/pairing.ts";
import type { AfIncomingMsg } from "../../src/protocol/znp/parse.ts";

const SERIAL_BCD = [0x40, 0x80, 0x00, 0x15, 0x82, 0x15];

function captured(over: Partial<AfIncomingMsg> = {}): AfIncomingMsg {
  return {
    groupId: 0x0000,
    cluster: 0x0101,
    srcAddr: 0x103a,
    srcEndpoint: 0x14,
    dstEndpoint: 0x14,
    wasBroadcast: false,
    linkQuality: 0x27,
    securityUse: false,
    timestamp: 0x00011432,
    transSeq: 0,
    data: Uint8Array.of(0xff, 0xff, ...SERIAL_BCD),
    trailer: Uint8Array.of(0x3a, 0x10, 0x0e),
    ...over,
  };
}

describe("decodePairingReply", () => {
  it("the captured answer: serial 408000158215 from short 0x103A", () => {
    expect(decodePairingReply(captured())).toEqual({
      kind: "pairing",
      serial: "408000158215",
      shortAddress: 0x103a,
    });
  });

  it.each([
    ["second byte 1A (pairing_replies[0])", { data: Uint8Array.of(0xff, 0x1a, ...SERIAL_BCD) }, 0x103a],
    ["a short address just below the broadcast range", { srcAddr: 0xfff7 }, 0xfff7],
    ["short address 0x0001", { srcAddr: 0x0001 }, 0x0001],
    ["trailing bytes after the serial", { data: Uint8Array.of(0xff, 0xff, ...SERIAL_BCD, 0x00) }, 0x103a],
  ])("accepts %s", (_what, over, short) => {
    expect(decodePairingReply(captured(over))).toEqual({
      kind: "pairing",
      serial: "408000158215",
      shortAddress: short,
    });
  });

  it.each([
    ["the reply cluster 0x0106 (telemetry)", { cluster: 0x0106 }],
    ["our own 0x010F broadcast relayed back", { cluster: 0x010f }],
    ["7 data bytes (serial cut short)", { data: Uint8Array.of(0xff, 0xff, 0x40, 0x80, 0x00, 0x15, 0x82) }],
    ["a first byte other than FF", { data: Uint8Array.of(0xfe, 0xff, ...SERIAL_BCD) }],
    ["source 0x0000 (the coordinator itself)", { srcAddr: 0x0000 }],
    ["source 0xFFF8 (broadcast range)", { srcAddr: 0xfff8 }],
    ["source 0xFFFF (broadcast)", { srcAddr: 0xffff }],
    ["a serial that is not BCD", { data: Uint8Array.of(0xff, 0xff, 0x4a, 0x80, 0x00, 0x15, 0x82, 0x15) }],
  ])("ignores %s", (_what, over) => {
    expect(decodePairingReply(captured(over))).toBeUndefined();
  });
});
