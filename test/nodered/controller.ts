/**
 * A real controller for the Node-RED tests: examples/site.yaml (4 QS1) on an emulated stick, on the test's
 * broker, at 120× simulated speed, without Home Assistant; its export limiter reads an MQTT meter topic
 * that the tests leave silent (so the limiter itself never writes a limit).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scaledClock } from "../../src/controller/clock.ts";
import { type RunningController, runController } from "../../src/controller/run.ts";
import { createLogger } from "../../src/log.ts";
import { openStreamTransport } from "../../src/radio/transport/url.ts";
import { DEMO_SHADING } from "../../src/sim/demo-site.ts";
import { StickEmulator } from "../../src/sim/emulator/stick.ts";
import type { TelemetryEmitted } from "../../src/sim/emulator/types.ts";
import { simSiteFromConfig } from "../../src/sim/from-config.ts";
import type { SimSite } from "../../src/sim/site.ts";
import { loadConfig } from "../../src/site/config/index.ts";

export interface TestController {
  site: SimSite;
  /** serial → topic name */
  names: Map<string, string>;
  /** serial → what the emulator last encoded into a telemetry reply, in physical units. */
  truth: Map<string, TelemetryEmitted>;
  stop(): Promise<void>;
}

export async function startTestController(brokerUrl: string): Promise<TestController> {
  const dataDir = mkdtempSync(join(tmpdir(), "localecu-nodered-"));
  const config = await loadConfig(new URL("../../examples/site.yaml", import.meta.url).pathname);
  config.site.dataDir = dataDir;
  config.homeassistant = undefined;
  Object.assign(config.mqtt, { url: brokerUrl, username: undefined, password: undefined, tls: undefined });
  config.automations.exportLimit = {
    ...config.automations.exportLimit,
    meter: { topic: "nodered-test/silent-meter" },
  };
  const site = simSiteFromConfig(config, { seed: 7, clearSky: true, shading: DEMO_SHADING });
  const clock = scaledClock(Date.parse("2026-06-21T11:00:00+02:00"), 120);
  const truth = new Map<string, TelemetryEmitted>();
  const transport = openStreamTransport(
    () =>
      new StickEmulator({
        inverters: site.inverters,
        seed: 7,
        now: () => clock.now(),
        onTelemetry: (e) => truth.set(e.truth.serial, e),
      }),
    { url: "emulator://nodered", clock },
  );
  let running: RunningController | undefined;
  try {
    running = await runController({
      config,
      logger: createLogger({ level: process.env.LOCALECU_TEST_LOG ?? "silent", pretty: true }),
      clock,
      transport,
      stick: { ecuId: "D8A3011B9780", pairing: { stepMs: 50 } },
    });
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  return {
    site,
    names: new Map(config.inverters.map((i) => [i.serial, i.label])),
    truth,
    async stop() {
      await running?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
