/**
 * Builds and runs the whole controller from a SiteConfig: store, pairing book, MQTT (external or embedded),
 * the stick and the Controller. `localecu start`, the demo and the end-to-end tests all come through here.
 */
import { readFileSync } from "node:fs";
import type { MqttClient } from "mqtt";
import type { ExportLimitTuning } from "../automations/export-limit/module.ts";
import { writesPerHour } from "../automations/export-limit/settings.ts";
import type { FaultModuleTuning } from "../automations/faults/module.ts";
import { probeEcuAtStart } from "../ecu/control-probe.ts";
import { EcuHttpControl } from "../ecu/http-control.ts";
import { ecuPoller } from "../ecu/reader.ts";
import { type EcuReader, EcuSource } from "../ecu/source.ts";
import { resolveHaCredentials } from "../ha/credentials.ts";
import { HaLink, type HaLinkOptions } from "../ha/link.ts";
import type { Logger } from "../log.ts";
import { safeUrl } from "../log.ts";
import {
  BrokerStartError,
  type EmbeddedBroker,
  isLoopback,
  payloadCapFor,
  startEmbeddedBroker,
} from "../mqtt/broker.ts";
import { answerHealthChecks, describeInstance, findLiveInstance, identityOf } from "../mqtt/instance.ts";
import type { Clock } from "../radio/clock.ts";
import { Stick, type StickOptions } from "../radio/stick.ts";
import type { Transport } from "../radio/transport/index.ts";
import { resolveSecret } from "../site/config/index.ts";
import type { SiteConfig, WebConfig } from "../site/config/types.ts";
import { PairingBook } from "../site/pairing.ts";
import { EnergyStore } from "../site/store/index.ts";
import { daylightTest } from "../site/sun.ts";
import { HassMirror } from "../web/mirror.ts";
import { startWebServer, WebListenError, type WebServer } from "../web/server.ts";
import { tapPublishes } from "../web/tap.ts";
import { systemClock } from "./clock.ts";
import { Controller } from "./controller.ts";
import { DataDirLock, DataDirLocked } from "./data-lock.ts";
import { connectMqtt, firstConnect, MqttSettingError } from "./mqtt.ts";
import { connectFailureHint, siteSettingNames } from "./mqtt-failure.ts";
import { pacePublishes } from "./publish-pacer.ts";
import type { ReadingSource } from "./source.ts";
import { StartupError } from "./startup-error.ts";

export { StartupError };

/**
 * Unsent bytes on the MQTT socket past which publishes wait their turn: a few inverters' discovery, far
 * above what one reading sends (~1 KB), so steady polling never waits.
 */
const PUBLISH_HIGH_WATER_BYTES = 256 * 1024;

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

export interface RunOptions {
  config: SiteConfig;
  logger: Logger;
  clock?: Clock;
  /** Overrides config.stick.port (the demo and tests pass an in-process emulator). */
  transport?: Transport;
  stick?: Partial<Omit<StickOptions, "port">>;
  /** Feeds the ECU source instead of polling site.yaml's ECU (tests, the demo's emulated ECU). */
  ecuReader?: EcuReader;
  /**
   * The ECU's command pages are probed at start (ecu.http_port); false skips it (a fed reader with no
   * ECU behind it). timeoutMs: per request, real ms (default 10 s).
   */
  ecuProbe?: false | { timeoutMs?: number };
  env?: NodeJS.ProcessEnv;
  /** Who this is when another controller asks (health check): "demo" or the site file. */
  instance?: string;
  /** How long to wait for another live controller on the base topic to answer (default 2 s). */
  instanceCheckMs?: number;
  /** How long the first MQTT connect may take (default 10 s). */
  connectTimeoutMs?: number;
  /** Tuning for the Home Assistant link (tests shorten the backoff). */
  haLink?: Partial<Omit<HaLinkOptions, "credentials" | "logger">>;
  /** Timing of the export limiter (tests at simulated speed). */
  exportLimit?: ExportLimitTuning;
  /** Timing of the fault module's rechecks (tests at simulated speed). */
  faults?: FaultModuleTuning;
  /** The local page, decided by the caller (the demo's --web-port): null = off; unset = site.yaml and env. */
  web?: WebConfig | null;
}

