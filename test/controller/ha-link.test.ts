/**
 * The running controller (emulated stick → MQTT on a real broker) with a Home Assistant link against the HA
 * protocol server: a refused token leaves the controller reporting and the bridge's link sensor saying
 * auth_failed; with a good token the sensor and the bus follow HA going away and coming back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { scaledClock } from "../../src/controller/clock.ts";
import { type RunningController, runController } from "../../src/controller/run.ts";
import type { HaLinkState } from "../../src/ha/types.ts";
import { openStreamTransport } from "../../src/radio/transport/url.ts";
import { StickEmulator } from "../../src/sim/emulator/stick.ts";
import { simSiteFromConfig } from "../../src/sim/from-config.ts";
import { loadConfig } from "../../src/site/config/index.ts";
import { makeSecretRef } from "../../src/site/config/secret.ts";
import { brokerKinds } from "../helpers/brokers.ts";
import { checkDeviceDiscovery, expandDeviceDiscovery } from "../helpers/ha-discovery-schema.ts";
import { HaTestServer } from "../helpers/ha-server.ts";
import { stateValueProblems } from "../helpers/ha-state.ts";
import { captureLogger } from "../helpers/log-capture.ts";
import { waitFor } from "../helpers/wait.ts";

const START = Date.parse("2026-06-21T11:00:00+02:00");
const GOOD = "eyJ.good-token.sig";
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.each(brokerKinds())("controller with a Home Assistant link on %s", (kind) => {
  async function setUp(token: string) {
    const broker = await kind.start();
    cleanups.push(() => broker.stop());
    const server = await HaTestServer.start({ token: GOOD });
    cleanups.push(() => server.close());
    const dataDir = mkdtempSync(join(tmpdir(), "localecu-ha-link-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const config = await loadConfig(new URL("../../examples/site.yaml", import.meta.url).pathname);
    config.site.dataDir = dataDir;
    Object.assign(config.mqtt, { url: broker.url, username: undefined, password: undefined, tls: undefined });
    config.homeassistant = { url: server.httpUrl, token: makeSecretRef(undefined, "HA_TEST_TOKEN") };

    // A client that listens like Home Assistant's MQTT integration.
    const seen = new Map<string, string>();
    const watcher: MqttClient = await mqtt.connectAsync(broker.url);
    cleanups.push(() => watcher.endAsync(true));
    watcher.on("message", (t, p) => seen.set(t, p.toString()));
    await watcher.subscribeAsync(["homeassistant/device/+/config", "localecu/#"]);

    const site = simSiteFromConfig(config, { seed: 5, clearSky: true });
    const clock = scaledClock(START, 120);
    const transport = openStreamTransport(
      () => new StickEmulator({ inverters: site.inverters, seed: 5, now: () => clock.now() }),
      { url: "emulator://ha-link", clock },
    );
    const log = captureLogger("debug");
    const running: RunningController = await runController({
      config,
      logger: log.logger,
      clock,
      transport,
      env: { HA_TEST_TOKEN: token },
      stick: { ecuId: "D8A3011B9780", pairing: { stepMs: 50 } },
      haLink: { backoff: { initialMs: 20, maxMs: 200 } },
    });
    cleanups.push(() => running.stop());
    return { server, running, seen, log };
  }

  const DISCOVERY = "homeassistant/device/localecu_bridge_d8a3011b9780/config";
  const LINK = "localecu/bridge/homeassistant";

  it("a refused token: the controller keeps reporting and the bridge's link sensor says auth_failed", async () => {
    const { server, running, seen, log } = await setUp("not-the-token-123");
    await waitFor("auth_failed", () => running.ha?.linkState.state === "auth_failed");
    expect(server.authAttempts).toBe(1);
    const link = await waitFor("link state on MQTT", () => seen.get(LINK));
    const payload = JSON.parse(link) as { homeassistant_link: string; detail: string };
    expect(payload.homeassistant_link).toBe("auth_failed");
    expect(payload.detail).toContain("homeassistant.token_env (HA_TEST_TOKEN)");

    // Discovery: HA's rules hold, and the sensor is a diagnostic enum with the link's states.
    const text = await waitFor("bridge discovery with the link", () =>
      seen.get(DISCOVERY)?.includes("homeassistant_link") ? seen.get(DISCOVERY) : undefined,
    );
    expect(checkDeviceDiscovery(DISCOVERY, text)).toEqual([]);
    const c = expandDeviceDiscovery(JSON.parse(text)).components.homeassistant_link!;
    expect(c).toMatchObject({
      platform: "sensor",
      device_class: "enum",
      entity_category: "diagnostic",
      options: ["connecting", "up", "down", "auth_failed", "off"],
      state_topic: LINK,
      json_attributes_topic: LINK,
    });
    expect(stateValueProblems(c, link)).toEqual([]);

    // Still reporting: inverter states keep coming after the link failed.
    const before = [...seen.keys()].filter((t) => /^localecu\/[^/]+$/.test(t) && t !== "localecu/site");
    seen.delete("localecu/site");
    await waitFor("a site state after auth_failed", () => seen.get("localecu/site"));
    expect(before.length).toBeGreaterThan(0);
    expect(running.controller.ha).toBe(running.ha);

    expect(log.text()).not.toContain("not-the-token-123");
    const errors = log.records.filter((r) => r.msg === "Home Assistant link auth_failed");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.module).toBe("homeassistant");
  });

  it("a good token: up; HA restarting shows down then up on MQTT and on the bus", async () => {
    const { server, running, seen, log } = await setUp(GOOD);
    await waitFor("up", () => JSON.parse(seen.get(LINK) ?? "{}").homeassistant_link === "up");
    const bus: HaLinkState[] = [];
    running.controller.bus.on("haLink", {}, (s) => {
      bus.push(s);
    });
    await server.goDown();
    await waitFor("down on MQTT", () => JSON.parse(seen.get(LINK) ?? "{}").homeassistant_link === "down");
    await server.comeBack();
    await waitFor("up again on MQTT", () => JSON.parse(seen.get(LINK) ?? "{}").homeassistant_link === "up");
    expect(bus[0]?.state).toBe("down");
    expect(bus.at(-1)?.state).toBe("up");
    expect(log.text()).not.toContain(GOOD);

    await running.stop();
    expect(running.ha?.linkState.state).toBe("off");
  });
});
