/**
 * Fuzzing the ECU LAN decoder: random bytes, mutated real answers and random "APS11…" headers never
 * throw anything but our FrameError and always return (a hang fails the test by its timeout).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex } from "../../../src/protocol/bytes.ts";
import { decodeEcuAnswer } from "../../../src/protocol/ecu/decode.ts";
import { fromEcuText } from "../../../src/protocol/ecu/text.ts";
import { FrameError } from "../../../src/protocol/errors.ts";
import { ecuCaptures as C } from "./captures.ts";

function typedOrOk(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof FrameError)) throw e;
  }
}

describe("ECU LAN decoder fuzzing", () => {
  it("20 000 mutated real answers (byte flips, cuts, length field rewritten to match)", () => {
    const seeds = [
      C.p1Realtime,
      C.p2Info,
      C.p2Realtime,
      C.p2Signal,
      C.p7Info,
      C.p8Realtime,
      C.p10NoData,
      C.p12Info,
      C.p13Realtime,
      C.p13Signal,
      C.p15Info,
      C.p17Realtime,
      C.p18Realtime,
    ].map(fromHex);
    const mutated = fc
      .tuple(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(),
        fc.boolean(),
      )
      .map(([seed, flips, cut, fixLength]) => {
        let b = Uint8Array.from(seed);
        // Flips after the header, so most cases get past the envelope into the record walkers.
        for (const [pos, val] of flips) b[13 + (pos % (b.length - 13))] = val;
        b = b.subarray(0, b.length - (cut % 40));
        if (fixLength && b.length > 13) {
          const len = String(b.length - 1).padStart(4, "0");
          b.set(new TextEncoder().encode(len.slice(-4)), 5);
        }
        return b;
      });
    fc.assert(
      fc.property(mutated, (b) => typedOrOk(() => decodeEcuAnswer(b))),
      { numRuns: 20_000 },
    );
  }, 120_000);

  it("20 000 random payloads behind a valid header for each decoded command", () => {
    const frame = fc
      .tuple(
        fc.constantFrom("0001", "0002", "0003", "0004", "0012", "0030", "0058"),
        fc.constantFrom("11", "12"),
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
      )
      .map(([cmd, group, body, ok]) => {
        const payload = ok && cmd !== "0001" ? Uint8Array.from([0x30, 0x30, ...body]) : body;
        const len = 13 + payload.length + 3;
        return Uint8Array.from([
          ...new TextEncoder().encode(`APS${group}${String(len).padStart(4, "0")}${cmd}`),
          ...payload,
          0x45,
          0x4e,
          0x44,
          0x0a,
        ]);
      });
    fc.assert(
      fc.property(frame, (b) => {
        typedOrOk(() => {
          const a = decodeEcuAnswer(b);
          expect(Array.isArray(a.warnings)).toBe(true);
        });
      }),
      { numRuns: 20_000 },
    );
  }, 120_000);

  it("10 000 random byte strings and random texts", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.string({ maxLength: 120 }), (b, s) => {
        typedOrOk(() => decodeEcuAnswer(b));
        typedOrOk(() => decodeEcuAnswer(fromEcuText(`APS${s}`)));
      }),
      { numRuns: 10_000 },
    );
  }, 120_000);
});
