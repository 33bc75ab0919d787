/**
 * 0002 real-time data: every real 0002 answer in the reference, record by record, with the values of the
 * reference's decoded lines (and what the sources state) written out here by hand; then one worked
 * example per record type, and the rules for types we cannot read.
 */
import { describe, expect, it } from "vitest";
import { fromHex } from "../../../src/protocol/bytes.ts";
import { decodeEcuAnswer } from "../../../src/protocol/ecu/decode.ts";
import { EcuCutFrameError } from "../../../src/protocol/ecu/frame.ts";
import { fromEcuText } from "../../../src/protocol/ecu/text.ts";
import type { EcuInverterRecord, EcuRealtime } from "../../../src/protocol/ecu/types.ts";
import { ecuCaptures as C } from "./captures.ts";

const realtime = (bytes: Uint8Array): EcuRealtime => {
  const a = decodeEcuAnswer(bytes);
  if (a.kind !== "ecu-realtime") throw new Error(`expected ecu-realtime, got ${a.kind}`);
  return a;
};
/** [uid, online, type, Hz, °C, W per input, AC V (one, or one per phase)]; offline records: [uid, false, type]. */
type Row = [string, boolean, string, number?, number?, number[]?, number[]?];
const row = (r: EcuInverterRecord): Row =>
  r.frequencyHz === undefined
    ? [r.uid, r.online, r.typeCode]
    : [
        r.uid,
        r.online,
        r.typeCode,
        r.frequencyHz,
        r.temperatureC!,
        r.channels!.map((c) => c.powerW),
        r.phaseVoltagesV ?? [r.acVoltageV!],
      ];

