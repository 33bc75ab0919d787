/** `localecu decode` on grid-protection pages, run as a real CLI process. */
import { describe, expect, it } from "vitest";
import { captures } from "../fixtures/captures.ts";
import { protectionPages } from "../fixtures/protection-pages.ts";
import { runCli } from "../helpers/cli.ts";

type Setting = {
  code: string;
  meaning: string;
  value?: number;
  unit: string;
  not_readable?: true;
  why?: string;
};

function settingsOf(stdout: string): Map<string, Setting> {
  const j = JSON.parse(stdout) as { settings: Setting[] };
  return new Map(j.settings.map((s) => [s.code, s]));
}

describe("localecu decode: protection pages", () => {
  it("a QS1A page A prints each setting with code, meaning, value and unit; trip times as not readable", async () => {
    const r = await runCli(["decode", "--model", "qs1a", protectionPages.qs1aPageA]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      serial: null,
      model: "QS1A",
      kind: "protection",
      page: "A",
    });
    const s = settingsOf(r.stdout);
    // Values openaps asserts for this capture (grid-protection.md §4.2).
    expect(s.get("AC")).toEqual({
      code: "AC",
      meaning: "under-voltage stage 1 (U<), trips after BD",
      value: 183,
      unit: "V",
    });
    expect(s.get("AE")).toMatchObject({ value: 47.5, unit: "Hz" });
    expect(s.get("AG")).toMatchObject({ value: 60, unit: "s" });
    const bb = s.get("BB")!;
    expect(bb).toMatchObject({ code: "BB", unit: "s", not_readable: true });
    expect(bb).not.toHaveProperty("value");
    expect(bb.why).toMatch(/cannot be verified by read-back/);
    expect(s.get("AX")).toMatchObject({ value: 448, unknown_meaning: true });
  });

  it("a DS3 page A prints the EN 50549-1 trip settings openaps asserts", async () => {
    const r = await runCli(["decode", "--model", "ds3", protectionPages.ds3PageA]);
    expect(r.code).toBe(0);
    const s = settingsOf(r.stdout);
    expect(s.get("AD")).toMatchObject({ value: 264, unit: "V" });
    expect(s.get("BD")).toMatchObject({ value: 1.19, unit: "s" });
    expect(s.get("AK")).toMatchObject({ value: 52, unit: "Hz" });
    expect(s.get("AG")).toMatchObject({ value: 60, unit: "s" });
  });

  it("a YC600 page B in its captured UART dump is the limit reply, with the page's settings alongside", async () => {
    const r = await runCli(["decode", captures.yc600Limit300.hex]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ serial: "408000158215", kind: "limit", limit_w_per_panel: 300, page: "B" });
    const s = settingsOf(r.stdout);
    expect(s.get("DA")).toMatchObject({ value: 300, unit: "W" });
    expect(s.get("BN")).toMatchObject({
      not_readable: true,
      why: expect.stringMatching(/only the output limit/),
    });
  });

  it("a DS3 page handed in as QS1 is refused with what the model's pages are", async () => {
    const r = await runCli(["decode", "--model", "qs1", protectionPages.ds3PageA]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/L2 command DD from \(no serial\) is not one localecu decodes/);
  });
});
