/**
 * Fuzzing the protection pages: random, truncated and mutated pages never throw anything but FrameError,
 * and every value that comes out is a finite number inside the plausibility guard.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex } from "../../../src/protocol/bytes.ts";
import { FrameError } from "../../../src/protocol/errors.ts";
import type { Family } from "../../../src/protocol/models.ts";
import { modelByName } from "../../../src/protocol/models.ts";
import { decodeProtectionPage } from "../../../src/protocol/protection/index.ts";
import { decodeL2Reply } from "../../../src/protocol/replies.ts";
import { protectionPages } from "../../fixtures/protection-pages.ts";

function typedOrOk(run: () => unknown): unknown {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof FrameError)) throw e;
    return undefined;
  }
}

function checkValues(r: unknown): void {
  if (!r || typeof r !== "object" || !("settings" in r)) return;
  for (const v of Object.values(
    (r as { settings: Record<string, { kind: string; value?: number }> }).settings,
  )) {
    if (v.kind === "value") {
      expect(Number.isFinite(v.value)).toBe(true);
      expect(v.value).toBeGreaterThanOrEqual(0);
      expect(v.value).toBeLessThanOrEqual(2000);
    }
  }
}

const FAMILIES: Family[] = ["ds3", "qs1", "yc600", "yc1000"];
const MODELS = ["DS3", "QS1", "QS1A", "YC600", "YC1000"].map((n) => modelByName(n)!);

describe("fuzzing protection pages", () => {
  it("20 000 mutated and truncated captured pages: typed errors only, plausible values only", () => {
    const seeds = [
      protectionPages.ds3PageA,
      protectionPages.ds3PageBOa,
      protectionPages.ds3PageBP32,
      protectionPages.qs1aPageA,
      protectionPages.qs1aPageBOa,
      protectionPages.qs1aPageCOa,
      protectionPages.yc600PageB,
    ].map((h) => fromHex(h));
    const mutated = fc
      .tuple(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 10 }),
        fc.nat(),
        fc.boolean(),
      )
      .map(([seed, flips, cut, doCut]) => {
        const b = Uint8Array.from(seed);
        for (const [pos, val] of flips) b[pos % b.length] = val;
        return doCut ? b.subarray(0, cut % (b.length + 1)) : b;
      });
    fc.assert(
      fc.property(mutated, fc.constantFrom(...FAMILIES), fc.constantFrom(...MODELS), (b, family, model) => {
        checkValues(typedOrOk(() => decodeProtectionPage(b, family)));
        const reply = typedOrOk(() => decodeL2Reply(b, "", model));
        if (reply && typeof reply === "object" && "protection" in reply) checkValues(reply.protection);
        checkValues(reply);
      }),
      { numRuns: 20_000 },
    );
  }, 120_000);

  it("20 000 random frames shaped FB FB <len> <page cmd> … FE FE: typed errors only", () => {
    const frame = fc
      .tuple(fc.constantFrom(0xdd, 0xde, 0xd9, 0xdb, 0xda), fc.uint8Array({ maxLength: 110 }), fc.boolean())
      .map(([cmd, body, fixLen]) => {
        const b = Uint8Array.from([
          0xfb,
          0xfb,
          fixLen ? body.length + 1 - 2 : (body[0] ?? 0),
          cmd,
          ...body,
          0xfe,
          0xfe,
        ]);
        return b;
      });
    fc.assert(
      fc.property(frame, fc.constantFrom(...FAMILIES), (b, family) => {
        checkValues(typedOrOk(() => decodeProtectionPage(b, family)));
      }),
      { numRuns: 20_000 },
    );
  }, 120_000);
});