export interface RunningController {
  controller: Controller;
  mqttUrl: string;
  broker?: EmbeddedBroker;
  client: MqttClient;
  store: EnergyStore;
  /** The Home Assistant link, when site.yaml has a homeassistant section or this runs as an HA add-on. */
  ha?: HaLink;
  /** The local page's URL, when it is on (site.yaml `web`) and could listen. */
  webUrl?: string;
  stop(): Promise<void>;
}

export async function runController(o: RunOptions): Promise<RunningController> {
  const { config, logger } = o;
  const clock = o.clock ?? systemClock;
  const port = o.transport ?? config.stick?.port;
  const ecu = o.transport === undefined ? config.ecu : undefined;
  if (port === undefined && ecu === undefined) {
    throw new StartupError(
      `${config.file}: no source of readings — set stick.port to the stick's serial port or tcp://host:port, or ecu.host to read the vendor ECU on the LAN`,
    );
  }
  // Secrets first: a missing password must stop us before anything is created on disk.
  if (config.mqtt.url && config.mqtt.password) resolveSecret(config.mqtt.password, "mqtt.password", o.env);

  // Undone in reverse when a later step fails, so a failed start leaves nothing running or half-made.
  const undo: (() => unknown)[] = [];
  try {
    // MQTT before the data directory: a taken port, an unreachable broker or another live controller
    // on the same topics stops us before anything is written.
    let broker: EmbeddedBroker | undefined;
    let mqttUrl = config.mqtt.url;
    if (!mqttUrl) {
      const host = config.mqtt.embedded?.host ?? "127.0.0.1";
      try {
        broker = await startEmbeddedBroker({
          host,
          port: config.mqtt.embedded?.port,
          maxPayloadBytes: payloadCapFor(config.inverters.length),
        });
      } catch (e) {
        throw e instanceof BrokerStartError ? new StartupError(e.message) : e;
      }
      undo.push(() => broker?.close());
      mqttUrl = broker.url;
    }

    let controller: Controller | undefined;
    const client = settings(() =>
      connectMqtt({
        url: mqttUrl,
        config: config.mqtt,
        env: o.env,
        onConnect: () => {
          // The first connect is reported once the start has succeeded; this is for reconnects.
          if (!controller) return;
          logger.info({ url: safeUrl(mqttUrl!) }, "connected to MQTT");
          controller.republish();
          controller.mqttLinkChanged(true);
        },
        onStatus: (s) => {
          if (s.state !== "connected" && controller) logger.warn({ detail: s.detail }, `MQTT ${s.state}`);
          // An MQTT grid meter is only as alive as the connection it arrives on.
          if (s.state === "offline") controller?.mqttLinkChanged(false, "connection lost, reconnecting");
        },
      }),
    );
    // A clean DISCONNECT: a forced close would make the broker publish our will ("offline") over the
    // controller that is running on these topics.
    undo.push(() => closeQuietly(client));
    try {
      await firstConnect(client, o.connectTimeoutMs);
    } catch (e) {
      const why = (e as Error).message;
      const fix = connectFailureHint(e as Error, siteSettingNames(config.mqtt, config.file));
      throw new StartupError(`cannot connect to the MQTT broker at ${safeUrl(mqttUrl)}: ${why} — ${fix}`);
    }

    const base = config.mqtt.baseTopic;
    const other = await findLiveInstance(client, base, o.instanceCheckMs);
    if (other) {
      throw new StartupError(
        `another localecu is already running on base topic '${base}' at ${safeUrl(mqttUrl)}: ${describeInstance(other)} — stop it first, or give this one another mqtt.base_topic`,
      );
    }

    let lock: DataDirLock;
    try {
      lock = DataDirLock.acquire(
        config.site.dataDir,
        o.instance ?? config.file,
        o.instance === "demo" ? "the demo's --data" : `site.data_dir in ${config.file}`,
      );
    } catch (e) {
      throw e instanceof DataDirLocked ? new StartupError(e.message) : e;
    }
    undo.push(() => lock.release());

    let store: EnergyStore;
    let pairing: PairingBook;
    try {
      store = EnergyStore.open(config.site.dataDir, {
        timeZone: config.site.timezone,
        calibration: config.site.energyCalibration,
        historyDays: config.site.historyDays,
        // A morning restart is routine (debug); a rejected jump is worth a warning. One line each.
        log: (e) => logger[e.level]({ serial: e.serial, channel: e.channel, code: e.code }, e.message),
      });
      undo.push(() => store.close());
      pairing = PairingBook.open(config.site.dataDir);
    } catch (e) {
      throw new StartupError((e as Error).message);
    }

    // Only now that nothing can refuse the start: a failed start prints its one line and nothing else.
    if (broker) {
      logger.info({ url: mqttUrl }, `embedded MQTT broker listening on ${mqttUrl}`);
      if (!isLoopback(broker.host)) {
        logger.warn(
          `the embedded MQTT broker listens on ${broker.host}, beyond this machine, with no password: anyone on the network can read the site and command the inverters. Keep it on a trusted network, or use a broker with a password (mqtt.url in site.yaml).`,
        );
      }
    }
    logger.info({ url: safeUrl(mqttUrl) }, "connected to MQTT");

    const ecuLog = logger.child({ module: "ecu" });
    let control: ConstructorParameters<typeof EcuSource>[0]["control"];
    if (ecu && o.ecuProbe !== false) {
      // Before the controller: whether the schedule may start depends on what the probe finds.
      const timeoutMs = o.ecuProbe?.timeoutMs;
      const http = new EcuHttpControl(
        { host: ecu.host, ...(ecu.httpPort === undefined ? {} : { port: ecu.httpPort }) },
        timeoutMs === undefined ? {} : { timeoutMs },
      );
      const probe = await probeEcuAtStart({
        ecu: { host: ecu.host, port: ecu.port },
        http,
        ...(ecu.ecuId === undefined ? {} : { ecuId: ecu.ecuId }),
        now: () => clock.now(),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
      if (probe.infoError)
        ecuLog.warn(
          `the ECU did not answer 0001 at start (${probe.infoError}): its model and firmware are not known yet`,
        );
      ecuLog.info(probe.summary);
      control = { http, probe };
    }
    const stick: ReadingSource = ecu
      ? new EcuSource({
          where: `${ecu.host}:${ecu.port}`,
          ...(control ? { control } : {}),
          stableId: o.stick?.stableId ?? config.site.name,
          clock,
          logger: logger.child({ module: "ecu" }),
          reader:
            o.ecuReader ??
            ecuPoller(ecu, {
              clock,
              logger: logger.child({ module: "ecu" }),
              timeZone: config.site.timezone,
            }),
        })
      : newStick(o, config, port!, clock, logger);
    // Optional: a missing token or an unreachable HA is the link's state (entity + log line), never a
    // reason to stop reporting the inverters.
    const env = o.env ?? process.env;
    const ha =
      config.homeassistant || env.SUPERVISOR_TOKEN
        ? new HaLink({
            ...o.haLink,
            credentials: () => {
              const c = resolveHaCredentials(config.homeassistant, env);
              if (!c) throw new Error("homeassistant: nothing to connect to");
              return c;
            },
            logger: logger.child({ module: "homeassistant" }),
          })
        : undefined;
    // The local page sees what the controller publishes; a taken port is one error line, not a failed start.
    const webConfig = o.web === undefined ? webOverride(config.web, o.env) : (o.web ?? undefined);
    const mirror = webConfig ? new HassMirror(config.mqtt.discoveryPrefix) : undefined;
    let web: WebServer | undefined;
    if (webConfig && mirror) {
      try {
        web = await startWebServer({
          web: webConfig,
          mirror,
          title: config.site.name,
          onError: (m) => logger.error(m),
        });
        undo.push(() => web?.close());
        logger.info({ url: web.url }, `local page on ${web.url}`);
      } catch (e) {
        if (!(e instanceof WebListenError)) throw e;
        logger.error(e.message);
      }
    }
    const paced = pacePublishes(client, { highWaterBytes: PUBLISH_HIGH_WATER_BYTES });
    controller = new Controller({
      config,
      source: stick,
      mqtt: mirror ? tapPublishes(paced.client, (t, p, r) => mirror.take(t, p, r)) : paced.client,
      store,
      pairing,
      clock,
      logger,
      ha,
      ...(o.exportLimit ? { exportLimit: o.exportLimit } : {}),
      ...(o.faults ? { faults: o.faults } : {}),
    });
    const started = controller;
    if (ha) {
      // Before the controller: its start waits for the stick, and the link must not wait for that.
      undo.push(() => ha.stop());
      ha.start();
    }
    undo.push(() => started.stop());
    await controller.start();
    const version = PACKAGE_VERSION;
    const stopAnswering = answerHealthChecks(client, base, identityOf(o.instance ?? config.file, version));

    return {
      controller,
      mqttUrl,
      broker,
      client,
      store,
      ha,
      ...(web ? { webUrl: web.url } : {}),
      async stop() {
        stopAnswering();
        await web?.close();
        // The automations stop before the link they read, so none reacts to the link going off.
        await started.stop();
        await ha?.stop();
        // What the controller said last (offline) may still wait for the socket.
        await paced.drain();
        // Bounded: with the broker down an unforced end waits for a reconnect that may never come.
        await closeQuietly(client);
        await broker?.close();
        store.close();
        lock.release();
      },
    };
  } catch (e) {
    for (const u of undo.reverse()) {
      try {
        await u();
      } catch {
        // Already failing: the first error is the one worth reporting.
      }
    }
    throw e;
  }
}

/** A setting that cannot be used (an unreadable TLS file) is a one-line startup error. */
function settings<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw e instanceof MqttSettingError ? new StartupError(e.message) : e;
  }
}

