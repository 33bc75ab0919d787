/**
 * What `decode` makes of pasted input, at the edges of its input detection: only FB FB starts a bare L2;
 * an AF payload is a BCD serial (nibbles 0–9) followed by more than one byte; everything else is UART.
 * Rows are written-out bytes; the serials are frames.json's (408000158215) and openaps' (999900000003).
 */
import { describe, expect, it } from "vitest";
import { fromHex } from "../../src/protocol/bytes.ts";
import { decodeDump, detectInput } from "../../src/protocol/dump.ts";
import { modelByName } from "../../src/protocol/models.ts";

describe("detectInput", () => {
  it.each([
    ["FB then not FB", "FBFA0164010064", "uart"],
    ["FB second, not first", "40FB0164010064", "uart"],
    ["a serial and one more byte (7 bytes)", "408000158215FB", "uart"],
    ["a serial and two more bytes (8 bytes)", "408000158215FBFB", "af-payload"],
    ["a serial with nibbles of 9", "999900000003FBFB", "af-payload"],
    ["a high nibble A in the serial", "A08000158215FBFB", "uart"],
    ["a low nibble A in the serial", "40800015821AFBFB", "uart"],
  ] as const)("%s: %s is %s", (_what, hex, kind) => {
    expect(detectInput(fromHex(hex))).toBe(kind);
  });
});

describe("decodeDump results outside UART", () => {
  // The DS3 ack after a set: FB FB 06 DE 00 00 00 00 00 00 E4 FE FE (06 + DE = 00E4).
  const ACK = "FBFB06DE000000000000E4FEFE";

  it("a bare L2 with a model: one message, no route problem, no garbage", () => {
    expect(decodeDump(fromHex(ACK), { model: modelByName("DS3")! })).toEqual({
      input: "l2",
      messages: [{ reply: { kind: "ack", serial: "", ok: true } }],
      noRoute: false,
      garbageBytes: 0,
      problems: [],
    });
  });

  it("an AF payload (serial 704000202594 + the ack)", () => {
    expect(decodeDump(fromHex(`704000202594${ACK}`))).toEqual({
      input: "af-payload",
      messages: [{ reply: { kind: "ack", serial: "704000202594", ok: true } }],
      noRoute: false,
      garbageBytes: 0,
      problems: [],
    });
  });

  it("a bare L2 without a model is a serial error that says what to pass", () => {
    expect(() => decodeDump(fromHex(ACK))).toThrowError(
      "serial: a bare L2 frame carries no serial, so the model is unknown: pass --model qs1|yc600|ds3",
    );
  });

  it("no bytes at all: no FE start byte", () => {
    expect(() => decodeDump(new Uint8Array(0))).toThrowError(
      "sof: no complete ZNP frame in 0 bytes (no FE start byte)",
    );
  });
});
