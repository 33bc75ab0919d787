/**
 * Telemetry decoders at their edges: DS3 reactive power is signed 16-bit (DESIGN.md §2 "reactive var 0x20
 * (signed)"), a QS1 frequency field of zero means no grid rather than a division by zero, and short bodies
 * name the field they needed. Bodies are zero-filled with the bytes under test written in.
 */
import { describe, expect, it } from "vitest";
import { modelByName } from "../../src/protocol/models.ts";
import { decodeDs3Telemetry } from "../../src/protocol/telemetry-ds3.ts";
import { decodeQs1Telemetry } from "../../src/protocol/telemetry-qs1.ts";

const DS3 = () => modelByName("DS3")!;
const QS1 = () => modelByName("QS1")!;

describe("DS3 reactive power, body 0x20–0x21, two's complement", () => {
  it.each([
    [[0x00, 0x2a], 42],
    [[0x7f, 0xff], 32767],
    [[0x80, 0x00], -32768], // 0x8000 − 0x10000
    [[0xff, 0xff], -1],
    [[0xff, 0xd6], -42],
  ])("%j → %i var", (bytes, vars) => {
    const body = new Uint8Array(0x30);
    body.set(bytes, 0x20);
    expect(decodeDs3Telemetry(body, "704000202594", DS3()).reactivePowerVar).toBe(vars);
  });

  it("a body of 0x2F bytes is one short", () => {
    expect(() => decodeDs3Telemetry(new Uint8Array(0x2f), "704000202594", DS3())).toThrowError(
      "short at byte 47: DS3 telemetry body needs 48 bytes, got 47",
    );
  });
});

describe("QS1 payload", () => {
  it("frequency bytes 12–14 all zero: 0 Hz (inverter off the grid), not Infinity", () => {
    expect(decodeQs1Telemetry(new Uint8Array(57), "801000085070", QS1()).frequencyHz).toBe(0);
  });

  it("frequency raw 0x0F4240 = 1 000 000: 50 000 000 / 1 000 000 = 50 Hz", () => {
    const p = new Uint8Array(57);
    p.set([0x0f, 0x42, 0x40], 12);
    expect(decodeQs1Telemetry(p, "801000085070", QS1()).frequencyHz).toBeCloseTo(50, 9);
  });

  it("a payload of 56 bytes is one short", () => {
    expect(() => decodeQs1Telemetry(new Uint8Array(56), "801000085070", QS1())).toThrowError(
      "short at byte 56: QS1 telemetry payload needs 57 bytes, got 56",
    );
  });
});
