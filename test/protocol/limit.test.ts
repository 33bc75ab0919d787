/**
 * Limit read-back at its edges (DESIGN.md §2 "read limit back"): which L2 frames are limit replies, what a
 * model-mismatched or cut-short one says, and the boundary lengths. L2 frames are given as their fields;
 * the limit words are the captured ones (YC600 0x21DB → 300 W, DS3 0x26E2 → 600 W, frames.json).
 */
import { describe, expect, it } from "vitest";
import type { L2Frame } from "../../src/protocol/l2.ts";
import { decodeLimitReply, isLimitReply } from "../../src/protocol/limit.ts";
import { modelByName } from "../../src/protocol/models.ts";

const l2 = (cmd: number, body: number[]): L2Frame => ({
  cmd,
  body: Uint8Array.from(body),
  checksum: 0,
  checksumState: "absent",
  extra: new Uint8Array(0),
});
/** A QS1/YC600 DE body: 72 bytes, the limit word at body 70–71 (L2 bytes 74–75). */
const qs1Body = (len: number, word: [number, number]) => {
  const b = new Array<number>(len).fill(0);
  b[70] = word[0];
  b[71] = word[1];
  return b.slice(0, len);
};
const QS1 = () => modelByName("QS1")!;
const DS3 = () => modelByName("DS3")!;

describe("isLimitReply", () => {
  it.each([
    ["cmd DE (QS1/YC600)", l2(0xde, [0x00]), true],
    ["cmd DD, body DE … (DS3)", l2(0xdd, [0xde, 0x01]), true],
    ["cmd DD, body DC … (info page)", l2(0xdd, [0xdc, 0x01]), false],
    ["cmd DC, body DE …", l2(0xdc, [0xde, 0x01]), false],
    ["telemetry B1", l2(0xb1, [0xde]), false],
  ])("%s → %s", (_what, frame, want) => {
    expect(isLimitReply(frame)).toBe(want);
  });
});

describe("decodeLimitReply", () => {
  it("DS3: DD DE 01 04 [26 E2] → raw 0x26E2 = 9954, 9954 × 0.06027 = 599.9 W per inverter", () => {
    const r = decodeLimitReply(l2(0xdd, [0xde, 0x01, 0x04, 0x26, 0xe2]), "704000202594", DS3());
    expect(r).toMatchObject({
      kind: "limit",
      serial: "704000202594",
      limitRaw: 0x26e2,
      limitPer: "inverter",
    });
    expect(r.limitW).toBeCloseTo(599.9, 1);
  });

  it("QS1: body 70–71 = 21 DB → 8667 · 256 / 7395 = 300.0 W per panel", () => {
    const r = decodeLimitReply(l2(0xde, qs1Body(72, [0x21, 0xdb])), "801000085070", QS1());
    expect(r).toMatchObject({ kind: "limit", limitRaw: 0x21db, limitPer: "panel" });
    expect(r.limitW).toBeCloseTo(300.0, 1);
  });

  it.each([
    [
      "a DS3 reply with cmd DE",
      () => decodeLimitReply(l2(0xde, qs1Body(72, [0x21, 0xdb])), "704000202594", DS3()),
      "command: a DS3 limit reply is cmd DD with body starting DE",
    ],
    [
      "a DS3 reply DD whose body starts DC",
      () => decodeLimitReply(l2(0xdd, [0xdc, 0x01, 0x04, 0x26, 0xe2]), "704000202594", DS3()),
      "command: a DS3 limit reply is cmd DD with body starting DE",
    ],
    [
      "a DS3 reply one byte short of the limit word",
      () => decodeLimitReply(l2(0xdd, [0xde, 0x01, 0x04, 0x26]), "704000202594", DS3()),
      "short at byte 4: DS3 limit reply body needs 5 bytes, got 4",
    ],
    [
      "a QS1 reply in the DS3 form",
      () => decodeLimitReply(l2(0xdd, [0xde, 0x01, 0x04, 0x26, 0xe2]), "801000085070", QS1()),
      "command: a QS1 limit reply is cmd DE",
    ],
    [
      "a QS1 reply one byte short of the limit word",
      () => decodeLimitReply(l2(0xde, qs1Body(71, [0x21, 0xdb])), "801000085070", QS1()),
      "short at byte 71: QS1 limit reply body needs 72 bytes, got 71",
    ],
  ])("rejects %s", (_what, run, message) => {
    expect(run).toThrowError(message);
  });
});
