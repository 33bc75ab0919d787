/**
 * The ECU end-to-end tests' site: examples/site.yaml on a real broker, its roof simulated behind an
 * emulated vendor ECU on real TCP (and, when asked, its command pages on real HTTP), read by the real
 * poller into a running controller, with an MQTT client connected for the test to subscribe. The tests
 * differ only in what is passed here; each tears it all down with `stop()`.
 */
import { rmSync } from "node:fs";
import mqtt from "mqtt";
import { type ScaledClock, scaledClock } from "../../src/controller/clock.ts";
import { type RunningController, type RunOptions, runController } from "../../src/controller/run.ts";
import { ecuPoller } from "../../src/ecu/reader.ts";
import type { EcuPagesMode } from "../../src/sim/ecu/pages.ts";
import { type EcuEmulator, startEcuEmulator } from "../../src/sim/ecu/server.ts";
import { simSiteFromConfig } from "../../src/sim/from-config.ts";
import type { SimSite } from "../../src/sim/site.ts";
import type { AutomationsConfig, SiteConfig } from "../../src/site/config/types.ts";
import { brokerKinds, type TestBroker } from "../helpers/brokers.ts";
import { exampleConfig } from "../helpers/example-config.ts";
import { type CapturedLog, captureLogger } from "../helpers/log-capture.ts";

export interface EcuSiteOptions {
  /** Names the data folder (exampleConfig). */
  prefix: string;
  /** Simulated start, epoch ms. */
  start: number;
  /** Simulated ms per real ms; the default 120 gives one ECU round (300 s) every 2.5 real s. */
  speed?: number;
  /** The automations to run, from examples/site.yaml's; default none. */
  automations?: (example: AutomationsConfig) => AutomationsConfig;
  /** The emulated ECU's id: its prefix picks the model (emulator's default without it). */
  ecuId?: string;
  /** Serve the ECU's command pages on HTTP, in this mode, and tell the controller their port. */
  pages?: EcuPagesMode;
  /** The controller's probe of the command pages at start (runController's default without it). */
  probe?: RunOptions["ecuProbe"];
}

export interface EcuSite {
  broker: TestBroker;
  config: SiteConfig;
  dataDir: string;
  clock: ScaledClock;
  site: SimSite;
  ecu: EcuEmulator;
  running: RunningController;
  log: CapturedLog;
  /** Connected to the broker, subscribed to nothing yet. */
  client: mqtt.MqttClient;
  /** Everything started, stopped in reverse; the data folder removed. */
  stop(): Promise<void>;
}

export async function startEcuSite(o: EcuSiteOptions): Promise<EcuSite> {
  const cleanup: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  };
  try {
    const broker = await brokerKinds()[0]!.start();
    cleanup.push(() => broker.stop());
    const { config, dataDir } = await exampleConfig({ brokerUrl: broker.url, prefix: o.prefix });
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    config.automations = o.automations ? o.automations(config.automations) : {};
    config.web = undefined;
    const clock = scaledClock(o.start, o.speed ?? 120);
    const site = simSiteFromConfig(config, { seed: 7, clearSky: true });
    const ecu = await startEcuEmulator({
      site,
      now: () => clock.now(),
      ...(o.ecuId ? { ecuId: o.ecuId } : {}),
      port: 0,
      timeZone: config.site.timezone,
      ...(o.pages ? { http: { port: 0, pages: o.pages } } : {}),
    });
    cleanup.push(() => ecu.close());
    config.stick = undefined;
    // The ECU-R has no web server: the probe knows it from the model (0001) and asks nothing.
    config.ecu = {
      host: ecu.host,
      port: ecu.port,
      pollS: 300,
      ...(ecu.http ? { httpPort: ecu.http.port } : {}),
    };
    const log = captureLogger("info");
    const running = await runController({
      config,
      logger: log.logger,
      clock,
      // A hung ECU is found by its silence: 2 real s per request instead of 10, so the tests wait less.
      ecuReader: ecuPoller(config.ecu, {
        clock,
        logger: log.logger,
        timeZone: config.site.timezone,
        timeoutMs: 2000,
      }),
      ...(o.probe === undefined ? {} : { ecuProbe: o.probe }),
    });
    cleanup.push(() => running.stop());
    const client = await mqtt.connectAsync(broker.url);
    cleanup.push(() => client.endAsync(true));
    return { broker, config, dataDir, clock, site, ecu, running, log, client, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