/**
 * LOCALECU_WEB_PORT (a port, 0 = off) and LOCALECU_WEB_BIND override site.yaml's `web` for one process: a
 * container or add-on that maps the port, or a test run where many controllers share one machine.
 */
export function webOverride(
  web: WebConfig | undefined,
  env: NodeJS.ProcessEnv = process.env,
): WebConfig | undefined {
  const portText = env.LOCALECU_WEB_PORT ?? process.env.LOCALECU_WEB_PORT;
  const bind = env.LOCALECU_WEB_BIND ?? process.env.LOCALECU_WEB_BIND;
  if (portText === undefined) return web && bind ? { ...web, bind } : web;
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new StartupError(`LOCALECU_WEB_PORT must be a port number (0 = no local page), got '${portText}'`);
  }
  if (port === 0) return undefined;
  return { port, bind: bind ?? web?.bind ?? "127.0.0.1" };
}

/** Ends the connection with a DISCONNECT (so no will is published); forced if that takes too long. */
async function closeQuietly(client: MqttClient): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.endAsync(false),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 2000);
    }),
  ]);
  clearTimeout(timer);
  if (!client.disconnected) await client.endAsync(true);
}

function newStick(
  o: RunOptions,
  config: SiteConfig,
  port: string | Transport,
  clock: Clock,
  logger: Logger,
): Stick {
  return new Stick({
    ...o.stick,
    port,
    ecuId: config.stick?.ecuId ?? o.stick?.ecuId,
    stableId: o.stick?.stableId ?? config.site.name,
    clock,
    logger: logger.child({ module: "radio" }),
    poll: {
      intervalMs: config.poll.intervalS * 1000,
      // Knowing where the sun is lets a silent site in daylight be reported instead of "asleep".
      isDaylight:
        config.site.latitude !== undefined && config.site.longitude !== undefined
          ? daylightTest(config.site.latitude, config.site.longitude)
          : undefined,
      ...o.stick?.poll,
    },
    // The limiter's flash-wear budget is the queue's: every limit write, the limiter's or a user's, counts.
    commands: {
      ...(config.automations.exportLimit
        ? { writesPerHour: writesPerHour(config.automations.exportLimit) }
        : {}),
      ...o.stick?.commands,
    },
  });
}
