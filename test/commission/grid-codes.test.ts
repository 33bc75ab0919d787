import { describe, expect, it } from "vitest";
import { ENVELOPES, GRID_CODE_IDS, GRID_CODES, isConfirmed } from "../../src/commission/grid-codes.ts";

// Expected values are read off ../shared/reference/grid-protection.md §6.1–§6.3 by hand.
describe("grid codes", () => {
  it("names the six codes of issue 16", () => {
    expect([...GRID_CODE_IDS]).toEqual(["en50549-1", "vde-ar-n-4105", "g98", "g99", "as4777-a", "cei-0-21"]);
  });

  it.each([
    ["en50549-1", "AC", 196, [60, 229]],
    ["en50549-1", "BD", 1.2, [0.02, 610]],
    ["vde-ar-n-4105", "BB", 0.3, [0.02, 0.4]],
    ["vde-ar-n-4105", "AK", 50.5, [50.5, 51.5]],
    ["g98", "BO", 262.2, [231, 270]],
    ["g99", "BJ", 20, [0.06, 610]],
    ["as4777-a", "DD", 16.67, [5, 100]],
    ["as4777-a", "CV", 14, [0, 999]],
    ["cei-0-21", "AG", 320, [10, 610]],
    ["cei-0-21", "AF", 50.2, [50.1, 55]],
  ] as const)("%s %s = %s from the APsystems profile", (id, code, value, range) => {
    expect(GRID_CODES[id].settings[code]).toEqual({ value, range });
  });

  it('leaves out what a profile does not set ("–" in §6.1)', () => {
    expect(GRID_CODES["vde-ar-n-4105"].settings.AQ).toBeUndefined();
    expect(GRID_CODES["vde-ar-n-4105"].settings.AD).toBeUndefined();
    expect(GRID_CODES.g98.settings.AB).toBeUndefined();
    expect(GRID_CODES["cei-0-21"].settings.BB).toBeUndefined();
    expect(GRID_CODES["en50549-1"].settings.CB).toBeUndefined();
    // Counted by hand in §6.1: EN50549-1 sets 23 codes, AS/NZS A 26.
    expect(Object.keys(GRID_CODES["en50549-1"].settings)).toHaveLength(23);
    expect(Object.keys(GRID_CODES["as4777-a"].settings)).toHaveLength(26);
  });

  it("has G99 identical to G98, as the reference states", () => {
    expect(GRID_CODES.g99.settings).toEqual(GRID_CODES.g98.settings);
  });

  it("keeps every profile value inside the vendor's own adjustable range", () => {
    for (const id of GRID_CODE_IDS) {
      for (const [code, p] of Object.entries(GRID_CODES[id].settings)) {
        expect(p.value, `${id} ${code}`).toBeGreaterThanOrEqual(p.range[0]);
        expect(p.value, `${id} ${code}`).toBeLessThanOrEqual(p.range[1]);
      }
    }
  });

  it("marks the standards' figures: G98 U/V 184 V unconfirmed [S], AS/NZS 258 V from a public page [P]", () => {
    expect(GRID_CODES.g98.standard.AC).toMatchObject({ value: 184, compare: "equal", mark: "S" });
    expect(GRID_CODES["as4777-a"].standard.AB).toMatchObject({ value: 258, compare: "at-most", mark: "P" });
    expect(GRID_CODES["en50549-1"].standard).toEqual({});
    expect(isConfirmed("S")).toBe(false);
    expect(isConfirmed("INF")).toBe(false);
    expect(isConfirmed("V")).toBe(true);
    expect(isConfirmed("P")).toBe(true);
  });

  it("says RoCoF cannot be verified for G98", () => {
    expect(GRID_CODES.g98.notes.join(" ")).toContain("RoCoF");
  });

  it("holds the QS1 datasheet envelope 160–278 V, 45.1–54.9 Hz", () => {
    expect(ENVELOPES).toEqual([
      expect.objectContaining({ models: ["QS1", "QS1A"], voltageV: [160, 278], frequencyHz: [45.1, 54.9] }),
    ]);
  });
});
