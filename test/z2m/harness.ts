/**
 * A real zigbee2mqtt 2.x (its controller, extensions, herdsman Controller and its own
 * zigbee-herdsman-converters) in this process: data directory in a temp folder, an embedded aedes broker on
 * 127.0.0.1, the built converter in data/external_converters/, inverters seeded in database.db, and the
 * adapter layer replaced by the injector (injector.ts). Everything zigbee2mqtt publishes is recorded.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import { buildConverter } from "../../scripts/build-converter.mjs";
import {
  COORDINATOR_IEEE,
  type InjectorAdapter,
  installInjector,
  NETWORK_SETTINGS,
  Z2M_DIR,
} from "./injector.ts";

const require = createRequire(import.meta.url);

/** An inverter as zigbee2mqtt's database.db would hold it (no modelID: the inverters are never interviewed). */
export interface SeededInverter {
  friendlyName: string;
  ieeeAddr: string;
  nwkAddr: number;
}

export interface Published {
  topic: string;
  payload: string;
  retain: boolean;
}

export interface LogLine {
  level: string;
  message: string;
}

interface Z2mController {
  start(): Promise<void>;
  stop(restart?: boolean, code?: number): Promise<void>;
}

export interface RunningZ2m {
  version: string;
  zhcVersion: string;
  adapter: InjectorAdapter;
  published: Published[];
  logs: LogLine[];
  /** Resolves with the first message on `topic` published after `since` (an index into `published`). */
  next(topic: string, since: number, timeoutMs?: number): Promise<Published>;
  stop(): Promise<void>;
}

function endpoint(profId: number, epId: number, devId: number) {
  return {
    profId,
    epId,
    devId,
    inClusterList: [],
    outClusterList: [],
    clusters: {},
    binds: [],
    configuredReportings: [],
    meta: {},
  };
}

/** herdsman's database.db: one JSON object per line (Device.toDatabaseEntry's fields). */
function databaseLines(inverters: SeededInverter[]): string {
  const coordinator = {
    id: 1,
    type: "Coordinator",
    ieeeAddr: COORDINATOR_IEEE,
    nwkAddr: 0,
    manufId: 0,
    epList: [1],
    endpoints: { 1: endpoint(0x0104, 1, 5) },
    interviewCompleted: true,
    interviewState: "SUCCESSFUL",
    meta: {},
  };
  const rows = inverters.map((inv, i) => ({
    id: i + 2,
    type: "Router",
    ieeeAddr: inv.ieeeAddr,
    nwkAddr: inv.nwkAddr,
    // The APS profile 0x0F05 on endpoint 0x14, as the inverters use it (src/protocol/aps-link.ts).
    epList: [0x14],
    endpoints: { 20: endpoint(0x0f05, 0x14, 0) },
    interviewCompleted: true,
    interviewState: "SUCCESSFUL",
    meta: {},
  }));
  return `${[coordinator, ...rows].map((r) => JSON.stringify(r)).join("\n")}\n`;
}

function configuration(mqttUrl: string, inverters: SeededInverter[]): string {
  const devices = Object.fromEntries(inverters.map((i) => [i.ieeeAddr, { friendly_name: i.friendlyName }]));
  const config = {
    version: 5,
    mqtt: { server: mqttUrl, base_topic: "zigbee2mqtt" },
    serial: { port: "/dev/null-injector", adapter: "zstack" },
    homeassistant: { enabled: true },
    frontend: { enabled: false },
    availability: { enabled: false },
    advanced: { ...NETWORK_SETTINGS, log_level: "debug", log_output: [], last_seen: "disable" },
    devices,
  };
  return JSON.stringify(config, null, 2); // JSON is YAML
}

async function startBroker(): Promise<{ url: string; close(): Promise<void> }> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const a = server.address();
  const port = typeof a === "object" && a ? a.port : 0;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => broker.close(() => resolve()));
        for (const c of Object.values(
          (broker as unknown as { clients: Record<string, { close(): void }> }).clients,
        ))
          c.close();
      }),
  };
}

export async function startZigbee2mqtt(inverters: SeededInverter[]): Promise<RunningZ2m> {
  const broker = await startBroker();
  const dataDir = await mkdtemp(join(tmpdir(), "localecu-z2m-real-"));
  await writeFile(join(dataDir, "configuration.yaml"), configuration(broker.url, inverters));
  await writeFile(join(dataDir, "database.db"), databaseLines(inverters));
  await mkdir(join(dataDir, "external_converters"));
  await buildConverter({ outfile: join(dataDir, "external_converters", "apsystems.mjs") });
  process.env.ZIGBEE2MQTT_DATA = dataDir;

  const published: Published[] = [];
  const waiters: (() => void)[] = [];
  const observer = await mqtt.connectAsync(broker.url, { clientId: "localecu-z2m-test-observer" });
  observer.on("message", (topic, payload, packet) => {
    published.push({ topic, payload: payload.toString(), retain: packet.retain });
    for (const w of [...waiters]) w();
  });
  await observer.subscribeAsync("#");

  const injector = installInjector();
  const { Controller } = require(join(Z2M_DIR, "dist", "controller.js")) as {
    Controller: new (restart: () => Promise<void>, exit: (code: number) => Promise<void>) => Z2mController;
  };
  const logger = require(join(Z2M_DIR, "dist", "util", "logger.js")).default as {
    log(level: string, message: string | (() => string), namespace: string): void;
  };
  const exits: number[] = [];
  const controller = new Controller(
    async () => {},
    async (code) => {
      exits.push(code);
    },
  );
  const logs: LogLine[] = [];
  const log = logger.log.bind(logger);
  logger.log = (level, message, namespace) => {
    logs.push({ level, message: `${namespace}: ${typeof message === "function" ? message() : message}` });
    log(level, message, namespace);
  };
  await controller.start();
  if (exits.length > 0) {
    throw new Error(
      `zigbee2mqtt exited with code ${exits[0]} while starting: ${logs
        .filter((l) => l.level === "error")
        .map((l) => l.message)
        .join(" | ")}`,
    );
  }

  const next = (topic: string, since: number, timeoutMs = 5000): Promise<Published> =>
    new Promise((resolve, reject) => {
      const found = () => published.slice(since).find((p) => p.topic === topic);
      const done = (err?: Error) => {
        clearTimeout(timer);
        const i = waiters.indexOf(check);
        if (i >= 0) waiters.splice(i, 1);
        if (err) reject(err);
      };
      const check = () => {
        const hit = found();
        if (hit) {
          done();
          resolve(hit);
        }
      };
      const timer = setTimeout(
        () => done(new Error(`zigbee2mqtt published nothing on ${topic} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiters.push(check);
      check();
    });

  const pkg = (dir: string) => require(join(dir, "package.json")) as { version: string };
  return {
    version: pkg(Z2M_DIR).version,
    zhcVersion: pkg(join(Z2M_DIR, "node_modules", "zigbee-herdsman-converters")).version,
    adapter: injector.adapter(),
    published,
    logs,
    next,
    stop: async () => {
      try {
        await controller.stop();
      } finally {
        injector.restore();
        await observer.endAsync();
        await broker.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
