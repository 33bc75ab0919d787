/**
 * The streaming ZNP parser, event by event: which bytes become frames, which become garbage, with what
 * error and at which stream offset. Frames are from frames.json (poll answer SRSP `FE0164010064`, state
 * change `FE0145C0098D`, the stray F8 and F0 F8 the captures show); offsets are counted by hand.
 */
import { describe, expect, it } from "vitest";
import { fromHex } from "../../../src/protocol/bytes.ts";
import { type ZnpStreamEvent, ZnpStreamParser } from "../../../src/protocol/znp/parser.ts";

const SRSP = "FE0164010064"; // AF_DATA_REQUEST_SRSP, status 00 (6 bytes)
const STATE9 = "FE0145C0098D"; // ZDO_STATE_CHANGE_IND, state 09 (6 bytes)

/** Events as plain rows: ["frame", raw hex] or ["garbage", bytes hex, error message]. */
const rows = (events: ZnpStreamEvent[]) =>
  events.map((e) =>
    e.kind === "frame"
      ? ["frame", Buffer.from(e.raw).toString("hex").toUpperCase()]
      : ["garbage", Buffer.from(e.bytes).toString("hex").toUpperCase(), e.error.message],
  );

function feed(...chunks: string[]) {
  const p = new ZnpStreamParser();
  const events = chunks.flatMap((c) => p.push(fromHex(c)));
  return { p, events: rows(events) };
}

describe("ZnpStreamParser.push", () => {
  it("a stray F8 before the SRSP (as captured): one garbage byte at 0, then the frame", () => {
    const { p, events } = feed(`F8${SRSP}`);
    expect(events).toEqual([
      ["garbage", "F8", "sof at byte 0: 1 byte(s) before FE"],
      ["frame", SRSP],
    ]);
    expect(p.stats).toEqual({ frames: 1, garbageBytes: 1, badFcs: 0 });
    expect(p.pending).toBe(0);
  });

  it("the frame's fields: SRSP 64 01 with data 00", () => {
    const p = new ZnpStreamParser();
    const [e] = p.push(fromHex(SRSP));
    expect(e?.kind === "frame" && { ...e.frame, data: Array.from(e.frame.data) }).toEqual({
      cmd0: 0x64,
      cmd1: 0x01,
      data: [0x00],
    });
  });

  it("F0 F8 between two frames: 2 garbage bytes at offset 6", () => {
    const { p, events } = feed(`${SRSP}F0F8${STATE9}`);
    expect(events).toEqual([
      ["frame", SRSP],
      ["garbage", "F0F8", "sof at byte 6: 2 byte(s) before FE"],
      ["frame", STATE9],
    ]);
    expect(p.stats).toEqual({ frames: 2, garbageBytes: 2, badFcs: 0 });
  });

  it("offsets continue across pushes", () => {
    const { events } = feed(SRSP, "F8", STATE9);
    expect(events).toEqual([
      ["frame", SRSP],
      ["garbage", "F8", "sof at byte 6: 1 byte(s) before FE"],
      ["frame", STATE9],
    ]);
  });

  it("a length byte above 250 drops only that FE and rescans", () => {
    const { p, events } = feed(`FEFB${SRSP}`);
    expect(events).toEqual([
      ["garbage", "FE", "length at byte 0: length byte 251 > 250"],
      ["garbage", "FB", "sof at byte 1: 1 byte(s) before FE"],
      ["frame", SRSP],
    ]);
    expect(p.stats.garbageBytes).toBe(2);
  });

  it("length byte 250 is allowed: the parser waits for 255 bytes", () => {
    const { p, events } = feed("FEFA0000");
    expect(events).toEqual([]);
    expect(p.pending).toBe(4);
  });

  it("a bad FCS (65 instead of 64) drops that FE, and the rest is rescanned", () => {
    const { p, events } = feed(`FE0164010065${SRSP}`);
    expect(events).toEqual([
      ["garbage", "FE", "fcs at byte 0: frame FE 01 64 01 … has a bad FCS"],
      ["garbage", "0164010065", "sof at byte 1: 5 byte(s) before FE"],
      ["frame", SRSP],
    ]);
    expect(p.stats).toEqual({ frames: 1, garbageBytes: 6, badFcs: 1 });
  });

  it("a frame split after garbage waits for its rest", () => {
    const p = new ZnpStreamParser();
    // 3 garbage bytes, then 4 of the SRSP's 6 bytes: the parser must wait, not judge the FCS.
    expect(rows(p.push(fromHex("F8F8F8FE016401")))).toEqual([
      ["garbage", "F8F8F8", "sof at byte 0: 3 byte(s) before FE"],
    ]);
    expect(p.pending).toBe(4);
    expect(rows(p.push(fromHex("0064")))).toEqual([["frame", SRSP]]);
    expect(p.pending).toBe(0);
  });
});

describe("ZnpStreamParser.flush and reset", () => {
  it("a lone FE at the end of a dump", () => {
    const p = new ZnpStreamParser();
    p.push(fromHex(`${SRSP}FE`));
    expect(rows(p.flush())).toEqual([
      ["garbage", "FE", "length at byte 6: a lone FE is cut short: the input ended before its FCS"],
    ]);
    expect(p.pending).toBe(0);
  });

  it("FE 40 promises 0x40 + 5 = 69 bytes; flush drops the FE and parses what followed", () => {
    const p = new ZnpStreamParser();
    expect(rows(p.push(fromHex("F8FE400102")))).toEqual([
      ["garbage", "F8", "sof at byte 0: 1 byte(s) before FE"],
    ]);
    expect(rows(p.flush())).toEqual([
      [
        "garbage",
        "FE",
        "length at byte 1: frame FE 40 (69 bytes) is cut short: the input ended before its FCS",
      ],
      ["garbage", "400102", "sof at byte 2: 3 byte(s) before FE"],
    ]);
    expect(p.stats).toEqual({ frames: 0, garbageBytes: 5, badFcs: 0 });
  });

  it("flush finds a whole frame behind a stray FE", () => {
    const p = new ZnpStreamParser();
    expect(p.push(fromHex(`FE40${SRSP}`))).toEqual([]);
    expect(rows(p.flush())).toEqual([
      [
        "garbage",
        "FE",
        "length at byte 0: frame FE 40 (69 bytes) is cut short: the input ended before its FCS",
      ],
      ["garbage", "40", "sof at byte 1: 1 byte(s) before FE"],
      ["frame", SRSP],
    ]);
  });

  it("flush with nothing pending reports nothing", () => {
    const p = new ZnpStreamParser();
    p.push(fromHex(SRSP));
    expect(p.flush()).toEqual([]);
  });

  it("reset drops a partial frame and keeps counting offsets past it", () => {
    const p = new ZnpStreamParser();
    p.push(fromHex("F8FE40"));
    expect(p.pending).toBe(2);
    p.reset();
    expect(p.pending).toBe(0);
    expect(rows(p.push(fromHex("AA")))).toEqual([["garbage", "AA", "sof at byte 3: 1 byte(s) before FE"]]);
  });
});
