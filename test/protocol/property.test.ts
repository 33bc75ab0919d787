import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex } from "../../src/protocol/bytes.ts";
import { qs1LimitRaw, qs1LimitWatts } from "../../src/protocol/commands.ts";
import { decodeDump } from "../../src/protocol/dump.ts";
import { FrameError } from "../../src/protocol/errors.ts";
import { buildL2, parseL2 } from "../../src/protocol/l2.ts";
import { modelByName } from "../../src/protocol/models.ts";
import { decodeReply } from "../../src/protocol/replies.ts";
import { QS1_AC_VOLT_DIVISOR, QS1_DC_AMPS_PER_LSB, QS1_DC_VOLTS_PER_LSB } from "../../src/protocol/scales.ts";
import { encodeTelemetry, type TelemetryValues } from "../../src/protocol/telemetry-encode.ts";
import { encodeZnpFrame } from "../../src/protocol/znp-frame.ts";
import { ZnpStreamParser } from "../../src/protocol/znp-parser.ts";
import { captures, frames } from "../fixtures/captures.ts";

/** Only typed codec errors may escape; anything else (TypeError, RangeError) is a bug. */
function typedOrOk(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof FrameError)) throw e;
  }
}

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
        expect(Math.abs(t.acVoltageV - v.acVoltageV)).toBeLessThanOrEqual(0.5 / QS1_AC_VOLT_DIVISOR + 1e-9);
        expect(Math.abs(t.frequencyHz - v.frequencyHz)).toBeLessThan(1e-4);
        expect(Math.abs(t.temperatureC - v.temperatureC)).toBeLessThanOrEqual(0.1376 + 1e-9);
        t.channels.forEach((c, i) => {
          const w = v.channels[i]!;
          expect(
            Math.abs(c.voltageV - Math.min(w.voltageV, 4095 * QS1_DC_VOLTS_PER_LSB)),
          ).toBeLessThanOrEqual(QS1_DC_VOLTS_PER_LSB / 2 + 1e-9);
          expect(Math.abs(c.currentA - Math.min(w.currentA, 4095 * QS1_DC_AMPS_PER_LSB))).toBeLessThanOrEqual(
            QS1_DC_AMPS_PER_LSB / 2 + 1e-9,
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

  it("QS1 limit values round-trip to the same raw value across the whole range", () => {
    for (let w = 20; w <= 500; w++) expect(qs1LimitRaw(qs1LimitWatts(qs1LimitRaw(w)))).toBe(qs1LimitRaw(w));
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

describe("fuzzing: random and mutated input never throws untyped and never hangs", () => {
  const seeds = [
    ...frames.telemetry_and_replies.map((c) => fromHex(c.hex)),
    ...frames.pairing_replies.map((h) => fromHex(h)),
  ];
  const mutated = fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
      fc.nat(),
      fc.nat(),
    )
    .map(([seed, flips, cutA, cutB]) => {
      const b = Uint8Array.from(seed);
      for (const [pos, val] of flips) b[pos % b.length] = val;
      const a = cutA % b.length;
      return b.subarray(Math.min(a, cutB % b.length), Math.max(a, cutB % b.length) + 1);
    });

  it("50 000 mutated captures through the UART parser and every decoder", () => {
    const model = modelByName("QS1")!;
    fc.assert(
      fc.property(mutated, (b) => {
        typedOrOk(() => decodeDump(b));
        typedOrOk(() => decodeDump(b, { model }));
        const p = new ZnpStreamParser();
        p.push(b);
        p.flush();
        expect(p.pending).toBe(0);
      }),
      { numRuns: 50_000 },
    );
  });

  it("50 000 random byte strings into the L2 decoder and reply decoder", () => {
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 260 }),
      fc
        .uint8Array({ minLength: 8, maxLength: 120 })
        .map((b) => Uint8Array.from([0x80, 0x10, 0, 0x08, 0x50, 0x70, 0xfb, 0xfb, ...b])),
      fc.uint8Array({ maxLength: 120 }).map((b) => Uint8Array.from([0xfb, 0xfb, ...b, 0xfe, 0xfe])),
    );
    fc.assert(
      fc.property(payload, (b) => {
        typedOrOk(() => parseL2(b));
        typedOrOk(() => decodeReply(b));
        typedOrOk(() => decodeDump(b, { model: modelByName("YC600")! }));
      }),
      { numRuns: 50_000 },
    );
  });

  it("a known capture still decodes after the fuzz (sanity of the harness)", () => {
    expect(decodeDump(fromHex(captures.qs1Johan.hex)).messages).toHaveLength(1);
  });
});
