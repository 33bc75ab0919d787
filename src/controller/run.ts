/**
 * Builds and runs the whole controller from a SiteConfig: store, pairing book, MQTT (external or embedded),
 * the stick and the Controller. `localecu start`, the demo and the end-to-end tests all come through here.
 */
import type { MqttClient } from "mqtt";
import type { Logger } from "../log.ts";
import { safeUrl } from "../log.ts";
import { type EmbeddedBroker, startEmbeddedBroker } from "../mqtt/broker.ts";
import type { Clock } from "../radio/clock.ts";
import { Stick, type StickOptions } from "../radio/stick.ts";
import type { Transport } from "../radio/transport.ts";
import { resolveSecret } from "../site/config.ts";
import type { SiteConfig } from "../site/config-types.ts";
import { daylightTest } from "../site/daylight.ts";
import { PairingBook } from "../site/pairing.ts";
import { EnergyStore } from "../site/store.ts";
import { systemClock } from "./clock.ts";
import { Controller } from "./controller.ts";
import { connectMqtt } from "./mqtt.ts";

export interface RunOptions {
  config: SiteConfig;
  logger: Logger;
  clock?: Clock;
  /** Overrides config.stick.port (the demo and tests pass an in-process emulator). */
  transport?: Transport;
  stick?: Partial<Omit<StickOptions, "port">>;
  env?: NodeJS.ProcessEnv;
}

export interface RunningController {
  controller: Controller;
  mqttUrl: string;
  broker?: EmbeddedBroker;
  client: MqttClient;
  store: EnergyStore;
  stop(): Promise<void>;
}

export async function runController(o: RunOptions): Promise<RunningController> {
  const { config, logger } = o;
  const clock = o.clock ?? systemClock;
  const port = o.transport ?? config.stick?.port;
  if (port === undefined) {
    throw new Error(
      `${config.file}: stick.port is missing — set it to the stick's serial port or tcp://host:port`,
    );
  }
  // Secrets first: a missing password must stop us before anything is created on disk.
  if (config.mqtt.url && config.mqtt.password) resolveSecret(config.mqtt.password, "mqtt.password", o.env);
  const store = EnergyStore.open(config.site.dataDir, {
    timeZone: config.site.timezone,
    calibration: config.site.energyCalibration,
    historyDays: config.site.historyDays,
    // A morning restart is routine (debug); a rejected jump is worth a warning. One line each.
    log: (e) => logger[e.level]({ serial: e.serial, channel: e.channel, code: e.code }, e.message),
  });
  const pairing = PairingBook.open(config.site.dataDir);

  let broker: EmbeddedBroker | undefined;
  let mqttUrl = config.mqtt.url;
  if (!mqttUrl) {
    broker = await startEmbeddedBroker({
      host: config.mqtt.embedded?.host,
      port: config.mqtt.embedded?.port,
    });
    mqttUrl = broker.url;
    logger.info({ url: mqttUrl }, `embedded MQTT broker listening on ${mqttUrl}`);
  }

  const stick = new Stick({
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
  });
  let controller: Controller | undefined;
  const client = connectMqtt({
    url: mqttUrl,
    config: config.mqtt,
    env: o.env,
    onConnect: () => {
      logger.info({ url: safeUrl(mqttUrl!) }, "connected to MQTT");
      controller?.republish();
    },
    onStatus: (s) => {
      if (s.state !== "connected") logger.warn({ detail: s.detail }, `MQTT ${s.state}`);
    },
  });
  controller = new Controller({ config, stick, mqtt: client, store, pairing, clock, logger });
  await controller.start();

  return {
    controller,
    mqttUrl,
    broker,
    client,
    store,
    async stop() {
      await controller!.stop();
      await client.endAsync();
      await broker?.close();
      store.close();
    },
  };
}
