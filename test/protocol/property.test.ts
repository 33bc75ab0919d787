import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildL2, parseL2 } from "../../src/protocol/l2.ts";
import { decodeReply } from "../../src/protocol/replies.ts";
import { encodeZnpFrame } from "../../src/protocol/znp/frame.ts";
import { ZnpStreamParser } from "../../src/protocol/znp/parser.ts";
import { encodeTelemetry, type TelemetryValues } from "../../src/sim/wire/telemetry.ts";

/**
 * Round trips through the simulator's encoder (src/sim/wire) and the codec. They find layout slips and
 * overflow at the edges of the ranges, but they are not proof that a scale is right: the expected values
 * in test/protocol/telemetry.test.ts come from the captures' sources. Wire steps (DESIGN.md §2) written out:
 */
const QS1_DC_V_STEP = 82.5 / 4096;
const QS1_DC_A_STEP = 27.5 / 4096;
const QS1_AC_V_STEP = 1 / (1.3277 * 4);
const QS1_TEMP_STEP = 0.2752;

const channel = fc.record({
  voltageV: fc.double({ min: 0, max: 60, noNaN: true }),
  currentA: fc.double({ min: 0, max: 12, noNaN: true }),
  energyCounter: fc.integer({ min: 0, max: 2 ** 40 - 1 }),
});

function values(serialPrefix: string, channels: number) {
  return fc.record({
    serial: fc.integer({ min: 0, max: 999_999_999 }).map((n) => serialPrefix + String(n).padStart(9, "0")),
    temperatureC: fc.double({ min: -40, max: 85, noNaN: true }),
    frequencyHz: fc.double({ min: 45, max: 55, noNaN: true }),
    acVoltageV: fc.double({ min: 160, max: 280, noNaN: true }),
    uptimeS: fc.integer({ min: 0, max: 0xffff }),
    channels: fc.array(channel, { minLength: channels, maxLength: channels }),
  });
}

describe("encode → decode round trips", () => {
  it.each([
    ["QS1", "801", 4],
    ["YC600", "408", 2],
  ])("%s telemetry survives within wire resolution", (_m, prefix, n) => {
    fc.assert(
      fc.property(values(prefix, n), (v: TelemetryValues) => {
        const t = decodeReply(encodeTelemetry(v));
        if (t.kind !== "telemetry") return false;
        expect(t.serial).toBe(v.serial);
        expect(t.uptimeS).toBe(v.uptimeS);
        expect(Math.abs(t.acVoltageV - v.acVoltageV)).toBeLessThanOrEqual(QS1_AC_V_STEP / 2 + 1e-9);
        expect(Math.abs(t.frequencyHz - v.frequencyHz)).toBeLessThan(1e-4);
        expect(Math.abs(t.temperatureC - v.temperatureC)).toBeLessThanOrEqual(QS1_TEMP_STEP / 2 + 1e-9);
        t.channels.forEach((c, i) => {
          const w = v.channels[i]!;
          expect(Math.abs(c.voltageV - Math.min(w.voltageV, 4095 * QS1_DC_V_STEP))).toBeLessThanOrEqual(
            QS1_DC_V_STEP / 2 + 1e-9,
          );
          expect(Math.abs(c.currentA - Math.min(w.currentA, 4095 * QS1_DC_A_STEP))).toBeLessThanOrEqual(
            QS1_DC_A_STEP / 2 + 1e-9,
          );
          expect(c.energyCounter).toBe(w.energyCounter);
        });
        return true;
      }),
      { numRuns: 2000 },
    );
  });

  it("DS3 telemetry survives within wire resolution", () => {
    const ds3 = values("703", 2).chain((v) =>
      fc
        .record({
          acPowerW: fc.integer({ min: 0, max: 1000 }),
          reactivePowerVar: fc.integer({ min: -500, max: 500 }),
        })
        .map((x) => ({
          ...v,
          ...x,
          channels: v.channels.map((c) => ({ ...c, energyCounter: c.energyCounter % 2 ** 32 })),
        })),
    );
    fc.assert(
      fc.property(ds3, (v) => {
        const t = decodeReply(encodeTelemetry(v));
        if (t.kind !== "telemetry") return false;
        expect(t.acPowerW).toBe(v.acPowerW);
        expect(t.reactivePowerVar).toBe(v.reactivePowerVar);
        expect(Math.abs(t.channels[0]!.voltageV - v.channels[0]!.voltageV)).toBeLessThanOrEqual(0.01 + 1e-9);
        expect(t.channels[1]!.energyCounter).toBe(v.channels[1]!.energyCounter);
        return true;
      }),
      { numRuns: 1000 },
    );
  });

  it("any L2 command and body round-trips with a valid checksum", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 200 }), (cmd, body) => {
        const l2 = parseL2(buildL2(cmd, body), { strictChecksum: true });
        expect(l2.cmd).toBe(cmd);
        expect(Array.from(l2.body)).toEqual(Array.from(body));
        expect(l2.checksumState).toBe("valid");
      }),
    );
  });

  it("ZNP frames survive arbitrary chunking with garbage between them", () => {
    const frameArb = fc.record({
      cmd0: fc.integer({ min: 0, max: 255 }),
      cmd1: fc.integer({ min: 0, max: 255 }),
      data: fc.uint8Array({ maxLength: 250 }),
    });
    const garbageArb = fc.uint8Array({ maxLength: 4 }).map((g) => g.map((b) => (b === 0xfe ? 0xf8 : b)));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(garbageArb, frameArb), { maxLength: 6 }),
        fc.integer({ min: 1, max: 40 }),
        (items, chunk) => {
          const wire = items.flatMap(([g, f]) => [...g, ...encodeZnpFrame(f)]);
          const p = new ZnpStreamParser();
          const got: number[][] = [];
          for (let i = 0; i < wire.length; i += chunk) {
            for (const e of p.push(Uint8Array.from(wire.slice(i, i + chunk)))) {
              if (e.kind === "frame") got.push(Array.from(e.raw));
            }
          }
          expect(got).toEqual(items.map(([, f]) => Array.from(encodeZnpFrame(f))));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
