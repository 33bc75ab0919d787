/**
 * The emulator's answer builder against the real answers of ecu-lan-protocol.md §5: from the values each
 * capture's decoded line states (written out here by hand), it must produce the captured bytes exactly.
 * Where no capture exists (0003, 0004), the codec's worked examples are the check.
 */
import { describe, expect, it } from "vitest";
import { decodeEcuAnswer } from "../../../src/protocol/ecu/decode.ts";
import {
  type EcuRecordFields,
  encodeEcuClock,
  encodeEcuEnergyHistory,
  encodeEcuInfo,
  encodeEcuNoData,
  encodeEcuPowerOfDay,
  encodeEcuRealtime,
  encodeEcuSignal,
} from "../../../src/sim/ecu/answers.ts";
import { ecuCaptures as C } from "../../protocol/ecu/captures.ts";

const hex = (b: Buffer) => b.toString("hex");
const APS12_TAIL = "303000000000000000000000";

describe("0001 answers, both groups", () => {
  it.each([
    [
      "P2 ECU-R 216000120830 (APS11)",
      C.p2Info,
      {
        group: "11" as const,
        ecuId: "216000120830",
        lifetimeEnergyWh: 4_358_100, // 4358.1 kWh
        acPowerW: 654,
        todayEnergyWh: 170, // 0.17 kWh
        lastEmaContactHex: "d0d0d0d0d0d0d0",
        invertersRegistered: 6,
        invertersOnline: 6,
        zigbeeChannel: "10",
        firmware: "ECU_R_1.3.6C",
        timezone: "Etc/GMT-8",
        ethernetMac: "80:97:1b:05:ce:12",
      },
    ],
    [
      "P7 ECU-B 216300007004 (APS11)",
      C.p7Info,
      {
        group: "11" as const,
        ecuId: "216300007004",
        lifetimeEnergyWh: 1_995_500, // 1995.5 kWh
        acPowerW: 425,
        todayEnergyWh: 3_100, // 3.1 kWh
        lastEmaContactHex: "d0d0d0d0d0d0d0",
        invertersRegistered: 1,
        invertersOnline: 1,
        zigbeeChannel: "10",
        firmware: "ECU_B_1.2.33",
        timezone: "Etc/GMT-8",
        ethernetMac: "80:97:1b:02:db:59",
      },
    ],
    [
      "P12 ECU-R-Pro 216200047223 (APS12)",
      C.p12Info,
      {
        group: "12" as const,
        ecuId: "216200047223",
        lifetimeEnergyWh: 15_144_900, // 15144.9 kWh
        acPowerW: 1349,
        todayEnergyWh: 1_390, // 1.39 kWh
        lastEmaContactHex: "20260423101135",
        invertersRegistered: 6,
        invertersOnline: 6,
        zigbeeChannel: "10",
        firmware: "ECU_R_PRO_2.1.29A",
        timezone: "Europe/Amsterdam",
        ethernetMac: "80:97:1b:03:88:50",
        wifiMac: "60:c5:a8:7e:f8:14",
        tailHex: APS12_TAIL,
      },
    ],
    [
      "P15 ECU-C 215000012502 (APS12)",
      C.p15Info,
      {
        group: "12" as const,
        ecuId: "215000012502",
        lifetimeEnergyWh: 177_400, // 177.4 kWh
        acPowerW: 164,
        todayEnergyWh: 8_860, // 8.86 kWh
        lastEmaContactHex: "20220831181134",
        invertersRegistered: 3,
        invertersOnline: 3,
        zigbeeChannel: "10",
        firmware: "ECU-C-Z_C1.2.2",
        timezone: "Europe/Amsterdam",
        ethernetMac: "80:97:1b:02:1d:91",
        wifiMac: "60:c5:a8:79:a0:b8",
        tailHex: APS12_TAIL,
      },
    ],
  ])("%s is rebuilt byte for byte", (_name, capture, fields) => {
    expect(hex(encodeEcuInfo(fields))).toBe(capture);
  });
});

