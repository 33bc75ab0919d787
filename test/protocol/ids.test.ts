/** Identities from DESIGN.md §2: serials as BCD, IEEE addresses as zigbee-herdsman prints them, PAN from the ECU id. */
import { describe, expect, it } from "vitest";
import { bringUpSequence, pairingSequence } from "../../src/protocol/aps-link.ts";
import { toHex } from "../../src/protocol/bytes.ts";
import {
  coordinatorIeee,
  decodeSerial,
  ecuRev,
  encodeSerial,
  formatShort,
  inverterIeee,
  isSerial,
  panFromEcuId,
  parseEcuId,
} from "../../src/protocol/ids.ts";

const ECU = parseEcuId("D8A3011B9780");

describe("ids", () => {
  it("serial 801000085070 is BCD 80 10 00 08 50 70 and back", () => {
    expect(toHex(encodeSerial("801000085070"))).toBe("801000085070");
    expect(decodeSerial(Uint8Array.from([0, 0x40, 0x80, 0, 0x15, 0x82, 0x15]), 1)).toBe("408000158215");
  });

  it.each([
    ["801000085070", true],
    ["80100008507", false],
    ["8010000850701", false],
    ["80100008507a", false],
  ])("isSerial(%s) is %s", (s, ok) => {
    expect(isSerial(s)).toBe(ok);
  });

  it("IEEE addresses: on air FF FF + id bytes, printed little-endian (DESIGN.md §2 examples)", () => {
    expect(inverterIeee("801000085070")).toBe("0x705008001080ffff");
    expect(coordinatorIeee(ECU)).toBe("0xd8a3011b9780ffff");
  });

  it("ECU id D8A3011B9780: payload prefix is the MAC order 80 97 1B 01 A3 D8, PAN 0xA3D8", () => {
    expect(toHex(ecuRev(ECU))).toBe("80971b01a3d8");
    expect(panFromEcuId(ECU)).toBe(0xa3d8);
    // ECU-C in the sniffs: MAC 80:97:1B:0B:BD:E8 → id E8BD0B1B9780 → PAN 0xBDE8 (research §1).
    expect(panFromEcuId(parseEcuId("E8BD0B1B9780"))).toBe(0xbde8);
    expect(parseEcuId("d8a3011b9780")).toEqual(ECU);
  });

  it.each([
    // Without the anchors these would slip past the check and fail later as hex errors, or not at all.
    [
      "a letter before 12 digits",
      () => encodeSerial("x801000085070"),
      "serial: inverter serial must be 12 digits",
    ],
    ["13 digits", () => encodeSerial("8010000850701"), "serial: inverter serial must be 12 digits"],
    ["13 hex digits", () => parseEcuId("D8A3011B97800"), "range: ECU id must be 12 hex digits"],
    [
      "a letter before 12 hex digits",
      () => parseEcuId("xD8A3011B9780"),
      "range: ECU id must be 12 hex digits",
    ],
    ["a 13th hex digit", () => parseEcuId("D8A3011B9780F"), "range: ECU id must be 12 hex digits"],
  ])("rejects %s with a serial/range error, not a hex error", (_n, run, message) => {
    expect(run).toThrowError(message);
  });

  it("short addresses print as 0x + 4 upper-case digits", () => {
    expect(formatShort(0x103a)).toBe("0x103A");
    expect(formatShort(0x5c0)).toBe("0x05C0");
  });
});

describe("link sequences", () => {
  it("bring-up says what each step does, with the PAN from the ECU id", () => {
    expect(bringUpSequence(ECU).map((s) => s.what)).toEqual([
      "clear network state and configuration",
      "reset the stick",
      "set the coordinator IEEE address from the ECU id",
      "become coordinator",
      "set PAN 0xA3D8",
      "use channel 16",
      "register endpoint 0x14, profile 0x0F05",
      "start the network",
    ]);
  });

  it("pairing: four broadcasts on clusters 020D, 020C, 010F, 0101 with trans ids 0–3", () => {
    const frames = pairingSequence("408000158215", ECU);
    // AF_DATA_REQUEST_EXT data: mode(1) dst(8) dstEp(1) dstPan(2) srcEp(1) cluster(2 LE) transId …
    expect(frames.map((f) => [f.data[13]! | (f.data[14]! << 8), f.data[15]])).toEqual([
      [0x020d, 0],
      [0x020c, 1],
      [0x010f, 2],
      [0x0101, 3],
    ]);
  });
});
