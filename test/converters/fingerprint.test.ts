import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fingerprintsFor, ieeePattern } from "../../converters/lib/fingerprint.ts";
import { coordinatorIeee, inverterIeee, parseEcuId } from "../../src/protocol/ids.ts";
import { MODELS } from "../../src/protocol/models.ts";

const DEFINED = ["QS1", "QS1A", "YC600", "DS3"] as const;

describe("ieeePattern", () => {
  it.each([
    ["801000085070", "801", "0x705008001080ffff"],
    ["408000158215", "408", "0x158215008040ffff"],
    ["704000202594", "704", "0x942520004070ffff"],
  ])("serial %s (prefix %s) → %s matches", (serial, prefix, ieee) => {
    expect(inverterIeee(serial)).toBe(ieee);
    expect(ieeePattern(prefix).test(ieee)).toBe(true);
  });

  it("matches every serial with its prefix and no serial with another prefix", () => {
    const prefixes = MODELS.flatMap((m) => m.prefixes);
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.constantFrom(...prefixes),
        fc.stringMatching(/^\d{9}$/),
        (own, other, rest) => {
          const ieee = inverterIeee(own + rest);
          expect(ieeePattern(own).test(ieee)).toBe(true);
          if (other !== own) expect(ieeePattern(other).test(ieee)).toBe(false);
        },
      ),
    );
  });

  it("does not match the coordinator's address or ordinary vendor addresses", () => {
    const all = DEFINED.flatMap((m) => fingerprintsFor(m));
    for (const ieee of [
      coordinatorIeee(parseEcuId("D8A3011B9780")),
      "0x00124b0012345678",
      "0xa4c1388f2a1b3c4d",
    ]) {
      expect(all.some((f) => f.ieeeAddr!.test(ieee))).toBe(false);
    }
  });

  it("refuses a prefix that is not 3 digits", () => {
    expect(() => ieeePattern("80")).toThrow(/3 digits/);
  });
});

describe("fingerprintsFor", () => {
  it.each(DEFINED)("%s has one IEEE fingerprint per serial prefix and no modelID", (name) => {
    const model = MODELS.find((m) => m.model === name)!;
    const fps = fingerprintsFor(name);
    expect(fps).toHaveLength(model.prefixes.length);
    for (const f of fps) expect(f.modelID).toBeUndefined();
  });
});
