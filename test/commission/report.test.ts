import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPdf } from "../../src/commission/pdf.ts";
import { buildReport, type InverterObservation } from "../../src/commission/report.ts";
import { renderReportHtml } from "../../src/commission/report-html.ts";
import type {
  ProtectionCode,
  ProtectionReading,
  ProtectionValue,
} from "../../src/protocol/protection/types.ts";
import { loadConfig } from "../../src/site/config/index.ts";
import { CHROMIUM, launchChromium } from "../helpers/browser.ts";
import { EXAMPLE_PATH } from "../site/config/fixtures.ts";

/** A QS1 reading of the EN50549-1 profile (reference §6.1, typed by hand), trip times not readable. */
function qs1Reading(serial: string, ac: number): ProtectionReading {
  const values: [ProtectionCode, number, "V" | "Hz" | "s"][] = [
    ["AC", ac, "V"],
    ["AQ", 184, "V"],
    ["AD", 264, "V"],
    ["AY", 253, "V"],
    ["AB", 253, "V"],
    ["AE", 47.5, "Hz"],
    ["AJ", 47, "Hz"],
    ["AF", 52, "Hz"],
    ["AK", 52, "Hz"],
    ["BK", 0.3, "s"],
    ["BN", 196, "V"],
    ["BO", 253, "V"],
    ["BP", 49.5, "Hz"],
    ["BQ", 50.2, "Hz"],
    ["AG", 60, "s"],
    ["AS", 60, "s"],
  ];
  const settings: Partial<Record<ProtectionCode, ProtectionValue>> = {};
  for (const [code, value, unit] of values) settings[code] = { kind: "value", value, unit };
  for (const code of ["BB", "BC", "BD", "BE", "BH", "BI", "BJ"] as const) {
    settings[code] = { kind: "not-readable", why: "QS1 page A carries no usable trip times" };
  }
  return { serial, model: "QS1", pages: ["A", "B", "C"], settings };
}

function observation(
  serial: string,
  short: number,
  lq: number,
  watts: number,
  ac = 196,
): InverterObservation {
  return {
    serial,
    expectedShort: short,
    poll: {
      kind: "answered",
      shortAddress: short,
      linkQuality: lq,
      powers: (["A", "B", "C", "D"] as const).map((input) => ({ input, powerW: watts })),
    },
    info: { modelCode: 8, modelName: "QS1", raw: "0800000000000000" },
    protection: qs1Reading(serial, ac),
  };
}

/** The text as Chromium lays it out (tabs between table cells): what a reader of the page sees. */
// biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point of the check
const rendered = (l: Locator) => l.innerText();

let browser: Browser;
let dir: string;
beforeAll(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), "localecu-report-"));
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the commissioning report of the demo site", () => {
  it("renders in Chromium with the site, installer, grid code, roof map in place and the deviation; prints to PDF", async () => {
    const config = await loadConfig(EXAMPLE_PATH);
    const report = buildReport({
      config,
      gridCode: "en50549-1",
      installer: "Jan Jansen",
      date: "2026-06-21T10:00:00.000Z",
      observations: [
        observation("801000012345", 0x1a2b, 96, 310),
        observation("801000012346", 0x2b3c, 88, 300, 183),
        observation("801000012347", 0x3c4d, 71, 305),
        observation("801000012348", 0x4d5e, 12, 190),
      ],
    });
    expect(report.pass).toBe(false);
    expect(report.findings.map((f) => f.message)).toEqual([
      "801000012346: AC (under-voltage stage 1 (U<), trips after BD) reads 183 V, expected 196 V (tolerance ±1 V) — grid code en50549-1: EN50549-1 profile (vendor type 36), openaps gridprofiles-seed/profiles @ 3b01007 (vendor table protection_parameters60_info) [V]",
      "801000012346: AC (under-voltage stage 1 (U<), trips after BD) reads 183 V, expected 196 V (tolerance ±1 V) — siblings: 3 of 4 QS1 inverters read 196 V (801000012345, 801000012347, 801000012348)",
      "801000012348: link quality 12 is below 30 — move the stick closer or add a repeater before handing over",
    ]);

    const html = renderReportHtml(report);
    const page = await browser.newPage();
    try {
      await page.setContent(html);
      const text = await rendered(page.locator("body"));
      expect(text).toContain("Commissioning report — Demo house");
      expect(await rendered(page.locator("dt:text-is('Installer') + dd"))).toBe("Jan Jansen");
      expect(await rendered(page.locator("dt:text-is('Date') + dd"))).toBe("2026-06-21T10:00:00.000Z");
      expect(await rendered(page.locator("dt:text-is('Grid code') + dd"))).toBe(
        "EN 50549-1:2019 (generic, LV) — en50549-1, APsystems profile EN50549-1 (vendor type 36)",
      );
      expect(text).toContain("3 findings");
      expect(text).toContain(
        "801000012346: AC (under-voltage stage 1 (U<), trips after BD) reads 183 V, expected 196 V",
      );
      expect(text).toContain("writing them is out of scope");

      // The roof map as on the registration card: 12345 top left, 12346 top right, 12347 below 12345.
      const box = async (serial: string) => {
        const b = await page
          .locator(".cell", { has: page.locator(`.serial:text-is('${serial}')`) })
          .boundingBox();
        if (!b) throw new Error(`${serial} is not on the map`);
        return b;
      };
      const [a, b, c, w] = await Promise.all(
        ["801000012345", "801000012346", "801000012347", "801000012348"].map(box),
      );
      expect(b!.x).toBeGreaterThan(a!.x + a!.width - 1);
      expect(Math.abs(b!.y - a!.y)).toBeLessThan(1);
      expect(c!.y).toBeGreaterThan(a!.y + a!.height - 1);
      expect(Math.abs(c!.x - a!.x)).toBeLessThan(1);
      expect(w).toBeDefined();
      // The failing inverter's cell is marked on the map; a passing one is not.
      expect(await page.locator(".cell.fail .serial").allInnerTexts()).toEqual([
        "801000012346",
        "801000012348",
      ]);

      // Per inverter: model, info, radio, and each setting with its verdict.
      const inv = page.locator(".inverter", { has: page.locator("h3:has-text('801000012346')") });
      const invText = await rendered(inv);
      expect(invText).toContain("answered from 0x2B3C (paired at 0x2B3C), link quality 88");
      expect(invText).toMatch(
        /AC\tunder-voltage stage 1 \(U<\), trips after BD\t183 V\t196 V\tprofile\t\tdeviation/,
      );
      expect(invText).toMatch(
        /BD\ttrip time of under-voltage stage 1 AC\tnot readable\t1\.2 s\tprofile\t\tnot readable/,
      );
      expect(invText).toMatch(/S9\tC\t300\.0 W\ttilt 35°, azimuth 180°\tpass/);
    } finally {
      await page.close();
    }

    const pdf = join(dir, "demo.pdf");
    await renderPdf(html, pdf, CHROMIUM);
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const pages = Number(/\/Type \/Pages[^>]*?\/Count (\d+)/s.exec(bytes.toString("latin1"))?.[1]);
    // Four inverters with a 23-row settings table each do not fit on one A4 page.
    expect(pages).toBeGreaterThanOrEqual(2);
  });
});
