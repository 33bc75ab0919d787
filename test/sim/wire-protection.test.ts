/**
 * The emulated inverters' protection pages are byte-faithful: given the settings a captured inverter
 * held (the values its source states), the emulator sends that captured page, byte for byte.
 */
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../src/protocol/bytes.ts";
import { GridSettingsStore, SIM_EN50549_1, SIM_VDE_AR_N_4105 } from "../../src/sim/grid-profile.ts";
import { encodeProtectionPage } from "../../src/sim/wire/protection.ts";
import { protectionPages } from "../fixtures/protection-pages.ts";

const hex = (h: string) => toHex(fromHex(h));

describe("emulated protection pages equal the captures", () => {
  it("a DS3 on APsystems' EN50549-1 profile sends openaps' captured page A, checksum included", () => {
    // The capture is that profile read back (grid-protection.md §4.1), with AH 196 / AI 264 beside it.
    const page = encodeProtectionPage("ds3", "A", SIM_EN50549_1, 500)!;
    expect(toHex(page)).toBe(hex(protectionPages.ds3PageA));
  });

  it("a DS3 page B carries the stored limit: 500 W is openaps' captured page (8296 × 0.06027 ≈ 500)", () => {
    expect(toHex(encodeProtectionPage("ds3", "B", {}, 500)!)).toBe(hex(protectionPages.ds3PageBOa));
  });

  it("a QS1A holding the captured values sends the captured pages A, B and C", () => {
    // §4.2 (openaps' asserted values); AC 183 V is the inverter's, not the profile's 196 V.
    const a = {
      AQ: 184,
      AD: 264,
      AC: 183,
      AY: 253,
      AJ: 47,
      AK: 52,
      AE: 47.5,
      AF: 52,
      BK: 0.3,
      AG: 60,
      AS: 60,
    };
    expect(toHex(encodeProtectionPage("qs1", "A", a, 500)!)).toBe(hex(protectionPages.qs1aPageA));
    // openaps' QS1A page-B/C assertions; DD 16.562 %/Hz = 98 × 0.169; the limit 500 W/panel → 0x386B.
    const b = { BN: 196, BO: 253, BP: 49.5, BQ: 50.2, AB: 253, CC: 52, CB: 50.2, CV: 15, DD: 16.562 };
    expect(toHex(encodeProtectionPage("qs1", "B", b, 500)!)).toBe(hex(protectionPages.qs1aPageBOa));
    const c = { DC: 0, DH: 47, DI: 49.75 };
    expect(toHex(encodeProtectionPage("qs1", "C", c, 500)!)).toBe(hex(protectionPages.qs1aPageCOa));
  });

  it("a YC600 limited to 100–500 W sends the five page-B replies sniffed on air", () => {
    for (const s of protectionPages.yc600SniffedPagesB) {
      expect(toHex(encodeProtectionPage("yc600", "B", {}, s.watts)!), `${s.watts} W`).toBe(s.l2);
    }
  });

  it("answers nothing where no source knows a page: DS3 page C, YC600 page C, any YC1000 page", () => {
    expect(encodeProtectionPage("ds3", "C", SIM_EN50549_1, 500)).toBeUndefined();
    expect(encodeProtectionPage("yc600", "C", SIM_EN50549_1, 500)).toBeUndefined();
    expect(encodeProtectionPage("yc1000", "A", SIM_EN50549_1, 500)).toBeUndefined();
  });

  it("a QS1 page A keeps the firmware-default trip-time slots whatever the settings (as the captured QS1A did)", () => {
    const en = encodeProtectionPage("qs1", "A", SIM_EN50549_1, 500)!;
    const cap = fromHex(protectionPages.qs1aPageA);
    // BB–BE at 32–39, BH–BJ at 44–49, AH/AI at 56–59: as captured.
    for (const [from, to] of [
      [32, 40],
      [44, 50],
      [56, 60],
    ] as const)
      expect(toHex(en.subarray(from, to))).toBe(toHex(cap.subarray(from, to)));
    // AC 196 V (the profile) instead of the capture's 183 V: 196 × 5.328 = 1044.3 → 0x0414.
    expect(toHex(en.subarray(12, 14))).toBe("0414");
  });
});

describe("grid settings store", () => {
  it("overrides single codes, or takes a whole other profile (codes it does not set stay as they were)", () => {
    const g = new GridSettingsStore();
    g.set({ AC: 183 });
    expect(g.get()).toMatchObject({ AC: 183, AD: 264 });
    g.set(SIM_VDE_AR_N_4105);
    expect(g.get()).toMatchObject({ AC: 184, AF: 51.5, AD: 264 });
    g.set({ AC: 196 }, true);
    expect(g.get()).toEqual({ AC: 196 });
  });

  it("refuses a value that is no setting", () => {
    expect(() => new GridSettingsStore().set({ AC: Number.NaN })).toThrow(
      /AC must be a finite value ≥ 0, got NaN/,
    );
  });
});
