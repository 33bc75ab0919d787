import { describe, expect, it } from "vitest";
import { mergeProtectionPages, type ProtectionPageReading } from "../../../src/protocol/protection/index.ts";

describe("merging pages into one reading", () => {
  it("fills a page lost in the first pass from the second, and the newer value wins", () => {
    const a1: ProtectionPageReading = {
      page: "A",
      settings: { AC: { kind: "value", value: 196, unit: "V" } },
      raw: "aa01",
    };
    const b2: ProtectionPageReading = {
      page: "B",
      settings: { BN: { kind: "value", value: 195, unit: "V" } },
      raw: "bb02",
    };
    const a2: ProtectionPageReading = {
      page: "A",
      settings: { AC: { kind: "value", value: 183, unit: "V" } },
      raw: "aa02",
    };
    const r = mergeProtectionPages("801000012345", "QS1", [a1, b2, a2]);
    expect(r).toEqual({
      serial: "801000012345",
      model: "QS1",
      pages: ["A", "B"],
      settings: {
        AC: { kind: "value", value: 183, unit: "V" },
        BN: { kind: "value", value: 195, unit: "V" },
      },
      raw: { A: "aa02", B: "bb02" },
    });
  });

  it("a later 'not readable' never erases a value already read", () => {
    const good: ProtectionPageReading = {
      page: "B",
      settings: { DA: { kind: "value", value: 300, unit: "W" } },
      raw: "01",
    };
    const bad: ProtectionPageReading = {
      page: "B",
      settings: {
        DA: { kind: "not-readable", why: "implausible" },
        CV: { kind: "not-readable", why: "flag" },
      },
      raw: "02",
    };
    const r = mergeProtectionPages("408000158215", "YC600", [good, bad]);
    expect(r.settings).toEqual({
      DA: { kind: "value", value: 300, unit: "W" },
      CV: { kind: "not-readable", why: "flag" },
    });
  });

  it("no pages: an empty reading, no pages answered", () => {
    expect(mergeProtectionPages("703000021300", "DS3", [])).toEqual({
      serial: "703000021300",
      model: "DS3",
      pages: [],
      settings: {},
      raw: {},
    });
  });
});

describe("codes of unknown meaning", () => {
  it("go to their own map in the merged reading, away from the settings a grid code is checked on", () => {
    const a: ProtectionPageReading = {
      page: "A",
      settings: {
        AX: { kind: "value", value: 448, unit: "code" },
        AQ: { kind: "value", value: 184, unit: "V" },
      },
      raw: "01",
    };
    const r = mergeProtectionPages("806000042582", "QS1A", [a]);
    expect(r.settings).toEqual({ AQ: { kind: "value", value: 184, unit: "V" } });
    expect(r.unknownMeaning).toEqual({ AX: { kind: "value", value: 448, unit: "code" } });
  });
});
