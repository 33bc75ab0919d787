/**
 * 0001 ECU information: every real 0001 answer in the reference, with the values its decoded line (and,
 * where the source states them, the source) gives, written out here by hand.
 */
import { describe, expect, it } from "vitest";
import { fromHex } from "../../../src/protocol/bytes.ts";
import { decodeEcuAnswer } from "../../../src/protocol/ecu/decode.ts";
import { EcuCutFrameError } from "../../../src/protocol/ecu/frame.ts";
import { fromEcuText } from "../../../src/protocol/ecu/text.ts";
import { FrameError } from "../../../src/protocol/errors.ts";
import { ecuCaptures as C } from "./captures.ts";

const info = (hex: string) => {
  const a = decodeEcuAnswer(fromHex(hex));
  if (a.kind !== "ecu-info") throw new Error(`expected ecu-info, got ${a.kind}`);
  return a;
};
const codes = (w: { code: string; offset?: number }[]) => w.map((x) => `${x.code}@${x.offset}`);

describe("0001 ECU information from real answers", () => {
  it("P2 ECU-R 216000120830: 4358.1 kWh, 654 W, 0.17 kWh, 6/6, D0 placeholder, zero Wi-Fi MAC", () => {
    expect(info(C.p2Info)).toEqual({
      kind: "ecu-info",
      group: "11",
      ecuId: "216000120830",
      ecuModel: "ECU-R",
      layoutCode: "01",
      lifetimeEnergyWh: 4_358_100, // 00 00 AA 3D = 43581 × 0.1 kWh
      acPowerW: 654, // 00 00 02 8E
      todayEnergyWh: 170, // 00 00 00 11 = 17 × 0.01 kWh
      lastEmaContactRaw: "d0d0d0d0d0d0d0",
      invertersRegistered: 6,
      invertersOnline: 6,
      zigbeeChannel: "10",
      firmware: "ECU_R_1.3.6C",
      timezone: "Etc/GMT-8",
      ethernetMac: "80:97:1b:05:ce:12",
      warnings: [],
    });
  });

  it("P3 same ECU a day later: 4358.5 kWh, 398 W and today's energy 0 flagged as the known firmware fault", () => {
    const a = info(C.p3Info);
    expect([a.lifetimeEnergyWh, a.acPowerW, a.todayEnergyWh]).toEqual([4_358_500, 398, 0]);
    expect(codes(a.warnings)).toEqual(["unreliable@35"]);
    expect(a.warnings[0]!.detail).toMatch(/today's energy 0 .*firmware fault.*treat as unknown/);
  });

  it("P4 ECU-R 216000124876 (ECU_R_1.3.6A): 4300.4 kWh, 110 W, today 0 (flagged)", () => {
    const a = info(C.p4Info);
    expect(a).toMatchObject({
      ecuId: "216000124876",
      lifetimeEnergyWh: 4_300_400,
      acPowerW: 110,
      todayEnergyWh: 0,
      invertersRegistered: 6,
      invertersOnline: 6,
      firmware: "ECU_R_1.3.6A",
      ethernetMac: "80:97:1b:05:ac:90",
    });
    expect(codes(a.warnings)).toEqual(["unreliable@35"]);
  });

  it("P5 ECU-R 216000060598 (ECU_R_1.2.31): 5457.3 kWh, 31 W, 2 of 2 online", () => {
    expect(info(C.p5Info)).toMatchObject({
      ecuId: "216000060598",
      lifetimeEnergyWh: 5_457_300,
      acPowerW: 31,
      todayEnergyWh: 0,
      invertersRegistered: 2,
      invertersOnline: 2,
      firmware: "ECU_R_1.2.31",
      timezone: "Etc/GMT-8",
      ethernetMac: "80:97:1b:01:f5:e9",
    });
  });

  it("P7 ECU-B 216300007004: the source states firmware ECU_B_1.2.33 (+ '009'), Etc/GMT-8, 1 inverter", () => {
    const a = info(C.p7Info);
    expect(a).toMatchObject({
      ecuId: "216300007004",
      ecuModel: "ECU-B",
      lifetimeEnergyWh: 1_995_500, // 00 00 4D F3 = 19955
      acPowerW: 425,
      todayEnergyWh: 3_100, // 01 36 = 310
      invertersRegistered: 1,
      invertersOnline: 1,
      firmware: "ECU_B_1.2.33", // the source's "ECU_B_1.2.33009" includes the timezone length 009
      timezone: "Etc/GMT-8",
      ethernetMac: "80:97:1b:02:db:59",
      warnings: [],
    });
    expect(a).not.toHaveProperty("wifiMac");
    expect(a).not.toHaveProperty("lastEmaContact");
  });

  it("P12 ECU-R-Pro 216200047223 (APS12): EMA time, real zone, Wi-Fi MAC and the 12-byte tail", () => {
    expect(info(C.p12Info)).toEqual({
      kind: "ecu-info",
      group: "12",
      ecuId: "216200047223",
      ecuModel: "ECU-R-Pro",
      layoutCode: "01",
      lifetimeEnergyWh: 15_144_900,
      acPowerW: 1_349,
      todayEnergyWh: 1_390,
      lastEmaContact: "2026-04-23T10:11:35",
      lastEmaContactRaw: "20260423101135",
      invertersRegistered: 6,
      invertersOnline: 6,
      zigbeeChannel: "10",
      firmware: "ECU_R_PRO_2.1.29A",
      timezone: "Europe/Amsterdam",
      ethernetMac: "80:97:1b:03:88:50",
      wifiMac: "60:c5:a8:7e:f8:14",
      tailHex: "303000000000000000000000",
      warnings: [{ code: "layout", detail: expect.stringMatching(/12 bytes after the MACs/), offset: 103 }],
    });
  });

  it("P13 ECU-R-Pro 216200069349 at night: 89.3 kWh, 0 W, today 9.82 kWh, 8 registered, 0 online", () => {
    const a = info(C.p13Info);
    expect(a).toMatchObject({
      group: "12",
      ecuId: "216200069349",
      lifetimeEnergyWh: 89_300,
      acPowerW: 0,
      todayEnergyWh: 9_820,
      lastEmaContact: "2022-09-19T20:26:07",
      invertersRegistered: 8,
      invertersOnline: 0,
      firmware: "ECU_R_PRO_2.0.7A",
      timezone: "Europe/Amsterdam",
      ethernetMac: "80:97:1b:04:15:f1",
      wifiMac: "60:c5:a8:7f:24:d9",
    });
    // Night with 0 online: today's energy stands, no firmware-fault warning.
    expect(codes(a.warnings)).toEqual(["layout@102"]); // 70 + V 16 + T 16
  });

  it("P15 ECU-C 215000012502: 177.4 kWh, 164 W, 8.86 kWh, 3/3, fw ECU-C-Z_C1.2.2", () => {
    expect(info(C.p15Info)).toMatchObject({
      group: "12",
      ecuId: "215000012502",
      ecuModel: "ECU-C",
      lifetimeEnergyWh: 177_400,
      acPowerW: 164,
      todayEnergyWh: 8_860,
      lastEmaContact: "2022-08-31T18:11:34",
      invertersRegistered: 3,
      invertersOnline: 3,
      firmware: "ECU-C-Z_C1.2.2",
      timezone: "Europe/Amsterdam",
      ethernetMac: "80:97:1b:02:1d:91",
      wifiMac: "60:c5:a8:79:a0:b8",
      tailHex: "303000000000000000000000",
    });
  });

  it("P16 fresh ECU-C (id masked with *): the id is refused, and the Python repr is the same bytes as the hex", () => {
    expect(fromEcuText(C.p16InfoRepr)).toEqual(fromHex(C.p16Info));
    // The poster masked 5 digits of the ECU id with '*', so it is no ECU id any more.
    expect(() => decodeEcuAnswer(fromHex(C.p16Info))).toThrow(
      /^serial at byte 13: the ECU id at byte 13 must be 12 ASCII digits, got "2150000\*\*\*\*\*"/,
    );
  });

  it("P16 with the masked digits put back as 0: lifetime 0 flagged, all-zero EMA time, 2 registered 0 online", () => {
    const a = info(C.p16Info.replace("2a2a2a2a2a", "3030303030"));
    expect(a).toMatchObject({
      ecuId: "215000000000",
      lifetimeEnergyWh: 0,
      acPowerW: 0,
      todayEnergyWh: 0,
      lastEmaContactRaw: "00000000000000",
      invertersRegistered: 2,
      invertersOnline: 0,
      firmware: "ECU-C-Z_C1.2.1",
      timezone: "Europe/Paris",
      ethernetMac: "80:97:1b:03:24:8b",
      wifiMac: "60:c5:a8:7a:cb:fd",
    });
    expect(a).not.toHaveProperty("lastEmaContact");
    expect(codes(a.warnings)).toEqual(["unreliable@27", "layout@96"]); // tail at 70 + V 14 + T 12
  });

  it("P14 (cut at the 0x0A of the inverter count by readline) is a cut answer, 48 of 113 bytes", () => {
    const bytes = fromEcuText(C.p14CutRepr);
    expect(bytes.length).toBe(48);
    const e = (() => {
      try {
        decodeEcuAnswer(bytes);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(EcuCutFrameError);
    expect(e).toMatchObject({ code: "cut", needBytes: 113, gotBytes: 48 });
  });

  it("P6 (README, printable characters only) is cut: its length says 94", () => {
    const bytes = new TextEncoder().encode(C.p6AnswerPrintable);
    expect(() => decodeEcuAnswer(bytes)).toThrow(
      /^cut at byte 58: the length field says 94 bytes \+ LF, got 58/,
    );
  });
});

describe("0001 layouts without a capture", () => {
  it("layout 02 (ECU-R-RS, vendor tool): counts at 39/41, channel at 46, version at 52, flagged", () => {
    // Built by hand: header, id, "02", lifetime 1000 (100.0 kWh), power 250 W, today 123 (1.23 kWh),
    // registered 3, online 2, level "255", channel "16", RSD type "1", version "005" "RS1.0", END LF.
    const ascii = (s: string) => Buffer.from(s, "latin1").toString("hex");
    const body = `${ascii("216000099999")}${ascii("02")}000003e8000000fa0000007b0003000232353531361${"3"}${ascii("005RS1.0")}`;
    const len = 13 + body.length / 2 + 3;
    const hex = ascii(`APS11${String(len).padStart(4, "0")}0001`) + body + ascii("END\n");
    expect(decodeEcuAnswer(fromHex(hex))).toMatchObject({
      layoutCode: "02",
      lifetimeEnergyWh: 100_000,
      acPowerW: 250,
      todayEnergyWh: 1_230,
      invertersRegistered: 3,
      invertersOnline: 2,
      zigbeeChannel: "16",
      firmware: "RS1.0",
      warnings: [{ code: "layout", offset: 25 }],
    });
  });

  it("an unknown layout code is an error at byte 25 that asks for the answer", () => {
    const hex = C.p2Info.replace("3231363030303132303833303031", "3231363030303132303833303039");
    const e = (() => {
      try {
        decodeEcuAnswer(fromHex(hex));
      } catch (err) {
        return err as FrameError;
      }
    })();
    expect(e).toBeInstanceOf(FrameError);
    expect(e?.message).toBe(
      'range at byte 25: 0001 layout code "09" at byte 25 is not one we know ("01", or "02" for ECU-R-RS); please report the answer',
    );
  });

  it("a firmware length that runs past END is a length error at byte 52", () => {
    const hex = C.p2Info.replace("303132454355", "303939454355"); // "012ECU" → "099ECU"
    expect(() => decodeEcuAnswer(fromHex(hex))).toThrow(/^length at byte 52: firmware says 99 characters/);
  });
});
