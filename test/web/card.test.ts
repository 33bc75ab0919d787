/**
 * The roof-map card in real headless Chromium, fed a `hass` built from the demo's real MQTT messages
 * (startDemo in-process: embedded aedes broker, emulated stick, the example roof at noon), the way Home
 * Assistant's MQTT integration would build it (test/helpers/ha-mqtt-hass.ts). Expected values come from
 * those states and from the colour arithmetic written out here, not from the card's code.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: the build script is plain ESM without types
import { buildCard } from "../../scripts/build-card.mjs";
import { SAVED_FILE } from "../../src/automations/export-limit/settings.ts";
import { startDemo } from "../../src/cli/demo.ts";
import { launchChromium, serveFiles } from "../helpers/browser.ts";
import { type Hass, hassFromMqtt } from "../helpers/ha-mqtt-hass.ts";
import { waitFor, watch } from "../helpers/process.ts";
import { CARD_PAGE, parseColour, SUN, THEMES } from "./card-page.ts";

const OUTPUT = join(process.cwd(), ".tmp", "test-output");
const scratch = mkdtempSync(join(tmpdir(), "localecu-card-"));
let browser: Browser | undefined;
let server: { url: string; close(): Promise<void> } | undefined;
let hass: Hass;
let cardBytes = 0;

/** The 16 panel power sensors of the example roof, as discovery names them (examples/site.yaml). */
const PANEL_SENSORS = ["south_top_left", "south_top_right", "south_bottom_left", "west"].flatMap((d) =>
  [1, 2, 3, 4].map((ch) => `sensor.${d}_dc_power_ch${ch}`),
);