/** A record from a reference line: [uid, Hz, °C, W per input, V]. */
const on = (
  typeCode: string,
  uid: string,
  hz: number,
  c: number,
  w: number[],
  v: number[],
): EcuRecordFields => ({
  uid,
  online: true,
  typeCode,
  readings: { frequencyHz: hz, temperatureC: c, powersW: w, voltagesV: v },
});

describe("0002 answers", () => {
  it("P1 ECU-R, 7× YC600 (type 01) at 2020-11-24 12:05:10", () => {
    const b = encodeEcuRealtime({
      cycleTimeDigits: "20201124120510",
      records: [
        on("01", "408000094016", 49.9, 11, [20, 20], [228]),
        on("01", "408000095622", 49.9, 11, [19, 20], [228]),
        on("01", "408000091826", 49.9, 11, [20, 20], [227]),
        on("01", "408000092933", 49.9, 11, [20, 19], [227]),
        on("01", "408000091913", 49.9, 11, [21, 20], [227]),
        on("01", "408000092434", 49.9, 11, [20, 20], [227]),
        on("01", "408000091840", 49.9, 11, [20, 20], [226]),
      ],
    });
    expect(hex(b)).toBe(C.p1Realtime);
  });

  it("P2 ECU-R, 6× QT2 (type 02, three phase voltages)", () => {
    const b = encodeEcuRealtime({
      cycleTimeDigits: "20231120151934",
      records: [
        on("02", "901000007352", 49.9, 23, [26, 26, 27, 25], [390, 391, 383]),
        on("02", "901000006946", 49.9, 20, [26, 27, 29, 29], [386, 390, 389]),
        on("02", "901000006234", 49.9, 21, [28, 29, 30, 30], [384, 389, 391]),
        on("02", "901000006983", 49.9, 21, [24, 29, 28, 28], [390, 387, 393]),
        on("02", "901000005764", 49.9, 18, [27, 26, 30, 29], [391, 386, 387]),
        on("02", "901000004208", 49.9, 19, [26, 26, 22, 27], [392, 390, 386]),
      ],
    });
    expect(hex(b)).toBe(C.p2Realtime);
  });

  it("P9 ECU-B, one DS3 by day, and P8 the same DS3 offline at night (zeros, temperature raw 100)", () => {
    expect(
      hex(
        encodeEcuRealtime({
          cycleTimeDigits: "20240913125932",
          records: [on("01", "702000999999", 49.9, 51, [211, 214], [240])],
        }),
      ),
    ).toBe(C.p9Realtime);
    expect(
      hex(
        encodeEcuRealtime({
          cycleTimeDigits: "20240914211510",
          records: [{ uid: "702000016318", online: false, typeCode: "01", raw: [0, 100, 0, 0, 0, 0] }],
        }),
      ),
    ).toBe(C.p8Realtime);
  });

  it("P13 ECU-R-Pro at night: 4 DS3 offline with all zeros (−100 °C) and 4 never heard (type 00)", () => {
    const off = (uid: string): EcuRecordFields => ({
      uid,
      online: false,
      typeCode: "01",
      raw: [0, 0, 0, 0, 0, 0],
    });
    const never = (uid: string): EcuRecordFields => ({ uid, online: false, typeCode: "00" });
    const b = encodeEcuRealtime({
      cycleTimeDigits: "20220919222805",
      records: [
        off("704000037390"),
        off("704000047117"),
        off("704000039603"),
        off("704000046411"),
        never("704000038131"),
        never("704000045962"),
        never("704000045916"),
        never("704000046425"),
      ],
    });
    expect(hex(b)).toBe(C.p13Realtime);
  });

  it("P18 ECU-C at night: 5 QS1 offline (type 03, zeros) and 4 QS1A never heard", () => {
    const off = (uid: string): EcuRecordFields => ({
      uid,
      online: false,
      typeCode: "03",
      raw: [0, 0, 0, 0, 0, 0, 0],
    });
    const never = (uid: string): EcuRecordFields => ({ uid, online: false, typeCode: "00" });
    const b = encodeEcuRealtime({
      cycleTimeDigits: "20220517224122",
      records: [
        off("802000142216"),
        off("802000142534"),
        off("802000142349"),
        off("802000142642"),
        off("802000142585"),
        never("806000008104"),
        never("806000008668"),
        never("806000008897"),
        never("806000009733"),
      ],
    });
    expect(hex(b)).toBe(C.p18Realtime);
  });

  it("P17 ECU-C, 11× YC1000 (type 02) at 2021-04-14 15:08:05", () => {
    const b = encodeEcuRealtime({
      cycleTimeDigits: "20210414150805",
      records: [
        on("02", "502000006223", 50.1, 40, [258, 257, 254, 253], [236, 238, 234]),
        on("02", "502000006715", 50.0, 39, [258, 258, 249, 252], [237, 239, 237]),
        on("02", "502000006955", 50.0, 46, [254, 250, 249, 248], [237, 239, 234]),
        on("02", "502000007273", 49.9, 43, [254, 257, 258, 256], [236, 239, 235]),
        on("02", "502000008349", 50.0, 51, [252, 256, 251, 251], [235, 239, 235]),
        on("02", "502000008729", 50.0, 41, [250, 252, 247, 248], [236, 238, 234]),
        on("02", "502000006342", 50.0, 41, [250, 258, 256, 249], [238, 240, 236]),
        on("02", "502000006757", 50.0, 43, [257, 263, 253, 250], [237, 238, 236]),
        on("02", "502000007263", 50.0, 46, [257, 259, 256, 254], [238, 238, 236]),
        on("02", "502000007432", 49.9, 38, [260, 261, 257, 254], [237, 238, 235]),
        on("02", "502000008541", 50.0, 40, [233, 237, 227, 228], [237, 240, 236]),
      ],
    });
    expect(hex(b)).toBe(C.p17Realtime);
  });
});

