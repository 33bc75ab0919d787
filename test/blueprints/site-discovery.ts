/**
 * The entities our discovery creates for the example site (examples/site.yaml with a schedule rule added,
 * so every automation's entities exist), collected from a real controller run: emulated stick → controller →
 * aedes → a client that reads `homeassistant/#` as Home Assistant would.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { parseDocument } from "yaml";
import { scaledClock } from "../../src/controller/clock.ts";
import { runController } from "../../src/controller/run.ts";
import { createLogger } from "../../src/log.ts";
import { openStreamTransport } from "../../src/radio/transport/url.ts";
import { StickEmulator } from "../../src/sim/emulator/stick.ts";
import { simSiteFromConfig } from "../../src/sim/from-config.ts";
import { parseConfig } from "../../src/site/config/index.ts";
import { brokerKinds } from "../helpers/brokers.ts";
import { expandDeviceDiscovery } from "../helpers/ha-discovery-schema.ts";
import { waitFor } from "../helpers/wait.ts";

export interface DiscoveredEntity {
  entityId: string;
  platform: string;
  deviceClass?: string;
  options?: string[];
  eventTypes?: string[];
  /** "site", "inverter" or "bridge": which device it belongs to. */
  device: string;
}

export interface SiteDiscovery {
  siteName: string;
  inverterNames: string[];
  entities: DiscoveredEntity[];
}

const START = Date.parse("2026-06-21T11:00:00+02:00");

export async function exampleSiteDiscovery(): Promise<SiteDiscovery> {
  const root = new URL("../../", import.meta.url).pathname;
  const doc = parseDocument(readFileSync(join(root, "examples/site.yaml"), "utf8"));
  doc.setIn(["automations", "schedule"], { rules: [{ at: "22:00", until: "05:00", action: "off" }] });
  // A port nothing listens on, and no token: the HA link gives up at once and reaches no network.
  doc.setIn(["homeassistant", "url"], "http://127.0.0.1:9");
  const dataDir = mkdtempSync(join(tmpdir(), "localecu-bp-site-"));
  const broker = await brokerKinds()[0]!.start();
  const seen = new Map<string, string>();
  const client = await mqtt.connectAsync(broker.url);
  let running: Awaited<ReturnType<typeof runController>> | undefined;
  try {
    client.on("message", (topic, payload) => seen.set(topic, payload.toString()));
    await client.subscribeAsync("homeassistant/#");
    const config = parseConfig(String(doc), join(root, "examples/site.yaml"));
    config.site.dataDir = dataDir;
    Object.assign(config.mqtt, { url: broker.url, username: undefined, password: undefined, tls: undefined });
    const clock = scaledClock(START, 120);
    const site = simSiteFromConfig(config, { seed: 7, clearSky: true });
    const transport = openStreamTransport(
      () => new StickEmulator({ inverters: site.inverters, seed: 7, now: () => clock.now() }),
      { url: "emulator://blueprints", clock },
    );
    running = await runController({
      config,
      logger: createLogger({ level: "silent", pretty: true }),
      clock,
      transport,
      stick: { ecuId: "D8A3011B9780", pairing: { stepMs: 50 } },
      env: {},
    });
    const inverterIds = config.inverters.map((i) => `localecu_${i.serial}`);
    const configs = () => [...seen.entries()].filter(([t, p]) => t.endsWith("/config") && p !== "");
    await waitFor(
      "discovery of the site (with the schedule) and every inverter",
      () =>
        inverterIds.every((id) => seen.get(`homeassistant/device/${id}/config`)) &&
        configs().some(([, p]) => p.includes('"schedule_override"')),
      30_000,
    );
    const entities: DiscoveredEntity[] = [];
    for (const [topic, text] of configs()) {
      const device = topic.includes("localecu_site_")
        ? "site"
        : topic.includes("localecu_bridge_")
          ? "bridge"
          : "inverter";
      for (const c of Object.values(expandDeviceDiscovery(JSON.parse(text)).components)) {
        entities.push({
          entityId: String(c.default_entity_id),
          platform: String(c.platform),
          device,
          ...(c.device_class ? { deviceClass: String(c.device_class) } : {}),
          ...(Array.isArray(c.options) ? { options: c.options.map(String) } : {}),
          ...(Array.isArray(c.event_types) ? { eventTypes: c.event_types.map(String) } : {}),
        });
      }
    }
    return {
      siteName: config.site.name,
      inverterNames: config.inverters.map((i) => i.label),
      entities,
    };
  } finally {
    await running?.stop();
    await client.endAsync(true);
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
