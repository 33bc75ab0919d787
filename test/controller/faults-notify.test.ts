/**
 * The controller wires the fault notifier to its own bus and Home Assistant link: a ground-fault finding
 * on the bus (made by the real diagnosis core from the example site's layout) reaches the HA protocol
 * server as the notify service named in examples/site.yaml and as a persistent notification.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FaultDiagnosis } from "../../src/automations/faults/core.ts";
import { layoutFromConfig } from "../../src/automations/faults/layout.ts";
import { scaledClock } from "../../src/controller/clock.ts";
import { type RunningController, runController } from "../../src/controller/run.ts";
import { openStreamTransport } from "../../src/radio/transport/url.ts";
import { StickEmulator } from "../../src/sim/emulator/stick.ts";
import { simSiteFromConfig } from "../../src/sim/from-config.ts";
import { loadConfig } from "../../src/site/config/index.ts";
import { makeSecretRef } from "../../src/site/config/secret.ts";
import { groundFaulted, healthy } from "../automations/faults/helpers.ts";
import { brokerKinds } from "../helpers/brokers.ts";
import { HaTestServer } from "../helpers/ha-server.ts";
import { captureLogger } from "../helpers/log-capture.ts";
import { waitFor } from "../helpers/wait.ts";

const TOKEN = "eyJ.faults-notify-controller.sig";
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("controller: fault notifications through its Home Assistant link", () => {
  it("a faultFindings event on the controller's bus becomes the example's notify call and a persistent notification", async () => {
    const broker = await brokerKinds()[0]!.start();
    cleanups.push(() => broker.stop());
    const server = await HaTestServer.start({ token: TOKEN });
    cleanups.push(() => server.close());
    server.registerService("notify", "mobile_app_phone");
    server.registerService("persistent_notification", "create");
    const dataDir = mkdtempSync(join(tmpdir(), "localecu-faults-notify-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const config = await loadConfig(new URL("../../examples/site.yaml", import.meta.url).pathname);
    config.site.dataDir = dataDir;
    Object.assign(config.mqtt, { url: broker.url, username: undefined, password: undefined, tls: undefined });
    config.homeassistant = { url: server.httpUrl, token: makeSecretRef(undefined, "HA_TEST_TOKEN") };
    config.automations.exportLimit = undefined;
    expect(config.automations.faults?.notify).toEqual(["notify.mobile_app_phone"]);

    const start = Date.parse("2026-06-21T10:42:00+02:00");
    const site = simSiteFromConfig(config, { seed: 5, clearSky: true });
    const clock = scaledClock(start, 1);
    const transport = openStreamTransport(
      () => new StickEmulator({ inverters: site.inverters, seed: 5, now: () => clock.now() }),
      { url: "emulator://faults-notify", clock },
    );
    const running: RunningController = await runController({
      config,
      logger: captureLogger("info").logger,
      clock,
      transport,
      env: { HA_TEST_TOKEN: TOKEN },
      stick: { ecuId: "D8A3011B9780", pairing: { stepMs: 50 } },
      haLink: { backoff: { initialMs: 20, maxMs: 200 } },
    });
    cleanups.push(() => running.stop());
    await waitFor("HA link up", () => running.ha?.linkState.state === "up");

    // South top left (801000012345) reports its GFDI bit at 10:42; the other three are fine.
    const core = new FaultDiagnosis(layoutFromConfig(config));
    const gfdi = groundFaulted("801000012345");
    for (const t of [gfdi, healthy("801000012346"), healthy("801000012347"), healthy("801000012348")])
      core.update({ kind: "reading", atMs: start, telemetry: t });
    const changes = core.update({ kind: "round", atMs: start, sunElevationDeg: 55 });
    running.controller.bus.emit("faultFindings", { changes, atMs: start });

    await waitFor("two service calls", () => server.serviceCalls.length >= 2);
    const title = "Solar fault — Ground fault: South top left";
    const message =
      "South top left (South roof, row 1 col 1): reports a DC ground fault since 10:42 and has stopped feeding " +
      "the grid (its LED would be steady red). Somewhere on the DC side a conductor leaks to earth: damaged " +
      "cable insulation, a pinched or wet connector, a cracked panel or junction box. Do not unplug DC " +
      "connectors yourself: have an installer find and fix the insulation fault. The inverter stays locked " +
      "until the fault is fixed and the ground-fault lock is cleared; this stays open until it no longer " +
      "reports the fault. (Status-bit meaning not confirmed on hardware.)";
    expect(server.serviceCalls).toEqual([
      { domain: "notify", service: "mobile_app_phone", serviceData: { title, message } },
      {
        domain: "persistent_notification",
        service: "create",
        serviceData: { notification_id: "localecu_ground_fault_801000012345", title, message },
      },
    ]);
  });
});
