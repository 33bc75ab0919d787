/**
 * `localecu start --config site.yaml`: the controller on a real stick. Refuses to start on a config with
 * errors (exit 2), prints where MQTT is, and stops cleanly on Ctrl-C / SIGTERM.
 */
import { resolve } from "node:path";
import { Command } from "commander";
import { runController } from "../controller/run.ts";
import { createLogger, safeUrl } from "../log.ts";
import { checkSite } from "../site/check/index.ts";
import { loadConfig } from "../site/config/index.ts";
import { CliError, guard } from "./errors.ts";
import { untilStopSignal } from "./signals.ts";

export function startCommand(): Command {
  return new Command("start")
    .description("run the controller for the site described in site.yaml")
    .requiredOption("-c, --config <file>", "site configuration (see examples/site.yaml)")
    .option("--mqtt-port <port>", "embedded broker port when site.yaml names no broker")
    .option(
      "--mqtt-host <address>",
      "embedded broker address when site.yaml names no broker (default 127.0.0.1; env LOCALECU_MQTT_HOST)",
    )
    .option(
      "--log-format <format>",
      "pretty or json (default: pretty on a terminal; env LOCALECU_LOG_FORMAT)",
    )
    .action((o: { config: string; mqttPort?: string; mqttHost?: string; logFormat?: string }) =>
      guard(async () => {
        const config = await loadConfig(o.config);
        const errors = checkSite(config).filter((f) => f.severity === "error");
        if (errors.length > 0) {
          const lines = errors.map((f) => `  ${f.path}: ${f.message}`).join("\n");
          throw new CliError(
            `${o.config} has ${errors.length} error(s); nothing was started:\n${lines}\nRun \`localecu check ${o.config}\` for details.`,
          );
        }
        if (o.mqttPort !== undefined) {
          const port = Number(o.mqttPort);
          if (!Number.isInteger(port) || port < 0 || port > 65535)
            throw new CliError(`--mqtt-port must be a port number, got '${o.mqttPort}'`);
          config.mqtt.embedded = { host: config.mqtt.embedded?.host ?? "127.0.0.1", port };
        }
        // The variable serves the demo too; only the flag conflicts with a site that names its broker.
        const host = o.mqttHost ?? (config.mqtt.url ? undefined : process.env.LOCALECU_MQTT_HOST);
        if (host !== undefined) {
          if (config.mqtt.url) {
            throw new CliError(
              `--mqtt-host / LOCALECU_MQTT_HOST sets the embedded broker's address, but ${o.config} names a broker (mqtt.url): remove one of them`,
            );
          }
          if (host.trim() === "" || /[\s/]/.test(host))
            throw new CliError(
              `--mqtt-host must be an address of this machine (127.0.0.1, 0.0.0.0), got '${host}'`,
            );
          config.mqtt.embedded = { port: config.mqtt.embedded?.port ?? 1883, host: host.trim() };
        }
        const format =
          o.logFormat ?? process.env.LOCALECU_LOG_FORMAT ?? (process.stdout.isTTY ? "pretty" : "json");
        if (format !== "pretty" && format !== "json")
          throw new CliError(`--log-format / LOCALECU_LOG_FORMAT must be pretty or json, got '${format}'`);
        const pretty = format === "pretty";
        const logger = createLogger({ pretty });
        // Listening before "running" is printed: a signal right after it must stop cleanly.
        const stopSignal = untilStopSignal();
        const running = await runController({ config, logger, instance: `site ${resolve(o.config)}` });
        logger.info(
          { mqtt: safeUrl(running.mqttUrl), inverters: config.inverters.length },
          "localecu is running",
        );
        await stopSignal;
        logger.info("stopping");
        await running.stop();
      }),
    );
}