beforeAll(async () => {
  const data = join(scratch, "data");
  mkdirSync(data, { recursive: true });
  // The user's switch, saved as the limiter saves it: off, so the panels show what the sun gives.
  writeFileSync(join(data, SAVED_FILE), JSON.stringify({ enabled: false }));
  const demo = await startDemo(
    { start: "2026-06-21T12:30:00+02:00", speed: "60", mqttPort: "0", data, seed: "1" },
    { LOCALECU_LOG_LEVEL: "warn" },
  );
  const mqtt = await watch(demo.mqttUrl, ["homeassistant/#", "localecu/#"]);
  try {
    hass = await waitFor(
      "every panel's power and the roof map in hass",
      () => {
        const h = hassFromMqtt(mqtt.seen.filter((m) => m.retain || !m.topic.includes("/event/")));
        const ready = PANEL_SENSORS.every((id) => Number(h.states[id]?.state) > 0);
        return ready && h.states["sensor.demo_house_roof_map"] ? h : undefined;
      },
      60_000,
    );
  } finally {
    await mqtt.client.endAsync();
    await demo.stop();
  }
  const files = (await buildCard({ outdir: join(scratch, "dist") })) as {
    name: string;
    text: string;
    bytes: number;
  }[];
  const card = files.find((f) => f.name.endsWith("localecu-map-card.js"))!;
  cardBytes = card.bytes;
  server = await serveFiles({
    "/": { type: "text/html", body: CARD_PAGE },
    "/localecu-map-card.js": { type: "text/javascript", body: card.text },
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function openCard(h: Hass, config: Record<string, unknown> = { type: "custom:localecu-map-card" }) {
  const page = await browser!.newPage({ viewport: { width: 520, height: 900 } });
  page.on("pageerror", (e) => {
    throw e;
  });
  await page.goto(`${server!.url}/`);
  await page.waitForFunction(() => customElements.get("localecu-map-card") !== undefined);
  await page.evaluate(
    ({ h, config }) => {
      const card = document.createElement("localecu-map-card") as HTMLElement & {
        setConfig(c: unknown): void;
        hass: unknown;
      };
      card.setConfig(config);
      card.hass = h;
      document.getElementById("host")!.append(card);
    },
    { h, config },
  );
  await page.locator("localecu-map-card .tile").first().waitFor();
  return page;
}

interface TileSeen {
  entity: string;
  watts: string;
  title: string;
  background: number[];
  text: number[];
  marked: boolean;
  serial: string;
}

function tiles(page: Page): Promise<TileSeen[]> {
  return page
    .locator("localecu-map-card .tile")
    .evaluateAll((els) =>
      els.map((el) => {
        const cs = getComputedStyle(el);
        return {
          entity: el.getAttribute("data-entity") ?? "",
          watts: el.querySelector(".watts")?.textContent ?? "",
          title: el.getAttribute("title") ?? "",
          background: cs.backgroundColor as unknown as number[],
          text: cs.color as unknown as number[],
          marked: el.querySelector(".mark") !== null,
          serial: el.closest(".inverter")?.getAttribute("data-serial") ?? "",
        };
      }),
    )
    .then((list) =>
      list.map((t) => ({
        ...t,
        background: parseColour(t.background as unknown as string),
        text: parseColour(t.text as unknown as string),
      })),
    );
}

/** Worked colour: the solar colour mixed into the card background by watts per Wp (400 Wp modules). */
function expectedFill(card: readonly number[], watts: number): number[] {
  const level = Math.min(1, watts / 400);
  return card.map((c, i) => c + (SUN[i]! - c) * level);
}

describe("the roof-map card on the demo's states", () => {
  it("draws one tile per panel with the watts of its power sensor", async () => {
    const page = await openCard(hass);
    const seen = await tiles(page);
    expect(seen).toHaveLength(16);
    expect(seen.map((t) => t.entity).sort()).toEqual([...PANEL_SENSORS].sort());
    for (const t of seen) expect(t.watts).toBe(`${Math.round(Number(hass.states[t.entity]!.state))} W`);
    // Inverter boundaries: four blocks, each holding its four panels; the roof window stays empty.
    expect(await page.locator("localecu-map-card .inverter").count()).toBe(4);
    expect(await page.locator("localecu-map-card .slot").count()).toBe(1);
    expect(await page.locator("localecu-map-card .caption").allTextContents()).toEqual([
      "South roof · 35° tilt, facing S (180°)",
      "West roof (garage) · 20° tilt, facing W (270°)",
    ]);
    mkdirSync(OUTPUT, { recursive: true });
    await page.locator("localecu-map-card").screenshot({ path: join(OUTPUT, "roof-card.png") });
    await page.close();
  });

  it("colours each tile by its power per Wp, so more power is a fuller colour", async () => {
    const page = await openCard(hass);
    const seen = await tiles(page);
    const watts = (t: TileSeen) => Number(hass.states[t.entity]!.state);
    for (const t of seen) {
      const want = expectedFill(THEMES.light.card, watts(t));
      for (const [i, c] of t.background.entries())
        expect(Math.abs(c - want[i]!), `${t.entity} channel ${i}`).toBeLessThan(3);
    }
    // The shaded inverter (DEMO_SHADING: South top right's inputs C and D) gives visibly less.
    const byPower = [...seen].sort((a, b) => watts(a) - watts(b));
    expect(byPower[0]!.entity).toMatch(/^sensor\.south_top_right_dc_power_ch[34]$/);
    for (let i = 1; i < byPower.length; i++) {
      // Blue falls from the white card towards the orange sun as power rises.
      if (watts(byPower[i]!) - watts(byPower[i - 1]!) >= 8)
        expect(byPower[i]!.background[2]).toBeLessThan(byPower[i - 1]!.background[2]!);
    }
    await page.close();
  });

  it("follows the theme's variables: dark mode changes the fill and the text", async () => {
    const page = await openCard(hass);
    const light = await tiles(page);
    await page.evaluate(() => {
      document.body.className = "dark";
    });
    const dark = await tiles(page);
    for (const [i, t] of dark.entries()) {
      const want = expectedFill(THEMES.dark.card, Number(hass.states[t.entity]!.state));
      for (const [k, c] of t.background.entries()) expect(Math.abs(c - want[k]!)).toBeLessThan(3);
      expect(t.background).not.toEqual(light[i]!.background);
      expect(t.text).toEqual([...THEMES.dark.text]);
      expect(light[i]!.text).toEqual([...THEMES.light.text]);
    }
    await page.screenshot({ path: join(OUTPUT, "roof-card-dark.png") });
    await page.close();
  });

  it("marks an inverter with an open finding and gives the diagnosis in the tooltip", async () => {
    // The demo runs the fault module: the map names the problem sensor its discovery made, clear now.
    expect(hass.states["binary_sensor.south_top_left_problem"]).toMatchObject({
      state: "off",
      attributes: { findings: [], device_class: "problem" },
    });
    // Planted: that sensor as docs/faults.md describes an open finding: on, the findings as attributes.
    const finding = {
      title: "Ground fault: South top left",
      advice:
        "Do not touch the panels or cables. Check the inverter's LED (steady red = ground fault) and call your installer.",
      severity: "fault",
      verified: false,
    };
    const planted: Hass = {
      ...hass,
      states: {
        ...hass.states,
        "binary_sensor.south_top_left_problem": {
          entity_id: "binary_sensor.south_top_left_problem",
          state: "on",
          attributes: { findings: [finding], device_class: "problem" },
        },
      },
    };
    const page = await openCard(planted);
    const seen = await tiles(page);
    const marked = seen.filter((t) => t.marked);
    expect(marked.map((t) => t.serial)).toEqual(Array(4).fill("801000012345"));
    for (const t of marked) {
      expect(t.title).toContain("Ground fault: South top left");
      expect(t.title).toContain(finding.advice);
    }
    expect(seen.filter((t) => !t.marked).every((t) => !t.title.includes("⚠"))).toBe(true);
    const border = await page
      .locator('localecu-map-card .inverter[data-serial="801000012345"]')
      .evaluate((el) => getComputedStyle(el).borderTopColor);
    expect(parseColour(border)).toEqual([0xdb, 0x44, 0x37]); // --error-color
    mkdirSync(OUTPUT, { recursive: true });
    await page.locator("localecu-map-card").screenshot({ path: join(OUTPUT, "roof-card-fault.png") });
    await page.close();
  });

  it("opens HA's more-info dialog for the clicked panel", async () => {
    const page = await openCard(hass);
    await page.evaluate(() => {
      const w = window as unknown as { opened: string[] };
      w.opened = [];
      document.addEventListener("hass-more-info", (e) => w.opened.push((e as CustomEvent).detail.entityId));
    });
    await page.locator('localecu-map-card .tile[data-entity="sensor.west_dc_power_ch3"]').click();
    expect(await page.evaluate(() => (window as unknown as { opened: string[] }).opened)).toEqual([
      "sensor.west_dc_power_ch3",
    ]);
    await page.close();
  });

  it("finds a panel's sensor again after the user renamed the device's entity ids", async () => {
    // HA's "rename the entity ids too" on a device rename: West → Garage; the ending stays.
    const renamed: Hass = { ...hass, states: { ...hass.states }, entities: { ...hass.entities } };
    for (let ch = 1; ch <= 4; ch++) {
      const from = `sensor.west_dc_power_ch${ch}`;
      const to = `sensor.garage_dc_power_ch${ch}`;
      renamed.states[to] = { ...hass.states[from]!, entity_id: to };
      renamed.entities[to] = { ...hass.entities[from]!, entity_id: to };
      delete renamed.states[from];
      delete renamed.entities[from];
    }
    const page = await openCard(renamed);
    const garage = (await tiles(page)).filter((t) => t.serial === "801000012348");
    expect(garage.map((t) => t.entity)).toEqual([1, 2, 3, 4].map((ch) => `sensor.garage_dc_power_ch${ch}`));
    for (const t of garage) expect(t.watts).toBe(`${Math.round(Number(renamed.states[t.entity]!.state))} W`);
    await page.close();
  });

  it("follows HA's card contract: picker entry, stub config, clear config errors, size", async () => {
    const page = await openCard(hass);
    const contract = await page.evaluate((h) => {
      const Card = customElements.get("localecu-map-card") as unknown as {
        getStubConfig(h: unknown): unknown;
        getConfigElement(): HTMLElement;
      };
      const card = document.querySelector("localecu-map-card") as unknown as {
        setConfig(c: unknown): void;
        getCardSize(): number;
      };
      const errors: string[] = [];
      for (const bad of [
        null,
        { type: "custom:localecu-map-card", entity: "light.kitchen" },
        { type: "x", colour: 1 },
      ])
        try {
          card.setConfig(bad);
        } catch (e) {
          errors.push((e as Error).message);
        }
      return {
        picker: (window as unknown as { customCards: { type: string }[] }).customCards.map((c) => c.type),
        stub: Card.getStubConfig(h),
        editor: Card.getConfigElement().tagName.toLowerCase(),
        errors,
        size: card.getCardSize(),
      };
    }, hass);
    expect(contract.picker).toContain("localecu-map-card");
    expect(contract.stub).toEqual({ type: "custom:localecu-map-card", entity: "sensor.demo_house_roof_map" });
    expect(contract.editor).toBe("localecu-map-card-editor");
    expect(contract.errors).toHaveLength(3);
    expect(contract.errors[1]).toContain("sensor.my_house_roof_map");
    expect(contract.errors[2]).toContain("unknown option 'colour'");
    // Two arrays: the 2-row grid (1 + 2×2) and the free one (1 + 2×2 by default).
    expect(contract.size).toBe(10);
    await page.close();
  });

  it("is a small file", () => {
    // Lit included, minified; docs/home-assistant.md reports the size.
    expect(cardBytes).toBeGreaterThan(0);
    expect(cardBytes).toBeLessThan(40_000);
  });
});
