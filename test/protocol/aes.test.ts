/**
 * "Encrypted" is reserved for payloads with the AES shape (openaps docs/AES-DESIGN.md):
 * <serial 6 BCD> <nonce 6> <whole 16-byte blocks>. Everything else is an error that says why.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aesShapeProblem } from "../../src/protocol/aes.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { decodeDump } from "../../src/protocol/dump.ts";
import { FrameError } from "../../src/protocol/errors.ts";
import { modelByName } from "../../src/protocol/models.ts";
import { decodeReply, isEncryptedPayload } from "../../src/protocol/replies.ts";

const SERIAL = "801000085070"; // QS1 prefix 801
const NONCE = "3a91c2d4e5f6"; // 3A < F0
const block = (n: number) => "a5".repeat(16 * n);

/**
 * Real ECU LAN (port 8899) answers, verbatim from /work/shared/reference/ecu-lan-protocol.md §5:
 * P1 = ECU-R 216000061728 real-time data (community.home-assistant.io/t/…/260835, first post);
 * P2 = ECU-R 216000120830 system info and signal levels (ksheumaker/homeassistant-apsystems_ecur#185).
 * They start "APS11…", whose bytes 41 50 53 31 31 30 happen to be valid BCD.
 */
const ECU_LAN = {
  realtime:
    "415053313130313736303030323030303100072020112412051040800009401601303101f3006f001400e4001400e440800009562201303101f3006f001300e4001400e440800009182601303101f3006f001400e3001400e340800009293301303101f3006f001400e3001300e340800009191301303101f3006f001500e3001400e340800009243401303101f3006f001400e3001400e340800009184001303101f3006f001400e2001400e2454e440a",
  systemInfo:
    "4150533131303039343030303132313630303031323038333030310000aa3d0000028e00000011d0d0d0d0d0d0d00006000631303031324543555f525f312e332e36433030394574632f474d542d3880971b05ce12000000000000454e440a",
  signal:
    "415053313130303630303033303030901000007352ab901000006946ab901000006234ab901000006983ab901000005764ab901000004208ab454e440a",
};