describe("0030, no-data and 0012 answers", () => {
  it("P2 and P13 signal levels", () => {
    const p2 = [
      "901000007352",
      "901000006946",
      "901000006234",
      "901000006983",
      "901000005764",
      "901000004208",
    ];
    expect(hex(encodeEcuSignal(p2.map((uid) => ({ uid, levelRaw: 171 }))))).toBe(C.p2Signal);
    const p13: [string, number][] = [
      ["704000037390", 216],
      ["704000047117", 228],
      ["704000039603", 226],
      ["704000046411", 202],
      ["704000038131", 0],
      ["704000045962", 0],
      ["704000045916", 0],
      ["704000046425", 0],
    ];
    expect(hex(encodeEcuSignal(p13.map(([uid, levelRaw]) => ({ uid, levelRaw }))))).toBe(C.p13Signal);
  });

  it("P10 the ECU-B's 16-byte no-data answer", () => {
    expect(hex(encodeEcuNoData("0002"))).toBe(C.p10NoData);
  });

  it("P11 the ECU-B's clock (the capture shows the text without its final LF)", () => {
    expect(encodeEcuClock("20230801173037").toString("latin1")).toBe(`${C.p11Answer0012}\n`);
  });
});

describe("0003 and 0004 (no public capture): the codec's worked examples", () => {
  it("power of day: 12:05 → 300 W reads back", () => {
    const a = decodeEcuAnswer(
      encodeEcuPowerOfDay([
        { hhmm: "1205", acPowerW: 300 },
        { hhmm: "1210", acPowerW: 10 },
      ]),
    );
    expect(a).toMatchObject({
      kind: "ecu-power-of-day",
      points: [
        { time: "12:05", acPowerW: 300 },
        { time: "12:10", acPowerW: 10 },
      ],
      warnings: [],
    });
  });

  it("energy history: 2023-11-20 → 170 Wh, 2-byte values in group 11 and 4-byte in group 12", () => {
    for (const group of ["11", "12"] as const) {
      const a = decodeEcuAnswer(
        encodeEcuEnergyHistory(group, "00", [
          { yyyymmdd: "20231120", energyWh: 170 },
          { yyyymmdd: "20231121", energyWh: 12_340 },
        ]),
      );
      expect(a).toMatchObject({
        kind: "ecu-energy-history",
        group,
        period: "week",
        valueBytes: group === "11" ? 2 : 4,
        entries: [
          { date: "2023-11-20", energyWh: 170 },
          { date: "2023-11-21", energyWh: 12_340 },
        ],
      });
    }
  });
});
