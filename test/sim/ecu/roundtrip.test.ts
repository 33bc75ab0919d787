/**
 * Any state the emulator can put on the wire reads back through the codec as that state, to the wire's
 * resolution (0.1 Hz, 1 °C, 1 W, 1 V, 0.1 kWh lifetime, 0.01 kWh today): random 0001 and 0002 answers
 * of every record type the simulated models use (QS1 "03", YC600/DS3 "01") plus QT2/YC1000 "02".
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeEcuAnswer } from "../../../src/protocol/ecu/decode.ts";
import type { EcuInfo, EcuRealtime } from "../../../src/protocol/ecu/types.ts";
import { type EcuRecordFields, encodeEcuInfo, encodeEcuRealtime } from "../../../src/sim/ecu/answers.ts";

const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
const INPUTS: Record<string, number> = { "01": 2, "03": 4, "02": 4 };

const record = fc.record({
  uid: digits(12),
  online: fc.boolean(),
  typeCode: fc.constantFrom("01", "02", "03"),
  frequencyHz: fc.double({ min: 45, max: 55, noNaN: true }),
  temperatureC: fc.double({ min: -40, max: 90, noNaN: true }),
  powersW: fc.array(fc.double({ min: 0, max: 600, noNaN: true }), { minLength: 4, maxLength: 4 }),
  voltagesV: fc.array(fc.double({ min: 180, max: 420, noNaN: true }), { minLength: 3, maxLength: 3 }),
});

describe("emulator answers → codec", () => {
  it("0002: 300 random answers of 0–12 records read back record for record", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 12 }), (recs) => {
        const fields: EcuRecordFields[] = recs.map((r) => ({
          uid: r.uid,
          online: r.online,
          typeCode: r.typeCode,
          readings: {
            frequencyHz: r.frequencyHz,
            temperatureC: r.temperatureC,
            powersW: r.powersW.slice(0, INPUTS[r.typeCode]),
            voltagesV: r.typeCode === "02" ? r.voltagesV : r.voltagesV.slice(0, 1),
          },
        }));
        const a = decodeEcuAnswer(
          encodeEcuRealtime({ cycleTimeDigits: "20240621115537", records: fields }),
        ) as EcuRealtime;
        expect(a.warnings).toEqual([]);
        expect([a.count, a.cycleTime]).toEqual([recs.length, "2024-06-21T11:55:37"]);
        expect(a.inverters.map((i) => [i.uid, i.online, i.typeCode])).toEqual(
          recs.map((r) => [r.uid, r.online, r.typeCode]),
        );
        for (const [i, r] of recs.entries()) {
          const got = a.inverters[i]!;
          if (!r.online) {
            expect(got.frequencyHz).toBeUndefined();
            continue;
          }
          expect(Math.abs(got.frequencyHz! - r.frequencyHz)).toBeLessThanOrEqual(0.05 + 1e-9);
          expect(Math.abs(got.temperatureC! - r.temperatureC)).toBeLessThanOrEqual(0.5 + 1e-9);
          const want = r.powersW.slice(0, INPUTS[r.typeCode]);
          got.channels!.forEach((c, k) => {
            expect(Math.abs(c.powerW - want[k]!)).toBeLessThanOrEqual(0.5 + 1e-9);
          });
          const volts = got.phaseVoltagesV ?? [got.acVoltageV!];
          volts.forEach((v, k) => {
            expect(Math.abs(v - r.voltagesV[k]!)).toBeLessThanOrEqual(0.5 + 1e-9);
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("0001: 300 random ECU states read back, APS11 and APS12", () => {
    fc.assert(
      fc.property(
        fc.record({
          group: fc.constantFrom("11" as const, "12" as const),
          ecuId: fc.constantFrom("2160", "2162", "2163", "2150").chain((p) => digits(8).map((d) => p + d)),
          lifetimeEnergyWh: fc.double({ min: 0, max: 4e8, noNaN: true }),
          acPowerW: fc.integer({ min: 0, max: 1e6 }),
          todayEnergyWh: fc.double({ min: 0, max: 4e7, noNaN: true }),
          registered: fc.integer({ min: 0, max: 500 }),
          online: fc.integer({ min: 0, max: 500 }),
          firmware: fc.stringMatching(/^[A-Z_.0-9-]{1,20}$/),
          timezone: fc.constantFrom("Etc/GMT-8", "Europe/Amsterdam", "US/Pacific"),
        }),
        (s) => {
          const info = decodeEcuAnswer(
            encodeEcuInfo({
              group: s.group,
              ecuId: s.ecuId,
              lifetimeEnergyWh: s.lifetimeEnergyWh,
              acPowerW: s.acPowerW,
              todayEnergyWh: s.todayEnergyWh,
              lastEmaContactHex: "20240621115537",
              invertersRegistered: s.registered,
              invertersOnline: s.online,
              zigbeeChannel: "10",
              firmware: s.firmware,
              timezone: s.timezone,
              ethernetMac: "80:97:1b:00:00:01",
              ...(s.group === "12"
                ? { wifiMac: "60:c5:a8:00:00:01", tailHex: "303000000000000000000000" }
                : {}),
            }),
          ) as EcuInfo;
          expect(info).toMatchObject({
            group: s.group,
            ecuId: s.ecuId,
            acPowerW: s.acPowerW,
            invertersRegistered: s.registered,
            invertersOnline: s.online,
            firmware: s.firmware,
            timezone: s.timezone,
            lastEmaContact: "2024-06-21T11:55:37",
          });
          // Counters go down to the wire's step, never up.
          expect(s.lifetimeEnergyWh - info.lifetimeEnergyWh).toBeGreaterThanOrEqual(-1e-3);
          expect(s.lifetimeEnergyWh - info.lifetimeEnergyWh).toBeLessThan(100);
          expect(s.todayEnergyWh - info.todayEnergyWh).toBeGreaterThanOrEqual(-1e-3);
          expect(s.todayEnergyWh - info.todayEnergyWh).toBeLessThan(10);
        },
      ),
      { numRuns: 300 },
    );
  });
});
