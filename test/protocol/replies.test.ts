/**
 * decodeReply's routing at its edges: the shortest payload, acks (DE ok / DF failed), commands that do not
 * fit the model, errors re-based to payload offsets, and the ECU-LAN and AES look-alikes. Every payload is
 * written out: serial (frames.json's 408000158215 YC600, 704000202594 DS3; 501… is a YC1000 prefix per
 * DESIGN.md §2) + an L2 frame whose sum is worked in the comment.
 */
import { describe, expect, it } from "vitest";
import { fromHex } from "../../src/protocol/bytes.ts";
import { modelByName } from "../../src/protocol/models.ts";
import { decodeReply } from "../../src/protocol/replies.ts";

const decode = (hex: string, model?: string) =>
  decodeReply(fromHex(hex), model ? { model: modelByName(model)! } : {});

describe("decodeReply routes", () => {
  it.each([
    // 14 bytes, the minimum: serial + an 8-byte L2 of a bare command 11 (01 + 11 = 0012)
    [
      "the shortest payload, an unknown command",
      "408000158215 FBFB0111 0012 FEFE",
      { kind: "unknown", serial: "408000158215", cmd: 0x11, l2: "fbfb01110012fefe" },
    ],
    // 06 + DE = 00E4
    [
      "the DE ack",
      "704000202594 FBFB06DE0000000000 00E4 FEFE",
      { kind: "ack", serial: "704000202594", ok: true },
    ],
    // 06 + DF = 00E5
    [
      "the DF ack (failed)",
      "704000202594 FBFB06DF0000000000 00E5 FEFE",
      { kind: "ack", serial: "704000202594", ok: false },
    ],
  ])("%s", (_what, hex, reply) => {
    expect(decode(hex)).toEqual(reply);
  });

  it("a serial that starts 41 like ASCII 'A' but is no LAN answer decodes (model given)", () => {
    expect(decode("418000158215 FBFB06DE0000000000 00E4 FEFE", "YC600")).toEqual({
      kind: "ack",
      serial: "418000158215",
      ok: true,
    });
  });

  it("an AES-shaped payload says why it is not decoded", () => {
    // serial + nonce 3A91C2D4E5F6 + one 16-byte block
    expect(decode(`801000085070 3A91C2D4E5F6 ${"A5".repeat(16)}`)).toEqual({
      kind: "encrypted",
      serial: "801000085070",
      reason:
        "this inverter was paired in AES mode by a newer vendor ECU; re-pair it with localecu (power-cycle it first) to read it",
    });
  });
});

describe("decodeReply errors, with offsets counted from the serial", () => {
  it.each([
    [
      "F0 after the serial is read as L2 (the AES gate is below F0)",
      `408000158215 F0${"A5".repeat(21)}`,
      "sof at byte 6: L2 must start FB FB, got F0 A5",
    ],
    [
      "neither L2 nor AES after the serial",
      "408000158215 3A91C2D4E5F6 A5A5",
      "sof at byte 6: after serial 408000158215 comes neither an L2 frame (FB FB …) nor an AES-encrypted reply: an AES reply is a 6-byte nonce and 1–16 whole 16-byte blocks, but 2 bytes follow the nonce; check the capture is complete",
    ],
    [
      "an L2 ending FE FD: the L2's offset 11 becomes 6 + 11 = 17",
      "408000158215 FBFB06BB000000000000C1FEFD",
      "eof at byte 17: L2 must end FE FE, got FE FD",
    ],
    [
      "an L2 over the 240-byte cap has no offset, and gets none",
      `408000158215 FBFBF0B1${"00".repeat(237)}`,
      "length: L2 frame of 241 bytes exceeds 240",
    ],
    [
      "B1 telemetry to a DS3",
      "704000202594 FBFB06B10000000000 00B7 FEFE", // 06 + B1 = 00B7
      "command: telemetry command B1 does not match model DS3 (expects BB)",
    ],
    [
      "BB telemetry to a YC600",
      "408000158215 FBFB06BB0000000000 00C1 FEFE",
      "command: telemetry command BB does not match model YC600 (expects B1)",
    ],
    [
      "B1 telemetry to a YC1000, which has no telemetry decoder",
      "501000000001 FBFB06B10000000000 00B7 FEFE",
      "command: telemetry command B1 does not match model YC1000 (expects none)",
    ],
  ])("%s", (_what, hex, message) => {
    expect(() => decode(hex)).toThrowError(message);
  });

  it("an ECU LAN answer is named, as a serial error at byte 0", () => {
    // "APS11" then digits, as an ECU-R answers on port 8899
    expect(() => decode("415053313130313736303030323030303100")).toThrowError(
      /^serial at byte 0: input starts with ASCII "APS11": that is an ECU's LAN answer \(port 8899\)/,
    );
  });
});
