import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fingerprintsFor, ieeePattern, modelInfo } from "../../converters/lib/fingerprint.ts";
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

  it.each(["80", "8012", "80a", "a801", "801 ", ""])("refuses the prefix '%s': a prefix is 3 digits", (p) => {
    expect(() => ieeePattern(p)).toThrow(RangeError);
    expect(() => ieeePattern(p)).toThrow(`a serial prefix is 3 digits (e.g. 801), got '${p}'`);
  });
});

/**
 * Addresses written out by hand from the layout in DESIGN.md §2 (FF FF, then the 6 BCD serial bytes,
 * printed most significant byte first): serial 80 20 00 12 34 56 → 0x56 34 12 00 20 80 ff ff.
 */
describe("ieeePattern on hand-written addresses", () => {
  it.each([
    ["802", "0x563412002080ffff"], // 802000123456
    ["804", "0x999999994980ffff"], // 804999999999
    ["805", "0x010000005080ffff"], // 805000000001
    ["806", "0x822504006080ffff"], // 806000042582
    ["406", "0x230100006040ffff"], // 406000000123
    ["407", "0x896745237140ffff"], // 407123456789
    ["409", "0x000000009040ffff"], // 409000000000
    ["703", "0x001302003070ffff"], // 703000021300
  ])("prefix %s matches %s", (prefix, ieee) => {
    expect(ieeePattern(prefix).test(ieee)).toBe(true);
  });

  it("matches an address printed in capitals", () => {
    expect(ieeePattern("801").test("0x705008001080FFFF")).toBe(true);
  });

  it.each([
    ["another prefix's serial (800100085070: digit 3 is byte 1's high nibble)", "0x705008000180ffff"],
    ["a hex letter where a BCD serial digit belongs", "0x705008001a80ffff"],
    ["a hex letter in the upper serial bytes", "0x7050080b1080ffff"],
    ["no FF FF at the end", "0x705008001080fffe"],
    ["one serial byte short", "0x5008001080ffff"],
    ["an endpoint-qualified name", "0x705008001080ffff/1"],
    ["text around the address", "ieee 0x705008001080ffff"],
  ])("prefix 801 does not match %s (%s)", (_what, ieee) => {
    expect(ieeePattern("801").test(ieee)).toBe(false);
  });
});

describe("modelInfo", () => {
  it("names the model that is not known and lists those that are", () => {
    expect(modelInfo("DS3").prefixes).toEqual(["703", "704"]);
    expect(() => modelInfo("QS2" as never)).toThrow(RangeError);
    expect(() => modelInfo("QS2" as never)).toThrow(
      "unknown APsystems model 'QS2' (known: QS1, QS1A, YC600, YC1000, DS3)",
    );
  });
});

describe("fingerprintsFor", () => {
  // docs/zigbee2mqtt.md "Matching": QS1 801/802/804/805, QS1A 806, YC600 406–409, DS3 703/704.
  it.each([
    ["QS1", ["0x705008001080ffff", "0x563412002080ffff", "0x999999994980ffff", "0x010000005080ffff"]],
    ["QS1A", ["0x822504006080ffff"]],
    ["YC600", ["0x230100006040ffff", "0x896745237140ffff", "0x158215008040ffff", "0x000000009040ffff"]],
    ["DS3", ["0x001302003070ffff", "0x942520004070ffff"]],
  ] as const)(
    "%s matches one address per documented prefix, each by exactly one fingerprint",
    (name, ieees) => {
      const fps = fingerprintsFor(name);
      expect(fps).toHaveLength(ieees.length);
      for (const ieee of ieees)
        expect(
          fps.filter((f) => f.ieeeAddr!.test(ieee)),
          ieee,
        ).toHaveLength(1);
    },
  );

  it("an address of another model or of no model matches no definition", () => {
    const all = DEFINED.flatMap((m) => fingerprintsFor(m));
    // YC1000 501000012345 (no definition: telemetry not decoded); 803000085070 (no model).
    for (const ieee of ["0x452301001050ffff", "0x705008003080ffff"])
      expect(
        all.some((f) => f.ieeeAddr!.test(ieee)),
        ieee,
      ).toBe(false);
  });

  it.each(DEFINED)("%s has one IEEE fingerprint per serial prefix and no modelID", (name) => {
    const model = MODELS.find((m) => m.model === name)!;
    const fps = fingerprintsFor(name);
    expect(fps).toHaveLength(model.prefixes.length);
    for (const f of fps) expect(f.modelID).toBeUndefined();
  });
});