describe("0002 real-time data from real answers", () => {
  it("P1 ECU-R 216000061728, 7× YC600 at 12:05:10", () => {
    const a = realtime(fromHex(C.p1Realtime));
    expect([a.status.code, a.dataKind, a.count, a.cycleTime]).toEqual(["00", "01", 7, "2020-11-24T12:05:10"]);
    expect(a.inverters.map(row)).toEqual([
      ["408000094016", true, "01", 49.9, 11, [20, 20], [228]],
      ["408000095622", true, "01", 49.9, 11, [19, 20], [228]],
      ["408000091826", true, "01", 49.9, 11, [20, 20], [227]],
      ["408000092933", true, "01", 49.9, 11, [20, 19], [227]],
      ["408000091913", true, "01", 49.9, 11, [21, 20], [227]],
      ["408000092434", true, "01", 49.9, 11, [20, 20], [227]],
      ["408000091840", true, "01", 49.9, 11, [20, 20], [226]],
    ]);
    expect(a.inverters.every((r) => r.model === "YC600")).toBe(true);
    expect(a.inverters[0]).toMatchObject({
      offset: 26,
      layout: "2-input",
      acPowerW: 40,
      channels: [
        { channel: 1, input: "A", powerW: 20 },
        { channel: 2, input: "B", powerW: 20 },
      ],
    });
    expect(a.warnings).toEqual([]);
  });

  it("P2 ECU-R 216000120830, 6× QT2 at 15:19:34: four inputs, three phase voltages", () => {
    const a = realtime(fromHex(C.p2Realtime));
    expect([a.count, a.cycleTime]).toEqual([6, "2023-11-20T15:19:34"]);
    expect(a.inverters.map(row)).toEqual([
      ["901000007352", true, "02", 49.9, 23, [26, 26, 27, 25], [390, 391, 383]],
      ["901000006946", true, "02", 49.9, 20, [26, 27, 29, 29], [386, 390, 389]],
      ["901000006234", true, "02", 49.9, 21, [28, 29, 30, 30], [384, 389, 391]],
      ["901000006983", true, "02", 49.9, 21, [24, 29, 28, 28], [390, 387, 393]],
      ["901000005764", true, "02", 49.9, 18, [27, 26, 30, 29], [391, 386, 387]],
      ["901000004208", true, "02", 49.9, 19, [26, 26, 22, 27], [392, 390, 386]],
    ]);
    expect(a.inverters[0]).toMatchObject({ model: "QT2", layout: "3-phase-4-input", acPowerW: 104 });
    expect(a.inverters[0]).not.toHaveProperty("acVoltageV");
  });

  it("P3 same ECU at 15:13:54 the next day", () => {
    const a = realtime(fromHex(C.p3Realtime));
    expect([a.count, a.cycleTime]).toEqual([6, "2023-11-21T15:13:54"]);
    expect(a.inverters.map(row)).toEqual([
      ["901000007352", true, "02", 49.9, 17, [20, 20, 20, 19], [389, 394, 393]],
      ["901000006946", true, "02", 49.9, 15, [18, 19, 20, 20], [392, 393, 392]],
      ["901000006234", true, "02", 50.0, 16, [19, 20, 21, 21], [395, 391, 390]],
      ["901000006983", true, "02", 50.0, 18, [18, 21, 19, 19], [391, 395, 391]],
      ["901000005764", true, "02", 50.0, 14, [19, 18, 21, 20], [394, 394, 388]],
      ["901000004208", true, "02", 49.9, 15, [17, 18, 17, 18], [390, 398, 392]],
    ]);
  });

  it("P5 as posted (UIDs replaced by 12-character text) fails its length check; with 6-byte UIDs put back it decodes", () => {
    const asPosted = new TextEncoder().encode(
      // The poster's hex with "inverter_idN" written as text: 12 characters where the ECU sent 6 bytes.
      C.p5RealtimeAsPosted.replace(/inverter_id(\d)/g, (_m, n) =>
        Buffer.from(`inverter_id${n}`).toString("hex"),
      ),
    );
    expect(() => decodeEcuAnswer(fromHex(new TextDecoder().decode(asPosted)))).toThrow(
      /^length at byte 74: the length field says 73 bytes \+ LF, got 86: 12 bytes follow the answer/,
    );
    // Stand-in UIDs (ours, not the poster's): a YC600 and a QS1 prefix, 6 BCD bytes each.
    const restored = C.p5RealtimeAsPosted
      .replace("inverter_id1", "408000000001")
      .replace("inverter_id2", "802000000002");
    const a = realtime(fromHex(restored));
    expect([a.count, a.cycleTime]).toEqual([2, "2025-01-10T14:49:22"]);
    expect(a.inverters.map(row)).toEqual([
      // The source states id1: temperature 7, frequency 49.9, timestamp 2025-01-10 14:49:22.
      ["408000000001", true, "01", 49.9, 7, [8, 9], [231]],
      ["802000000002", true, "03", 49.9, 6, [2, 2, 5, 5], [231]],
    ]);
  });

  it("P8 ECU-B at night: the DS3's offline record (all zero, temperature raw 100) gives no readings", () => {
    const a = realtime(fromHex(C.p8Realtime));
    expect([a.count, a.cycleTime]).toEqual([1, "2024-09-14T21:15:10"]);
    expect(a.inverters.map(row)).toEqual([["702000016318", false, "01"]]);
    expect(a.inverters[0]).toEqual({
      uid: "702000016318",
      model: "DS3",
      online: false,
      typeCode: "01",
      layout: "2-input",
      offset: 26,
      bodyHex: "000000640000000000000000",
    });
  });

  it("P9 ECU-B by day: DS3 702000999999 at 49.9 Hz, 51 °C, 211 + 214 W, 240 V", () => {
    const a = realtime(fromHex(C.p9Realtime));
    expect(a.cycleTime).toBe("2024-09-13T12:59:32");
    expect(a.inverters.map(row)).toEqual([["702000999999", true, "01", 49.9, 51, [211, 214], [240]]]);
    expect(a.inverters[0]!.acPowerW).toBe(425);
  });

  it("P10 ECU-B no-data answer (status 02, no END) decodes to its status and no records", () => {
    expect(realtime(fromHex(C.p10NoData))).toEqual({
      kind: "ecu-realtime",
      group: "11",
      status: { code: "02", ok: false, meaning: expect.stringMatching(/^no data/) },
      inverters: [],
      warnings: [],
    });
  });

  it("P12's fragment (cut after 4 records) is a cut answer: 156 bytes needed", () => {
    const bytes = fromHex(C.p12RealtimeFragment);
    let e: unknown;
    try {
      decodeEcuAnswer(bytes);
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(EcuCutFrameError);
    expect(e).toMatchObject({ code: "cut", needBytes: 156, gotBytes: bytes.length });
  });

  it("P12's first three whole records, re-framed with a count of 3, give the reference's values", () => {
    const fragment = C.p12RealtimeFragment;
    // Header up to the count (bytes 0–16), then count 3, the fragment's time (bytes 19–25) and 3 × 21-byte records.
    const time = fragment.slice(38, 52);
    const records = fragment.slice(52, 52 + 3 * 42);
    const body = `${Buffer.from("0001").toString("hex")}0003${time}${records}`;
    const len = 13 + body.length / 2 + 3;
    const a = realtime(
      fromHex(`${Buffer.from(`APS11${String(len).padStart(4, "0")}0002`).toString("hex")}${body}454e440a`),
    );
    expect(a.cycleTime).toBe("2026-04-23T10:10:00");
    expect(a.inverters.map(row)).toEqual([
      ["703000030246", true, "01", 50.0, 16, [16, 0], [239]],
      ["703000025391", true, "01", 50.0, 18, [15, 14], [237]],
      ["703000025371", true, "01", 50.1, 19, [15, 78], [236]],
    ]);
  });

  it("P13 ECU-R-Pro at night: 4 offline DS3 (temperature raw 0 = −100 °C) and 4 never-connected (type 00)", () => {
    const a = realtime(fromHex(C.p13Realtime));
    expect([a.count, a.cycleTime]).toEqual([8, "2022-09-19T22:28:05"]);
    expect(a.inverters.map(row)).toEqual([
      ["704000037390", false, "01"],
      ["704000047117", false, "01"],
      ["704000039603", false, "01"],
      ["704000046411", false, "01"],
      ["704000038131", false, "00"],
      ["704000045962", false, "00"],
      ["704000045916", false, "00"],
      ["704000046425", false, "00"],
    ]);
    expect(a.inverters.map((r) => r.offset)).toEqual([26, 47, 68, 89, 110, 119, 128, 137]);
    for (const r of a.inverters) {
      for (const k of ["temperatureC", "frequencyHz", "acPowerW", "channels", "acVoltageV"])
        expect(r).not.toHaveProperty(k);
    }
    expect(a.warnings).toEqual([]);
  });

  it("P17 ECU-C 215000003925, 11× YC1000 — from Packet Sender's text view, equal to its hex", () => {
    const bytes = fromEcuText(C.p17RealtimeText);
    expect(bytes).toEqual(fromHex(C.p17Realtime));
    const a = realtime(bytes);
    expect([a.count, a.cycleTime]).toEqual([11, "2021-04-14T15:08:05"]);
    expect(a.inverters.map(row)).toEqual([
      ["502000006223", true, "02", 50.1, 40, [258, 257, 254, 253], [236, 238, 234]],
      ["502000006715", true, "02", 50.0, 39, [258, 258, 249, 252], [237, 239, 237]],
      ["502000006955", true, "02", 50.0, 46, [254, 250, 249, 248], [237, 239, 234]],
      ["502000007273", true, "02", 49.9, 43, [254, 257, 258, 256], [236, 239, 235]],
      ["502000008349", true, "02", 50.0, 51, [252, 256, 251, 251], [235, 239, 235]],
      ["502000008729", true, "02", 50.0, 41, [250, 252, 247, 248], [236, 238, 234]],
      ["502000006342", true, "02", 50.0, 41, [250, 258, 256, 249], [238, 240, 236]],
      ["502000006757", true, "02", 50.0, 43, [257, 263, 253, 250], [237, 238, 236]],
      ["502000007263", true, "02", 50.0, 46, [257, 259, 256, 254], [238, 238, 236]],
      ["502000007432", true, "02", 49.9, 38, [260, 261, 257, 254], [237, 238, 235]],
      ["502000008541", true, "02", 50.0, 40, [233, 237, 227, 228], [237, 240, 236]],
    ]);
    expect(a.inverters[0]!.model).toBe("YC1000");
  });

  it("P18 ECU-C at night: 5 offline QS1 (−100 °C zeros) and 4 never-seen QS1A (type 00)", () => {
    const a = realtime(fromHex(C.p18Realtime));
    expect([a.count, a.cycleTime]).toEqual([9, "2022-05-17T22:41:22"]);
    expect(a.inverters.map(row)).toEqual([
      ["802000142216", false, "03"],
      ["802000142534", false, "03"],
      ["802000142349", false, "03"],
      ["802000142642", false, "03"],
      ["802000142585", false, "03"],
      ["806000008104", false, "00"],
      ["806000008668", false, "00"],
      ["806000008897", false, "00"],
      ["806000009733", false, "00"],
    ]);
    expect(a.inverters.map((r) => r.layout)).toEqual([...Array(5).fill("4-input"), ...Array(4).fill("none")]);
  });
});

/** An 0002 answer built from hand-written records (hex), with the header and length field filled in. */
function answer(records: string[], count = records.length, group = "11"): Uint8Array {
  const a = (s: string) => Buffer.from(s, "latin1").toString("hex");
  const body = `${a("00")}${a("01")}${count.toString(16).padStart(4, "0")}20240601120000${records.join("")}`;
  const len = 13 + body.length / 2 + 3;
  return fromHex(`${a(`APS${group}${String(len).padStart(4, "0")}0002`)}${body}${a("END\n")}`);
}
const T = (code: string) => Buffer.from(code).toString("hex");

describe("0002 record types, worked examples", () => {
  it("type 01 (YC600): 01F4 = 50.0 Hz, 0x8C = 140 − 100 = 40 °C, P1 0x012C = 300 W at 0x00E6 = 230 V, P2 0x0131 = 305 W", () => {
    const a = realtime(
      answer([`408000158215 01 ${T("01")} 01f4 008c 012c 00e6 0131 00e6`.replace(/ /g, "")]),
    );
    expect(a.inverters.map(row)).toEqual([["408000158215", true, "01", 50, 40, [300, 305], [230]]]);
    expect(a.inverters[0]!.acPowerW).toBe(605);
  });

  it("type 03 (QS1): one AC voltage, four inputs P1 100, P2 200, P3 300, P4 0x0190 = 400 W", () => {
    const a = realtime(
      answer([`801000085070 01 ${T("03")} 01f3 0064 0064 00eb 00c8 012c 0190`.replace(/ /g, "")]),
    );
    // 0x01F3 = 499 → 49.9 Hz; 0x64 = 100 → 0 °C; 0x00EB = 235 V.
    expect(a.inverters.map(row)).toEqual([
      ["801000085070", true, "03", 49.9, 0, [100, 200, 300, 400], [235]],
    ]);
    expect(a.inverters[0]).toMatchObject({ model: "QS1", layout: "4-input", acPowerW: 1000 });
  });

  it("type 04 (DS3-L/DS3-H) is read as type 01", () => {
    const a = realtime(
      answer([`703000030246 01 ${T("04")} 01f4 0074 0010 00ef 0000 00ef`.replace(/ /g, "")]),
    );
    // The first record of P12's fragment with its type changed to 04: 50.0 Hz, 0x74 = 116 → 16 °C, P [16, 0], 239 V.
    expect(a.inverters.map(row)).toEqual([["703000030246", true, "04", 50, 16, [16, 0], [239]]]);
  });

  it("type 02 as QT2 with stale values while offline (ECU-R 1.3.6C, ksheumaker#185): nothing is reported", () => {
    const a = realtime(
      answer([`901000007352 00 ${T("02")} 0000 0000 0000 0186 0000 0187 001b 017f 0019`.replace(/ /g, "")]),
    );
    expect(a.inverters.map(row)).toEqual([["901000007352", false, "02"]]);
    expect(a.inverters[0]!.bodyHex).toBe("000000000000018600000187001b017f0019");
  });

  it("an unknown type as the last record is skipped with a warning; the records before it stand", () => {
    const a = realtime(
      answer([
        `408000158215 01 ${T("01")} 01f4 008c 012c 00e6 0131 00e6`.replace(/ /g, ""),
        `999000000001 01 ${T("07")} 0102030405`.replace(/ /g, ""),
      ]),
    );
    expect(a.inverters.map((r) => r.uid)).toEqual(["408000158215"]);
    expect(a.warnings).toEqual([
      {
        code: "unknown-type",
        detail:
          'record 2 (999000000001) has type code "07" we have no layout for (skipped its 14 bytes); please report the answer',
        offset: 47,
      },
    ]);
  });

  it("an unknown type in the middle stops the walk there (its length is unknown), with two warnings", () => {
    const a = realtime(
      answer([
        `999000000001 01 ${T("09")} 0102`.replace(/ /g, ""),
        `408000158215 01 ${T("01")} 01f4 008c 012c 00e6 0131 00e6`.replace(/ /g, ""),
      ]),
    );
    expect(a.inverters).toEqual([]);
    expect(a.warnings.map((w) => [w.code, w.offset])).toEqual([
      ["unknown-type", 26],
      ["record-stop", 26],
    ]);
    expect(a.warnings[1]!.detail).toBe(
      "a record's length follows from its type, so the 1 records after 999000000001 were not read",
    );
  });

  it.each([
    ["21 bytes → 2 inputs", "01f4 008c 012c 00e6 0131 00e6", [300, 305], [230]],
    [
      "27 bytes → 4 inputs, 3 phases",
      "01f4 008c 0001 00e6 0002 00e7 0003 00e8 0004",
      [1, 2, 3, 4],
      [230, 231, 232],
    ],
  ])("type 05 as the last record: %s, flagged as inferred", (_n, body, watts, volts) => {
    const a = realtime(answer([`901000000005 01 ${T("05")} ${body}`.replace(/ /g, "")]));
    expect(a.inverters.map(row)).toEqual([["901000000005", true, "05", 50, 40, watts, volts]]);
    expect(a.warnings.map((w) => w.code)).toEqual(["inferred"]);
  });

  it("a count above the records present is a warning, the records present stand", () => {
    const a = realtime(
      answer([`408000158215 01 ${T("01")} 01f4 008c 012c 00e6 0131 00e6`.replace(/ /g, "")], 3),
    );
    expect(a.inverters).toHaveLength(1);
    expect(a.warnings).toEqual([
      { code: "count", detail: "2 of 3 records announced but only 0 bytes left before END", offset: 47 },
    ]);
  });

  it("a count of 0 (ECU-C after the 2026 firmware change, ecu_reader#131) is an empty, valid answer", () => {
    const a = realtime(answer([]));
    expect([a.count, a.inverters, a.warnings]).toEqual([0, [], []]);
  });

  it("an online byte other than 00/01 is read as offline, with a warning at that byte", () => {
    const a = realtime(
      answer([`408000158215 02 ${T("01")} 01f4 008c 012c 00e6 0131 00e6`.replace(/ /g, "")]),
    );
    expect(a.inverters.map(row)).toEqual([["408000158215", false, "01"]]);
    expect(a.warnings.map((w) => [w.code, w.offset])).toEqual([["layout", 32]]);
  });

  it("a UID that is not BCD stops the walk with a warning", () => {
    const a = realtime(
      answer([`4080001582fa 01 ${T("01")} 01f4 008c 012c 00e6 0131 00e6`.replace(/ /g, "")]),
    );
    expect(a.inverters).toEqual([]);
    expect(a.warnings.map((w) => [w.code, w.offset])).toEqual([["record-stop", 26]]);
  });

  it("status 01 (ECU id mismatch) says how to fix it", () => {
    const hex = Buffer.from("APS110018000201END\n").toString("hex");
    expect(realtime(fromHex(hex)).status).toEqual({
      code: "01",
      ok: false,
      meaning: "ECU id mismatch: the request named another ECU's id; read the id from the 0001 answer",
    });
  });
});
