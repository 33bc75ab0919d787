/**
 * 0030 signal levels, 0012 clock, answers we frame but do not decode (0058), and the 0003 / 0004
 * history layouts (no public capture: worked examples built by hand).
 */
import { describe, expect, it } from "vitest";
import { fromHex } from "../../../src/protocol/bytes.ts";
import { decodeEcuAnswer } from "../../../src/protocol/ecu/decode.ts";
import { ecuCaptures as C } from "./captures.ts";

const ascii = (s: string) => Buffer.from(s, "latin1").toString("hex");
const text = (s: string) => fromHex(ascii(s));
/** An answer to `command` with a hand-written payload (hex), header and length filled in. */
function answer(command: string, payloadHex: string, group = "11"): Uint8Array {
  const len = 13 + payloadHex.length / 2 + 3;
  return fromHex(
    `${ascii(`APS${group}${String(len).padStart(4, "0")}${command}`)}${payloadHex}${ascii("END\n")}`,
  );
}
const levels = (hex: string) => {
  const a = decodeEcuAnswer(fromHex(hex));
  if (a.kind !== "ecu-signal") throw new Error(`expected ecu-signal, got ${a.kind}`);
  return a.inverters.map((e) => [e.uid, e.levelRaw]);
};

describe("0030 signal level from real answers", () => {
  it("P2: six QT2 at 171 (0xAB)", () => {
    expect(levels(C.p2Signal)).toEqual([
      ["901000007352", 171],
      ["901000006946", 171],
      ["901000006234", 171],
      ["901000006983", 171],
      ["901000005764", 171],
      ["901000004208", 171],
    ]);
  });

  it("P3: 170, 170, 169, 170, 169, 168", () => {
    expect(levels(C.p3Signal).map(([, l]) => l)).toEqual([170, 170, 169, 170, 169, 168]);
  });

  it("P5 with stand-in UIDs put back: 181 (0xB5) and 198 (0xC6); the source shows 70 % = 181/255×100", () => {
    const hex = C.p5SignalAsPosted
      .replace("inverter_id1", "408000000001")
      .replace("inverter_id2", "802000000002");
    expect(levels(hex)).toEqual([
      ["408000000001", 181],
      ["802000000002", 198],
    ]);
  });

  it("P13 at night: the last levels of 4 offline DS3 kept, 0 (no level) for the 4 never connected", () => {
    const a = decodeEcuAnswer(fromHex(C.p13Signal));
    if (a.kind !== "ecu-signal") throw new Error(a.kind);
    expect(a.inverters.map((e) => [e.uid, e.levelRaw, e.level])).toEqual([
      ["704000037390", 216, 216],
      ["704000047117", 228, 228],
      ["704000039603", 226, 226],
      ["704000046411", 202, 202],
      ["704000038131", 0, undefined],
      ["704000045962", 0, undefined],
      ["704000045916", 0, undefined],
      ["704000046425", 0, undefined],
    ]);
    expect(a.warnings).toEqual([]);
  });

  it("a partial entry before END is a warning naming the byte", () => {
    const a = decodeEcuAnswer(answer("0030", `${ascii("00")}901000007352ab9010`));
    expect(a.warnings).toEqual([
      {
        code: "count",
        detail: "2 bytes before END do not make a whole 7-byte entry (UID + level)",
        offset: 22,
      },
    ]);
  });
});

describe("0012 clock and other answers (P11, ECU-B 216300054149 with the EMA Manager app)", () => {
  it("0012: status 00 and ECU time 2023-08-01 17:30:37 (no LF in the capture)", () => {
    expect(decodeEcuAnswer(text(C.p11Answer0012))).toEqual({
      kind: "ecu-clock",
      group: "11",
      status: { code: "00", ok: true, meaning: "ok" },
      time: "2023-08-01T17:30:37",
      warnings: [],
    });
  });

  it("0058 (meaning unknown) is framed and kept as hex", () => {
    expect(decodeEcuAnswer(text(C.p11Answer0058))).toEqual({
      kind: "ecu-other",
      group: "11",
      command: "0058",
      status: { code: "00", ok: true, meaning: "ok" },
      payloadHex: ascii("000000000"),
      warnings: [],
    });
  });
});

describe("0003 power of day and 0004 energy history (no capture: worked examples)", () => {
  it("0003: 12 05 | 01 2C → 12:05, 300 W; 12 10 | 00 FA → 12:15, 250 W", () => {
    expect(decodeEcuAnswer(answer("0003", `${ascii("00")}1205012c121000fa`))).toMatchObject({
      kind: "ecu-power-of-day",
      points: [
        { time: "12:05", acPowerW: 300 },
        { time: "12:10", acPowerW: 250 },
      ],
      warnings: [],
    });
  });

  it("0004 group 11, u16: week, 2023-11-20 00 11 → 170 Wh, 2023-11-21 01 00 → 2560 Wh", () => {
    expect(decodeEcuAnswer(answer("0004", `${ascii("0000")}20231120001120231121${"0100"}`))).toMatchObject({
      period: "week",
      valueBytes: 2,
      entries: [
        { date: "2023-11-20", energyWh: 170 },
        { date: "2023-11-21", energyWh: 2_560 },
      ],
      warnings: [],
    });
  });

  it("0004 group 12, u32 (npeter#16): month, 2024-06-01 00 00 04 D2 → 1234 × 10 = 12 340 Wh", () => {
    expect(decodeEcuAnswer(answer("0004", `${ascii("0001")}20240601000004d2`, "12"))).toMatchObject({
      group: "12",
      period: "month",
      valueBytes: 4,
      entries: [{ date: "2024-06-01", energyWh: 12_340 }],
      warnings: [],
    });
  });

  it("0004 group 11 with u32 values (ksheumaker read these from an ECU-R 2160): the width that fits, flagged", () => {
    const a = decodeEcuAnswer(answer("0004", `${ascii("0000")}2024060100000064`));
    expect(a).toMatchObject({ valueBytes: 4, entries: [{ date: "2024-06-01", energyWh: 1_000 }] });
    expect(a.warnings.map((w) => w.code)).toEqual(["inferred"]);
  });

  it("0004 entries that split into no dates are not decoded, with a warning", () => {
    const a = decodeEcuAnswer(answer("0004", `${ascii("0002")}ffffffffffffff`));
    expect(a).toMatchObject({ period: "year", entries: [] });
    expect(a.warnings.map((w) => [w.code, w.offset])).toEqual([["layout", 17]]);
  });
});
