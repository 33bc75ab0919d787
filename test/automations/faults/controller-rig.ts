/**
 * For the fault module's end-to-end tests: the example site with only the fault module, its emulated
 * inverters (clear sky), and a second MQTT client that records what the controller publishes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { simSiteFromConfig } from "../../../src/sim/from-config.ts";
import type { SimSite } from "../../../src/sim/site.ts";
import { loadConfig } from "../../../src/site/config/index.ts";
import type { SiteConfig } from "../../../src/site/config/types.ts";
import type { BrokerKind, TestBroker } from "../../helpers/brokers.ts";
import { type CapturedLog, captureLogger } from "../../helpers/log-capture.ts";
import { type Rig, startRig } from "../export-limit/rig.ts";

export type Json = Record<string, unknown>;

/** 21 June 2026, local time in Amsterdam (CEST, UTC+2): a clear midsummer day. */
export const at = (hhmm: string) => Date.parse(`2026-06-21T${hhmm}:00+02:00`);

export interface FaultSite {
  config: SiteConfig;
  site: SimSite;
  log: CapturedLog;
  dataDir: string;
}

export async function faultSite(brokerUrl: string): Promise<FaultSite> {
  const dataDir = mkdtempSync(join(tmpdir(), "localecu-faults-"));
  const config = await loadConfig(new URL("../../../examples/site.yaml", import.meta.url).pathname);
  config.site.dataDir = dataDir;
  Object.assign(config.mqtt, { url: brokerUrl, username: undefined, password: undefined, tls: undefined });
  // Only the fault module: no Home Assistant (notifications are another module's), no other automations.
  config.homeassistant = undefined;
  config.automations = { faults: { noDataMinutes: 60 } };
  const site = simSiteFromConfig(config, { seed: 7, clearSky: true });
  return { config, site, log: captureLogger("debug"), dataDir };
}

export interface Watcher {
  client: MqttClient;
  /** The last payload on a topic, parsed. */
  last(topic: string): Json | undefined;
  /** Every message on a fault event topic, in order. */
  events(topic: string): Json[];
  topics(): string[];
}

export async function watchBroker(url: string): Promise<Watcher> {
  const seen = new Map<string, string>();
  const events = new Map<string, Json[]>();
  const client = await mqtt.connectAsync(url);
  client.on("message", (t, p) => {
    seen.set(t, p.toString());
    if (t.endsWith("/event/fault")) events.set(t, [...(events.get(t) ?? []), JSON.parse(p.toString())]);
  });
  await client.subscribeAsync(["homeassistant/#", "localecu/#"]);
  return {
    client,
    last: (t) => {
      const p = seen.get(t);
      return p ? (JSON.parse(p) as Json) : undefined;
    },
    events: (t) => events.get(t) ?? [],
    topics: () => [...seen.keys()],
  };
}

export const allProducing = (r: Rig, config: SiteConfig) =>
  config.inverters.every((i) => r.running.controller.tracker.snapshot(i.serial)?.status === "producing");

/** One test's broker, site, watcher and controller, started and stopped in order. */
export class FaultHarness {
  broker?: TestBroker;
  rig?: Rig;
  mq?: Watcher;
  o?: FaultSite;

  /** For a Home Assistant link: the token's env and the link's tuning (see notify-e2e.test.ts). */
  link: { env?: NodeJS.ProcessEnv; haLink?: Parameters<typeof startRig>[0]["haLink"] } = {};

  constructor(
    private readonly kind: BrokerKind,
    private readonly speed: number,
  ) {}

  async setup(): Promise<{ o: FaultSite; mq: Watcher }> {
    this.broker = await this.kind.start();
    this.o = await faultSite(this.broker.url);
    this.mq = await watchBroker(this.broker.url);
    return { o: this.o, mq: this.mq };
  }

  /** Starts the controller at `startMs`; a second call restarts it on the same air (inverters joined). */
  async run(startMs: number): Promise<Rig> {
    const o = this.o!;
    const air = this.rig?.air();
    if (this.rig) await this.rig.stop();
    this.rig = await startRig({
      config: o.config,
      site: o.site,
      startMs,
      speed: this.speed,
      logger: o.log.logger,
      ...(air ? { air } : {}),
      ...this.link,
    });
    return this.rig;
  }

  async stop(): Promise<void> {
    await this.mq?.client.endAsync(true);
    await this.rig?.stop();
    await this.broker?.stop();
    if (this.o) rmSync(this.o.dataDir, { recursive: true, force: true });
  }
}