describe("AES shape", () => {
  it.each([
    ["one block (an ack: 13-byte L2 + length byte = 14 ≤ 16)", 1],
    ["six blocks (a QS1 telemetry L2 of 90 bytes + 1 = 91 → 96)", 6],
    ["sixteen blocks (the longest L2 we accept, 240 bytes, + 1 = 241 → 256)", 16],
  ])("serial + nonce + %s is reported encrypted", (_n, blocks) => {
    const payload = fromHex(SERIAL + NONCE + block(blocks));
    expect(isEncryptedPayload(payload)).toBe(true);
    expect(decodeReply(payload)).toMatchObject({ kind: "encrypted", serial: SERIAL });
  });

  it.each([
    // 16 bytes = 6 serial + 6 nonce + 4: not a whole block (the newcomer's example from issue 9).
    ["16 random bytes", "00112233445566778899aabbccddeeff", /4 bytes follow the nonce/],
    ["nonce + 15 bytes", SERIAL + NONCE + "a5".repeat(15), /15 bytes follow the nonce/],
    ["nonce + 17 bytes", SERIAL + NONCE + "a5".repeat(17), /17 bytes follow the nonce/],
    // 17 blocks = 272 bytes: more than the longest L2 we accept (240) + 1 length byte padded (256).
    ["nonce + 17 blocks", SERIAL + NONCE + block(17), /272 bytes follow the nonce/],
  ])("%s is an error at byte 6, not encrypted", (_n, hex, why) => {
    const payload = fromHex(hex);
    expect(isEncryptedPayload(payload)).toBe(false);
    expect(() => decodeReply(payload)).toThrow(FrameError);
    expect(() => decodeReply(payload)).toThrow(/at byte 6: after serial \d{12} comes neither an L2 frame/);
    expect(() => decodeReply(payload)).toThrow(why);
  });

  it.each([
    ["a high nibble above 9 in the serial", `a01000085070${NONCE}${block(1)}`],
    ["a low nibble above 9 in the serial", `80100008507a${NONCE}${block(1)}`],
    ["nothing after the serial", SERIAL],
    ["only part of a serial", "8010"],
  ])("isEncryptedPayload is false for %s", (_n, hex) => {
    expect(isEncryptedPayload(fromHex(hex))).toBe(false);
  });

  it("EF, just below the F0 gate, after the serial is AES", () => {
    expect(isEncryptedPayload(fromHex(`${SERIAL}ef${"a5".repeat(5 + 16)}`))).toBe(true);
  });

  it("a byte at or above F0 after the serial is not AES (it is parsed as L2 and fails there)", () => {
    const payload = fromHex(`${SERIAL}f0${"a5".repeat(5 + 16)}`);
    expect(isEncryptedPayload(payload)).toBe(false);
    expect(() => decodeReply(payload)).toThrow(FrameError);
  });

  it("an AES-shaped payload from a serial with no known model prefix needs the model", () => {
    const payload = fromHex(`001122334455${NONCE}${block(1)}`);
    expect(() => decodeReply(payload)).toThrow(/no known model prefix \(001\)/);
    expect(decodeReply(payload, { model: modelByName("QS1") })).toMatchObject({ kind: "encrypted" });
  });

  it.each(Object.entries(ECU_LAN))(
    "an ECU LAN answer (%s) is named as such, not called encrypted",
    (_n, hex) => {
      const payload = fromHex(hex);
      expect(() => decodeReply(payload)).toThrow(/ECU's LAN answer \(port 8899\)/);
      expect(() => decodeDump(payload)).toThrow(/"APS11": that is an ECU's LAN answer/);
    },
  );

  it("a serial followed by random bytes is called encrypted only when 6 + 16k bytes follow it", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 300 }), (rest) => {
        const bytes = Uint8Array.from([...fromHex(SERIAL), ...rest]);
        let kind: string | undefined;
        try {
          kind = decodeReply(bytes, { model: modelByName("QS1") }).kind;
        } catch (e) {
          if (!(e instanceof FrameError)) throw e;
        }
        if (kind === "encrypted") expect((bytes.length - 12) % 16).toBe(0);
      }),
    );
  });
});

describe("aesShapeProblem says what is missing", () => {
  it.each([
    [
      "a serial with a high nibble A",
      `a01000085070${NONCE}${block(1)}`,
      "the first 6 bytes are not a BCD serial",
    ],
    [
      "a serial with a low nibble A",
      `80100008507a${NONCE}${block(1)}`,
      "the first 6 bytes are not a BCD serial",
    ],
    ["5 bytes", "8010000850", "the first 6 bytes are not a BCD serial"],
    ["a serial and nothing else", SERIAL, "the byte after the serial must be below F0, got nothing"],
    [
      "F5 after the serial",
      `${SERIAL}f5${"a5".repeat(5 + 16)}`,
      "the byte after the serial must be below F0, got F5",
    ],
    [
      "serial and nonce only",
      SERIAL + NONCE,
      "an AES reply is a 6-byte nonce and 1–16 whole 16-byte blocks, but 0 bytes follow the nonce",
    ],
    [
      "a nonce cut short",
      `${SERIAL}3a91c2`,
      "an AES reply is a 6-byte nonce and 1–16 whole 16-byte blocks, but 0 bytes follow the nonce",
    ],
  ])("%s", (_n, hex, problem) => {
    expect(aesShapeProblem(fromHex(hex))).toBe(problem);
  });

  it("nibbles of 9 are BCD: openaps' anonymised serial 999900000003 with a nonce and one block is AES", () => {
    expect(aesShapeProblem(fromHex(`999900000003${NONCE}${block(1)}`))).toBeUndefined();
  });
});
