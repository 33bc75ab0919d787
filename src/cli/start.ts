/**
 * `localecu start --config site.yaml`: the controller on a real stick. Refuses to start on a config with
 * errors (exit 2), prints where MQTT is, and stops cleanly on Ctrl-C / SIGTERM.
 */
import { Command } from "commander";
import { runController } from "../controller/run.ts";
import { createLogger, safeUrl } from "../log.ts";
import { checkSite } from "../site/check.ts";
import { loadConfig } from "../site/config.ts";
import { CliError, guard } from "./errors.ts";

export function startCommand(): Command {
  return new Command("start")
    .description("run the controller for the site described in site.yaml")
    .requiredOption("-c, --config <file>", "site configuration (see examples/site.yaml)")
    .option("--mqtt-port <port>", "embedded broker port when site.yaml names no broker")
    .option("--log-format <format>", "pretty or json (default: pretty on a terminal)")
    .action((o: { config: string; mqttPort?: string; logFormat?: string }) =>
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
        const pretty = (o.logFormat ?? (process.stdout.isTTY ? "pretty" : "json")) === "pretty";
        const logger = createLogger({ pretty });
        const running = await runController({ config, logger });
        logger.info(
          { mqtt: safeUrl(running.mqttUrl), inverters: config.inverters.length },
          "localecu is running",
        );
        await new Promise<void>((resolve) => {
          process.once("SIGINT", () => resolve());
          process.once("SIGTERM", () => resolve());
        });
        logger.info("stopping");
        await running.stop();
      }),
    );
}
