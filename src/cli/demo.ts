/**
 * `npm start` with no configuration: the product running against a simulated site. An embedded MQTT
 * broker, an emulated stick in-process, the 4-QS1 demo roof (16 panels, one inverter partly shaded) on an
 * accelerated clock, and the full controller with Home Assistant discovery.
 */
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { scaledClock } from "../controller/clock.ts";
import { type RunningController, runController } from "../controller/run.ts";
import { createLogger } from "../log.ts";
import { isLoopback } from "../mqtt/broker.ts";
import { openStreamTransport } from "../radio/transport/url.ts";
import { DEMO_SHADING } from "../sim/demo-site.ts";
import { startEcuEmulator } from "../sim/ecu/server.ts";
import { StickEmulator } from "../sim/emulator/stick.ts";
import { simSiteFromConfig } from "../sim/from-config.ts";
import { loadConfig } from "../site/config/index.ts";
import { WEB_DEFAULT_PORT } from "../site/config/resolve.ts";
import { ECU_MIN_POLL_S } from "../site/config/types.ts";
import { localParts } from "../site/local-time.ts";
import {
  CLOCK_FILE,
  checkDataDir,
  defaultDemoDataDir,
  firstMissingDir,
  readDemoClock,
  saveDemoClock,
} from "./demo-data.ts";
import { DemoMeter, demoMeterTopic } from "./demo-meter.ts";
import { CliError, guard } from "./errors.ts";
import { closeJsonLog, openJsonLog } from "./json-log.ts";
import { untilStopSignal } from "./signals.ts";

/** The demo's vendor ECU with --source ecu: an ECU-R-Pro (2162…), one of the models with command pages. */
const DEMO_ECU_ID = "216200000001";

export const DEMO_CONFIG = fileURLToPath(new URL("../../examples/site.yaml", import.meta.url));
const DEFAULT_SPEED = 60;
const DEFAULT_PORT = 1883;
const DEFAULT_HOST = "127.0.0.1";
/** How often the simulated clock is saved (real ms): a kill -9 loses at most this × speed of it. */
const CLOCK_SAVE_MS = 1000;

export interface DemoOptions {
  start?: string;
  speed?: string;
  mqttPort?: string;
  mqttHost?: string;
  data?: string;
  seed?: string;
  clouds?: boolean;
  powerLog?: string;
  webPort?: string;
  source?: string;
}

/** 10:30 local time today in the demo's time zone: late morning, production from the first poll. */
export function defaultDemoStart(now: number, timeZone: string): number {
  const { hour, minute } = localParts(now, timeZone);
  return now - (hour * 60 + minute - (10 * 60 + 30)) * 60_000 - (now % 60_000);
}

export function parseDemoOptions(raw: DemoOptions, env: NodeJS.ProcessEnv = process.env) {
  const speedText = raw.speed ?? env.LOCALECU_SPEED;
  const speed = speedText === undefined ? DEFAULT_SPEED : Number(speedText);
  if (!Number.isFinite(speed) || speed <= 0 || speed > 3600) {
    throw new CliError(`--speed / LOCALECU_SPEED must be a number between 0 and 3600, got '${speedText}'`);
  }
  const portText = raw.mqttPort ?? env.LOCALECU_MQTT_PORT;
  const mqttPort = portText === undefined ? DEFAULT_PORT : Number(portText);
  if (!Number.isInteger(mqttPort) || mqttPort < 0 || mqttPort > 65535) {
    throw new CliError(
      `--mqtt-port / LOCALECU_MQTT_PORT must be a port number (0 picks a free one), got '${portText}'`,
    );
  }
  const mqttHost = (raw.mqttHost ?? env.LOCALECU_MQTT_HOST ?? DEFAULT_HOST).trim();
  if (mqttHost === "" || /[\s/]/.test(mqttHost)) {
    throw new CliError(
      `--mqtt-host / LOCALECU_MQTT_HOST must be an address of this machine (127.0.0.1, 0.0.0.0, a LAN address), got '${mqttHost}'`,
    );
  }
  const startText = raw.start ?? env.LOCALECU_START;
  let startMs: number | undefined;
  if (startText !== undefined) {
    startMs = Date.parse(startText);
    if (Number.isNaN(startMs))
      throw new CliError(
        `--start / LOCALECU_START must be an ISO time like 2026-06-21T10:30:00+02:00, got '${startText}'`,
      );
  }
  const seed = raw.seed === undefined ? 1 : Number(raw.seed);
  if (!Number.isInteger(seed)) throw new CliError(`--seed must be an integer, got '${raw.seed}'`);
  const dataText = raw.data ?? env.LOCALECU_DATA;
  if (dataText !== undefined && dataText.trim() === "") {
    throw new CliError("--data / LOCALECU_DATA must name a folder, got an empty value");
  }
  const data = dataText === undefined ? defaultDemoDataDir(env) : resolve(dataText);
  if (raw.powerLog !== undefined && (raw.powerLog.trim() === "" || raw.powerLog === "-")) {
    throw new CliError(
      `--power-log needs a file name (stdout carries the demo's banner), got '${raw.powerLog}' — e.g. --power-log power.jsonl`,
    );
  }
  const powerLog = raw.powerLog === undefined ? undefined : resolve(raw.powerLog);
  // The process's own environment too: a test run turns every page off there (vitest.config.ts).
  const webText = raw.webPort ?? env.LOCALECU_WEB_PORT ?? process.env.LOCALECU_WEB_PORT;
  const webPort = webText === undefined ? WEB_DEFAULT_PORT : Number(webText);
  if (!Number.isInteger(webPort) || webPort < 0 || webPort > 65535) {
    throw new CliError(
      `--web-port / LOCALECU_WEB_PORT must be a port number (0 = no local page), got '${webText}'`,
    );
  }
  const source = raw.source ?? env.LOCALECU_SOURCE ?? "stick";
  if (source !== "stick" && source !== "ecu") {
    throw new CliError(
      `--source / LOCALECU_SOURCE must be stick (localecu talks ZigBee to the inverters) or ecu (it reads an emulated vendor ECU on port 8899), got '${source}'`,
    );
  }
  return {
    speed,
    mqttPort,
    mqttHost,
    startMs,
    seed,
    clouds: raw.clouds === true,
    data,
    powerLog,
    webPort,
    source: source as "stick" | "ecu",
  };
}

