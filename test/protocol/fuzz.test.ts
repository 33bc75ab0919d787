/**
 * Fuzzing: random and mutated bytes into the UART parser and every decoder. Kept apart from the example
 * tests so the mutation run (vitest.stryker.config.ts) can leave these 100 000 cases out.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex } from "../../src/protocol/bytes.ts";
import { decodeDump } from "../../src/protocol/dump.ts";
import { FrameError } from "../../src/protocol/errors.ts";
import { parseL2 } from "../../src/protocol/l2.ts";
import { modelByName } from "../../src/protocol/models.ts";
import { decodeReply } from "../../src/protocol/replies.ts";
import { ZnpStreamParser } from "../../src/protocol/znp/parser.ts";
import { captures, frames } from "../fixtures/captures.ts";

/** Only typed codec errors may escape; anything else (TypeError, RangeError) is a bug. */
function typedOrOk(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof FrameError)) throw e;
  }
}

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
  }, 180_000);

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
  }, 180_000);

  it("a known capture still decodes after the fuzz (sanity of the harness)", () => {
    expect(decodeDump(fromHex(captures.qs1Johan.hex)).messages).toHaveLength(1);
  });
});
