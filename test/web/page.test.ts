/**
 * The local page as a user gets it: `localecu demo` (what `npm start` runs) in a child process prints the
 * page's URL; real headless Chromium opens it and sees the roof, the tables, and values changing as the
 * emulated morning goes on (×600: a simulated poll round every half second). A taken port leaves the
 * demo running with one error line that names the setting.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/brokers.ts";
import { launchChromium } from "../helpers/browser.ts";
import { killAll, spawnCli } from "../helpers/process.ts";

const scratch = mkdtempSync(join(tmpdir(), "localecu-page-"));
let browser: Browser | undefined;

beforeAll(async () => {
  browser = await launchChromium();
});
afterEach(() => killAll());
afterAll(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function demo(webPort: number, name: string) {
  return spawnCli(
    [
      "demo",
      "--mqtt-port",
      "0",
      "--web-port",
      String(webPort),
      "--speed",
      "600",
      "--start",
      "2026-06-21T08:00:00+02:00",
      "--data",
      join(scratch, name),
    ],
    { LOCALECU_LOG_LEVEL: "info" },
  );
}

describe("the local page", () => {
  it("npm start prints its URL; the page shows the demo roof, its tables, and values that change", async () => {
    const port = await freePort();
    const p = demo(port, "live");
    const [, url] = await p.waitForOutput(/Local page: +(http:\/\/\S+)/, 60_000);
    expect(url).toBe(`http://127.0.0.1:${port}/`);
    const page = await browser!.newPage({ viewport: { width: 1000, height: 1200 } });
    await page.goto(url!);
    // Every panel of the example roof drawn with watts once the first poll round is in.
    await page.waitForFunction(
      () => {
        const card = document.querySelector("localecu-map-card");
        const tiles = [...(card?.shadowRoot?.querySelectorAll(".tile") ?? [])];
        return tiles.length === 16 && tiles.every((t) => t.getAttribute("data-watts") !== "");
      },
      undefined,
      { timeout: 60_000 },
    );
    const first = await page
      .locator("localecu-map-card .tile")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-watts")));
    // The morning goes on: a tile's watts change without a reload (server-sent events).
    await page.waitForFunction(
      (before) =>
        [...document.querySelector("localecu-map-card")!.shadowRoot!.querySelectorAll(".tile")].some(
          (t, i) => t.getAttribute("data-watts") !== before[i],
        ),
      first,
      { timeout: 60_000 },
    );
    expect(await page.locator("#link").textContent()).toBe("live");
    const rows = await page
      .locator("#tables tr[data-serial]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-serial")));
    expect(rows.sort()).toEqual(["801000012345", "801000012346", "801000012347", "801000012348"]);
    // The demo runs the export limiter: its state is in the table (one of the limiter's states).
    const limiter = await page.locator('#tables tr[data-key="export_limit_state"] td.num').textContent();
    expect(["off", "idle", "limiting", "fallback", "alarm"]).toContain(limiter?.trim());
    // …and its switch reads on, as Home Assistant would show it (state_on "ON" in the site state).
    expect((await page.locator('#tables tr[data-key="export_limit"] td.num').textContent())?.trim()).toBe(
      "on",
    );
    await page.screenshot({
      path: join(process.cwd(), ".tmp", "test-output", "local-page.png"),
      fullPage: true,
    });
    // A click opens the page's own more-info dialog for that panel's power sensor.
    await page.locator('localecu-map-card .tile[data-entity="sensor.west_dc_power_ch1"]').click();
    await expect
      .poll(() => page.locator("#more-body pre").textContent())
      .toContain("sensor.west_dc_power_ch1");
    await page.close();
  }, 120_000);

  it("a taken port leaves the demo running and says which setting to change", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const p = demo(port, "taken");
      await p.waitForOutput(/Local page: +off/, 60_000);
      await p.waitForOutput(/MQTT broker: +mqtt:/);
      expect(p.stdout() + p.stderr()).toContain(
        `the local page cannot listen on 127.0.0.1:${port} (the port is taken) — set web.port in site.yaml to a free port, or 0 to turn the page off`,
      );
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  }, 90_000);
});