export async function startDemo(
  raw: DemoOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<
  RunningController & {
    startMs: number;
    speed: number;
    dataDir: string;
    resumed: boolean;
    /** Where the simulated grid meter is published: `{"power": W}`, positive = import. */
    meterTopic: string;
    /** The site device's name in Home Assistant (it holds the export limiter's switch). */
    siteName: string;
    /** With --source ecu: where the emulated vendor ECU answers, and its command pages. */
    ecuUrl?: string;
    ecuPagesUrl?: string;
  }
> {
  const o = parseDemoOptions(raw, env);
  const config = await loadConfig(DEMO_CONFIG);
  const dataDir = o.data;
  checkDataDir(dataDir);
  // An explicit --start wins; otherwise the simulated day goes on where the last run left it.
  const saved = o.startMs === undefined ? readDemoClock(dataDir) : undefined;
  // Never before an inverter's saved state: the simulation only moves forward.
  const resumeMs = saved && Math.max(saved.ms, ...Object.values(saved.inverters).map((s) => s.atMs));
  const startMs = o.startMs ?? resumeMs ?? defaultDemoStart(Date.now(), config.site.timezone);
  const clock = scaledClock(startMs, o.speed);
  // The emulated inverters start unpaired on every run; short addresses kept from a previous run would
  // point at nothing. (Real inverters keep their pairing, and so does a real site's pairing.json.)
  rmSync(join(dataDir, "pairing.json"), { force: true });
  config.site.dataDir = dataDir;
  config.mqtt.url = undefined;
  config.mqtt.username = undefined;
  config.mqtt.password = undefined;
  config.mqtt.tls = undefined;
  config.homeassistant = undefined;
  config.mqtt.embedded = { host: o.mqttHost, port: o.mqttPort };
  // The example's meter is a Home Assistant entity, and the demo has no Home Assistant: the limiter reads
  // the simulated house's meter from the embedded broker instead, and holds export at 0 W.
  const meterTopic = demoMeterTopic(config.mqtt.baseTopic);
  config.automations.exportLimit = {
    ...config.automations.exportLimit,
    targetW: 0,
    meter: { topic: meterTopic, valueKey: "power" },
  };
  // The roof the controller is told about (examples/site.yaml) is the roof that is simulated.
  const site = simSiteFromConfig(config, { seed: o.seed, clearSky: !o.clouds, shading: DEMO_SHADING });
  // The roof goes on with the counters and limits it had: a warm start would re-live the morning unlimited.
  if (saved) {
    try {
      site.resume(saved.inverters);
    } catch (e) {
      throw new CliError(
        `${join(dataDir, CLOCK_FILE)}: ${(e as Error).message} — delete the file (the demo then starts at 10:30 today) or pass --start`,
      );
    }
  }
  const powerLog = o.powerLog
    ? await openJsonLog("--power-log", o.powerLog, (m) => process.stderr.write(`demo: ${m}\n`))
    : undefined;
  const meter = new DemoMeter({
    site,
    clock,
    seed: o.seed,
    timeZone: config.site.timezone,
    topic: meterTopic,
    speed: o.speed,
    powerLog,
  });
  const logger = createLogger({ level: env.LOCALECU_LOG_LEVEL, pretty: env.LOCALECU_LOG_FORMAT !== "json" });
  // With --source ecu the same roof sits behind an emulated vendor ECU on this machine, read on port 8899
  // as an owner who keeps their ECU would; without, behind an emulated stick. An ECU-R-Pro serving its
  // command pages, so the controls show what they do through an ECU (unverified, at its next round).
  const ecu =
    o.source === "ecu"
      ? await startEcuEmulator({
          site,
          now: meter.now,
          host: "127.0.0.1",
          port: 0,
          ecuId: DEMO_ECU_ID,
          timeZone: config.site.timezone,
          http: { port: 0, pages: "served" },
        })
      : undefined;
  if (ecu) {
    config.stick = undefined;
    config.ecu = { host: ecu.host, port: ecu.port, pollS: ECU_MIN_POLL_S, httpPort: ecu.http!.port };
  }
  const transport = ecu
    ? undefined
    : openStreamTransport(
        // Physics on simulated time; the stick's answers in real time, as a real stick's would be.
        () =>
          new StickEmulator({
            inverters: site.inverters,
            seed: o.seed,
            now: meter.now,
          }),
        { url: "emulator://demo", clock },
      );
  // A failed start removes the folders it made: nothing is left behind.
  const created = firstMissingDir(dataDir);
  let running: RunningController;
  try {
    running = await runController({
      config,
      logger,
      clock,
      ...(transport ? { transport } : {}),
      // The emulated inverters need no 1.5 s between pairing broadcasts; the demo shows data sooner.
      stick: { ecuId: config.stick?.ecuId ?? "D8A3011B9780", pairing: { stepMs: 250 } },
      env,
      // The page stays on this machine, like the embedded broker by default.
      web: o.webPort === 0 ? null : { port: o.webPort, bind: "127.0.0.1" },
      instance: "demo",
    });
    saveDemoClock(dataDir, clock.now(), site.states());
  } catch (e) {
    if (created) rmSync(created, { recursive: true, force: true });
    if (powerLog) await closeJsonLog(powerLog);
    await ecu?.close();
    throw e;
  }
  try {
    await meter.start(running.mqttUrl);
  } catch (e) {
    await running.stop();
    await ecu?.close();
    if (powerLog) await closeJsonLog(powerLog);
    throw new CliError(`the demo's grid meter cannot reach the embedded broker: ${(e as Error).message}`);
  }
  const saver = setInterval(() => {
    try {
      saveDemoClock(dataDir, clock.now(), site.states());
    } catch (e) {
      logger.warn(`cannot save the simulated clock in ${dataDir}: ${(e as Error).message}`);
    }
  }, CLOCK_SAVE_MS);
  saver.unref();
  return {
    ...running,
    startMs,
    speed: o.speed,
    dataDir,
    resumed: saved !== undefined,
    meterTopic,
    siteName: config.site.name,
    ...(ecu ? { ecuUrl: ecu.url, ecuPagesUrl: `http://${ecu.host}:${ecu.http!.port}` } : {}),
    async stop() {
      clearInterval(saver);
      await meter.stop();
      if (powerLog) await closeJsonLog(powerLog);
      await running.stop();
      await ecu?.close();
      saveDemoClock(dataDir, clock.now(), site.states());
    },
  };
}

export function demoCommand(): Command {
  return new Command("demo")
    .description("run the demo: embedded MQTT broker, emulated stick, simulated 4-QS1 roof on a fast clock")
    .option(
      "--start <iso>",
      "simulated start time (default: where the last run stopped, else 10:30 today, site time; env LOCALECU_START)",
    )
    .option("--speed <x>", "simulated seconds per real second (default 60; env LOCALECU_SPEED)")
    .option("--mqtt-port <port>", "embedded broker port (default 1883; env LOCALECU_MQTT_PORT)")
    .option(
      "--mqtt-host <address>",
      "address the embedded broker listens on (default 127.0.0.1; 0.0.0.0 = every network; env LOCALECU_MQTT_HOST)",
    )
    .option(
      "--data <dir>",
      "energy totals and simulated clock (default $XDG_DATA_HOME/localecu/demo or ~/.local/share/localecu/demo; env LOCALECU_DATA)",
    )
    .option("--seed <n>", "simulation seed (default 1)")
    .option("--clouds", "seeded passing clouds instead of a clear sky")
    .option(
      "--source <stick|ecu>",
      "what the controller reads: an emulated stick (default) or an emulated vendor ECU on port 8899 (env LOCALECU_SOURCE)",
    )
    .option(
      "--web-port <port>",
      `the local page's port on 127.0.0.1 (default ${WEB_DEFAULT_PORT}; 0 = off; env LOCALECU_WEB_PORT)`,
    )
    .option(
      "--power-log <file>",
      "append one JSON line per simulated second: each inverter's true AC output, what it could give unlimited, its limit",
    )
    .action((raw: DemoOptions) =>
      guard(async () => {
        // Listening before the banner: a Ctrl-C right after it must stop cleanly, not kill mid-start.
        const stopSignal = untilStopSignal();
        const demo = await startDemo(raw);
        const url = new URL(demo.mqttUrl);
        const host = demo.broker?.host ?? url.hostname;
        const local = isLoopback(host);
        const haHost = local
          ? "127.0.0.1"
          : host === "0.0.0.0" || host === "::"
            ? "<this machine's address>"
            : host;
        process.stdout.write(
          [
            "",
            "localecu demo is running — a simulated roof of 4 QS1 inverters (16 panels, one partly shaded).",
            `  simulated time: ${new Date(demo.startMs).toISOString()} at ×${demo.speed}` +
              (demo.resumed ? " (resumed where the last run stopped; --start to choose)" : ""),
            `  data:           ${demo.dataDir}   (lifetime energy and simulated clock; --data to change)`,
            ...(demo.ecuUrl
              ? [
                  `  Source:         an emulated vendor ECU-R-Pro at ${demo.ecuUrl}, read every 300 simulated s as a`,
                  `                  real one, its command pages at ${demo.ecuPagesUrl}; no DC voltage/current,`,
                  "                  commands unverified and applied at the ECU's next round (see docs/ecu.md)",
                ]
              : []),
            `  MQTT broker:    ${demo.mqttUrl}   ` +
              (local
                ? "(embedded, listening on this machine only)"
                : "(embedded, NO PASSWORD, reachable from the network: see the warning above)"),
            "",
            "  Home Assistant: Settings → Devices & services → Add integration → MQTT,",
            `                  broker ${haHost}, port ${url.port}; the inverters appear as devices.`,
            ...(local
              ? ["                  (HA on another host or in a container: restart with --mqtt-host 0.0.0.0)"]
              : []),
            `  MQTT Explorer:  connect to ${demo.mqttUrl} and open localecu/ and homeassistant/.`,
            demo.webUrl
              ? `  Local page:     ${demo.webUrl}   (the roof map, inverters, findings and limiter, live)`
              : "  Local page:     off (--web-port; the log says why if its port was taken)",
            "",
            ...(demo.ecuUrl
              ? [
                  "  Export limit:   not started: the vendor ECU applies a command only at its next round (about 5",
                  "                  minutes), far too slow to follow the grid meter (the log says so).",
                ]
              : [
                  "  Export limit:   on, 0 W allowed. A simulated house (kettle, oven, washing machine, standby) has a grid",
                  `                  meter on ${demo.meterTopic} ({"power": W}, + = import, every 5 simulated s); the`,
                  "                  limiter lowers the inverters' limits so it shows no export as the sun rises",
                  "                  (state and reason: export_limit_state on localecu/site).",
                  `  Switch it off:  the "Export limiter" switch on the ${demo.siteName} device, or`,
                  `                  mosquitto_pub -p ${url.port} -t localecu/site/set/export_limit -m OFF   (ON: back on)`,
                ]),
            "  Try a command:  mosquitto_pub -p " +
              `${url.port} -t localecu/<inverter name>/set -m '{"max_power": 250}'`,
            ...(demo.ecuUrl
              ? [
                  "                  (through the ECU's page: the result says sent, unverified; the ECU passes it on at",
                  "                  its next round and the round after shows the capped output)",
                ]
              : [
                  "                  (with the export limiter on, it sees a limit it did not set, raises an alarm and does",
                  "                  not fight it; switch the limiter off first)",
                ]),
            "",
            "Ctrl-C stops it.",
            "",
          ].join("\n"),
        );
        await stopSignal;
        await demo.stop();
      }),
    );
}
