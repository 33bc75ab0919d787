/** The 8899 envelope: read by its length field, never by LF; every rejection says what, where and how to fix. */
import { describe, expect, it } from "vitest";
import { fromHex } from "../../../src/protocol/bytes.ts";
import { decodeEcuAnswer } from "../../../src/protocol/ecu/decode.ts";
import { EcuCutFrameError, ecuAnswerSize, parseEcuFrame } from "../../../src/protocol/ecu/frame.ts";
import { FrameError } from "../../../src/protocol/errors.ts";
import { ecuCaptures as C } from "./captures.ts";

const text = (s: string) => new TextEncoder().encode(s);
function caught(run: () => unknown): FrameError {
  try {
    run();
  } catch (e) {
    if (e instanceof FrameError) return e;
    throw e;
  }
  throw new Error("no error thrown");
}

describe("ECU answer envelope", () => {
  it("P13 0001 (APS12) reads to its length field: 117 + LF", () => {
    const f = parseEcuFrame(fromHex(C.p13Info));
    expect([f.group, f.length, f.command, f.hasEnd, f.payload.length]).toEqual([
      "12",
      117,
      "0001",
      true,
      101,
    ]);
  });

  it("an answer whose count is 10 (00 0A) is read past that LF: 0030 with ten entries", () => {
    const entries = Array.from({ length: 10 }, (_v, i) => `9010000073${String(i).padStart(2, "0")}0a`).join(
      "",
    );
    const hex = `${Buffer.from("APS1100880030").toString("hex")}3030${entries}454e440a`;
    const a = decodeEcuAnswer(fromHex(hex));
    expect(a.kind === "ecu-signal" && a.inverters.map((e) => e.levelRaw)).toEqual(Array(10).fill(10));
  });

  it("the answer without its final LF is accepted (P11 as shown by the app)", () => {
    expect(parseEcuFrame(text(C.p11Answer0012))).toMatchObject({ length: 32, command: "0012", hasEnd: true });
  });

  it("ecuAnswerSize tells a reader how many bytes to wait for, from the first 9", () => {
    const p1 = fromHex(C.p1Realtime);
    expect(ecuAnswerSize(p1.subarray(0, 8))).toBeUndefined();
    expect(ecuAnswerSize(p1.subarray(0, 9))).toBe(177);
    expect(p1.length).toBe(177);
  });

  it("every proper prefix of a real answer is a cut answer that names the bytes still needed", () => {
    for (const hex of [C.p1Realtime, C.p12Info, C.p13Signal, C.p10NoData]) {
      const full = fromHex(hex);
      for (let n = 0; n < full.length - 1; n++) {
        const e = caught(() => decodeEcuAnswer(full.subarray(0, n)));
        expect(e).toBeInstanceOf(EcuCutFrameError);
        expect((e as EcuCutFrameError).needBytes).toBe(n < 9 ? 13 : full.length);
      }
    }
  });

  it.each([
    [
      "a ZigBee UART frame",
      fromHex("FE0164010064"),
      "sof",
      0,
      'sof at byte 0: an ECU answer starts with ASCII "APS" (41 50 53), got FE 01 64; paste the answer from its first byte',
    ],
    [
      "P19, an upload to EMA",
      text(C.p19Upload),
      "sof",
      3,
      'sof at byte 3: "APS18" is the ECU\'s upload to the EMA cloud (ports 8995–8997), not an answer from its LAN port 8899; localecu does not decode uploads',
    ],
    [
      "group 13",
      text("APS1300160001END\n"),
      "sof",
      3,
      /answer group must be "11" or "12" after APS, got "13"/,
    ],
    ["a length with a letter", text("APS11001X0001END\n"), "length", 5, /4 decimal digits, got "001X"/],
    [
      "a length below 15",
      text("APS1100100001END\n"),
      "length",
      5,
      /length field 10 is below the shortest answer/,
    ],
    [
      "two answers pasted together",
      text(`${C.p11Answer0012}\n${C.p11Answer0012}\n`),
      "length",
      33,
      /33 bytes follow the answer; decode one answer at a time/,
    ],
    [
      "a byte other than LF after END",
      text(`${C.p11Answer0012}X`),
      "eof",
      32,
      /expected the final LF \(0A\) at byte 32, got 58/,
    ],
    [
      "no END where the length says",
      text("APS1100190012002023\n"),
      "eof",
      16,
      /expected "END" before the final LF at byte 16, got "023"/,
    ],
    [
      "a command with letters",
      text("APS110016000AEND"),
      "command",
      9,
      /command code must be 4 decimal digits, got "000A"/,
    ],
    ["a 0001 answer of status length without END", text("APS110015000102\n"), "eof", 12, /expected "END"/],
  ])("%s is refused with its code and byte", (_n, bytes, code, offset, message) => {
    const e = caught(() => decodeEcuAnswer(bytes));
    expect([e.code, e.offset]).toEqual([code, offset]);
    expect(e.message).toMatch(message);
  });

  it.each([
    ["0001", "APS1100160001END\n"],
    ["0002 (P1's request)", "APS1100280002216000061728END"],
  ])("a request (%s) pasted in place of the answer is named as such", (_n, request) => {
    expect(() => decodeEcuAnswer(text(request))).toThrow(
      /^command at byte 13: this is a request to the ECU \(command 000[12]\), not its answer: paste what the ECU sent back$/,
    );
  });

  it("nothing at all is a cut answer (the peer closed without a byte, as during the nightly maintenance)", () => {
    expect(caught(() => decodeEcuAnswer(new Uint8Array()))).toMatchObject({
      code: "cut",
      needBytes: 13,
      gotBytes: 0,
    });
  });
});
