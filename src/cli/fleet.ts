/**
 * `localecu fleet --mqtt URL [--json] [--wait-s S] [--ca F --cert F --key F --username U --password-file F]`:
 * the installer's view of every site reporting to one broker (a central mosquitto the sites bridge to, or
 * an EMQX cluster: docs/fleet.md). A live table on a terminal, one line per site update otherwise, and
 * with --json one snapshot after --wait-s seconds of collecting retained and fresh messages.
 *
 * Exit codes: 0 done (--json) or stopped with Ctrl-C; 2 bad arguments or the broker refused us.
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { firstConnect } from "../controller/mqtt.ts";
import { connectFailureHint, type MqttSettingNames } from "../controller/mqtt-failure.ts";
import { FLEET_SUBSCRIPTIONS, FleetBook } from "../fleet/sites.ts";
import { fleetLine, fleetTable } from "../fleet/table.ts";
import { safeUrl } from "../log.ts";
import { makeSecretRef, resolveSecret, SecretError } from "../site/config/secret.ts";
import { CliError, guard } from "./errors.ts";

interface FleetOptions {
  mqtt: string;
  json?: boolean;
  waitS: string;
  ca?: string;
  cert?: string;
  key?: string;
  username?: string;
  passwordFile?: string;
  passwordEnv?: string;
  protocol: string;
  clientId?: string;
}

export function fleetCommand(): Command {
  return new Command("fleet")
    .description(
      "show every localecu site reporting to one MQTT broker: power, energy today, faults, limiter",
    )
    .requiredOption(
      "--mqtt <url>",
      "the central broker: mqtt://host:1883, mqtts://host:8883, ws:// or wss://",
    )
    .option("--json", "print one JSON snapshot after --wait-s seconds and exit")
    .option("--wait-s <seconds>", "how long --json collects before printing", "3")
    .option("--ca <file>", "CA certificate (PEM) the broker's certificate is signed by")
    .option("--cert <file>", "client certificate (PEM), for brokers that want one")
    .option("--key <file>", "the client certificate's private key (PEM)")
    .option("--username <name>", "MQTT user name")
    .option("--password-file <file>", "file holding only the MQTT password")
    .option("--password-env <name>", "environment variable holding the MQTT password")
    .option("--protocol <version>", "MQTT protocol: 4 (3.1.1) or 5", "4")
    .option("--client-id <id>", "MQTT client id (default: localecu-fleet-<random>)")
    .action((o: FleetOptions) => guard(() => runFleet(o)));
}

function clientOptions(o: FleetOptions): IClientOptions {
  if (!/^(mqtts?|wss?):\/\/\S+$/.test(o.mqtt))
    throw new CliError(
      `--mqtt '${o.mqtt}' is not a broker URL — write it like mqtts://broker.example.org:8883`,
    );
  if (o.protocol !== "4" && o.protocol !== "5") throw new CliError(`--protocol ${o.protocol}: use 4 or 5`);
  if ((o.cert === undefined) !== (o.key === undefined))
    throw new CliError("--cert and --key go together: a client certificate needs its private key");
  const opts: IClientOptions = {
    clientId: o.clientId ?? `localecu-fleet-${Math.random().toString(16).slice(2, 10)}`,
    protocolVersion: o.protocol === "5" ? 5 : 4,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
  };
  if (o.username !== undefined) opts.username = o.username;
  if (o.passwordFile !== undefined || o.passwordEnv !== undefined) {
    try {
      opts.password = resolveSecret(
        makeSecretRef(o.passwordFile, o.passwordEnv),
        "--password-file/--password-env",
      );
    } catch (e) {
      throw e instanceof SecretError ? new CliError(e.message) : e;
    }
  }
  for (const [flag, file, key] of [
    ["--ca", o.ca, "ca"],
    ["--cert", o.cert, "cert"],
    ["--key", o.key, "key"],
  ] as const) {
    if (file === undefined) continue;
    try {
      opts[key] = readFileSync(file);
    } catch (e) {
      throw new CliError(
        `${flag}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`,
      );
    }
  }
  return opts;
}

function flagNames(o: FleetOptions): MqttSettingNames {
  const password = o.passwordFile
    ? `--password-file (${o.passwordFile})`
    : o.passwordEnv
      ? `--password-env (${o.passwordEnv})`
      : undefined;
  return {
    url: "--mqtt",
    username: "--username",
    ...(password ? { password } : {}),
    ...(o.ca ? { ca: { setting: "--ca", file: o.ca } } : {}),
    caSetting: "--ca",
    ...(o.cert ? { cert: { setting: "--cert", file: o.cert } } : {}),
    certAndKey: "--cert and --key",
  };
}

async function runFleet(o: FleetOptions): Promise<void> {
  const waitS = Number(o.waitS);
  if (!(waitS >= 0 && waitS <= 600))
    throw new CliError(`--wait-s ${o.waitS}: use a number of seconds from 0 to 600`);
  const client = mqtt.connect(o.mqtt, clientOptions(o));
  try {
    await firstConnect(client);
  } catch (e) {
    await client.endAsync(true);
    const why = (e as Error).message;
    throw new CliError(
      `cannot connect to the MQTT broker at ${safeUrl(o.mqtt)}: ${why} — ${connectFailureHint(e as Error, flagNames(o))}`,
    );
  }
  const book = new FleetBook();
  const changed = new Set<string>();
  client.on("message", (topic, payload) => {
    if (book.ingest(topic, payload, Date.now())) changed.add(topic);
  });
  await client.subscribeAsync([...FLEET_SUBSCRIPTIONS], { qos: 0 });
  if (o.json) {
    await new Promise((r) => setTimeout(r, waitS * 1000));
    await client.endAsync();
    process.stdout.write(`${JSON.stringify({ broker: safeUrl(o.mqtt), sites: book.sites() })}\n`);
    return;
  }
  await live(client, book, changed);
}

/** Redraws once a second: the table in place on a terminal, changed sites as lines otherwise. */
async function live(client: MqttClient, book: FleetBook, changed: Set<string>): Promise<void> {
  const tty = process.stdout.isTTY === true;
  const shown = new Map<string, string>();
  const draw = () => {
    const now = Date.now();
    if (tty) {
      process.stdout.write(`\x1b[H\x1b[2J${fleetTable(book.sites(), now)}`);
      return;
    }
    if (changed.size === 0) return;
    changed.clear();
    for (const s of book.sites()) {
      // The same values again (a new last_seen only) are not worth a line.
      const key = JSON.stringify({ ...s, last_seen: undefined });
      if (shown.get(s.base_topic) === key) continue;
      shown.set(s.base_topic, key);
      process.stdout.write(`${fleetLine(s, now)}\n`);
    }
  };
  const timer = setInterval(draw, 1000);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  clearInterval(timer);
  await client.endAsync();
}
