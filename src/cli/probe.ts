/**
 * `localecu probe --port URL --inverter SERIAL [--inverter SERIAL…] [--model NAME] [--ecu-id HEX]`: the installer's
 * first test of a stick. Brings the coordinator up, pairs each inverter (or uses `SERIAL=0xSHORT` when
 * the short address is known), polls each once and prints one JSON line per inverter on stdout —
 * `serial`, `short_address`, `link_quality` and the reading in `localecu decode`'s shape. Progress and
 * advice go to stderr.
 *
 * Exit codes: 0 every inverter answered; 1 some did not (their lines carry `error`); 2 bad arguments,
 * the port cannot be opened, or the stick does not answer.
 */
import { hostname } from "node:os";
import { Command } from "commander";
import { isSerial } from "../protocol/ids.ts";
import { MODELS, type ModelInfo, modelByName, modelForSerial } from "../protocol/models.ts";
import { formatEcuId, resolveEcuId } from "../radio/ecu-id.ts";
import { RadioError } from "../radio/errors.ts";
import { errorMessage } from "../radio/log.ts";
import type { PollOutcome } from "../radio/scheduler.ts";
import { Stick, type StickOptions } from "../radio/stick.ts";
import type { Transport } from "../radio/transport/index.ts";
import { parseTransportUrl } from "../radio/transport/url.ts";
import { CliError, guard } from "./errors.ts";
import { formatReply, hex4 } from "./format.ts";

interface RawOptions {
  port?: string;
  inverter: string[];
  model?: string;
  ecuId?: string;
  timeout: string;
  pairStep: string;
  pairTimeout: string;
}

export interface ProbeTarget {
  serial: string;
  /** Known short address: skip pairing. */
  shortAddress?: number;
  /** --model: for a serial whose prefix is not a known model (site.yaml's `model`). */
  model?: ModelInfo;
}

export interface ProbeConfig {
  port: string;
  targets: ProbeTarget[];
  ecuId?: string;
  timeoutMs: number;
  pairStepMs: number;
  pairTimeoutMs: number;
}

export interface ProbeIo {
  out(line: string): void;
  err(line: string): void;
}

export function probeCommand(): Command {
  return new Command("probe")
    .description("bring up the stick, pair each inverter, poll it once and print one JSON line per inverter")
    .option("--port <url>", "the stick: /dev/ttyUSB0, COM3 or tcp://host:port")
    .option(
      "--inverter <serial>",
      "12-digit serial, repeatable; SERIAL=0xSHORT skips pairing",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option(
      "--model <name>",
      `read the inverters as this model when their serial prefix is unknown (${MODELS.map((m) => m.model).join(", ")})`,
    )
    .option(
      "--ecu-id <hex>",
      "12-hex-digit ECU id the inverters are paired to (default: derived from the hostname)",
    )
    .option("--timeout <seconds>", "how long the stick may take to answer", "10")
    .option("--pair-step <ms>", "gap between the four pairing broadcasts", "1500")
    .option("--pair-timeout <seconds>", "wait for an inverter's pairing answer", "10")
    .action((raw: RawOptions) =>
      guard(async () => {
        const io: ProbeIo = {
          out: (l) => process.stdout.write(`${l}\n`),
          err: (l) => process.stderr.write(`${l}\n`),
        };
        process.exitCode = await runProbe(parseProbeOptions(raw), io);
      }),
    );
}

export function parseProbeOptions(raw: RawOptions): ProbeConfig {
  if (!raw.port) throw new CliError("--port is required, e.g. --port /dev/ttyUSB0 or --port tcp://host:6638");
  try {
    parseTransportUrl(raw.port);
  } catch (e) {
    throw new CliError(`--port: ${errorMessage(e)}`);
  }
  if (raw.inverter.length === 0)
    throw new CliError("give at least one --inverter SERIAL (the 12 digits on its label)");
  let model: ModelInfo | undefined;
  if (raw.model !== undefined) {
    model = modelByName(raw.model);
    if (!model) {
      throw new CliError(
        `--model: '${raw.model}' is not a model; use one of ${MODELS.map((m) => m.model).join(", ")}`,
      );
    }
  }
  const targets = raw.inverter.map((t) => parseTarget(t, model));
  if (raw.ecuId !== undefined && !/^[0-9a-fA-F]{12}$/.test(raw.ecuId)) {
    throw new CliError(`--ecu-id must be 12 hex digits (e.g. D8A3011B9780), got '${raw.ecuId}'`);
  }
  const cfg: ProbeConfig = {
    port: raw.port,
    targets,
    timeoutMs: seconds("--timeout", raw.timeout),
    pairStepMs: positive("--pair-step", raw.pairStep),
    pairTimeoutMs: seconds("--pair-timeout", raw.pairTimeout),
  };
  if (raw.ecuId !== undefined) cfg.ecuId = raw.ecuId.toUpperCase();
  return cfg;
}

function parseTarget(text: string, model: ModelInfo | undefined): ProbeTarget {
  const [serial = "", short] = text.split("=");
  if (!isSerial(serial)) throw new CliError(`--inverter: '${serial}' is not a 12-digit inverter serial`);
  if (!model && !modelForSerial(serial)) {
    throw new CliError(
      `--inverter ${serial}: prefix ${serial.slice(0, 3)} is not a known APsystems model; say which it is with --model (${MODELS.map((m) => m.model).join(", ")})`,
    );
  }
  const base: ProbeTarget = model ? { serial, model } : { serial };
  if (short === undefined) return base;
  const v = /^0x[0-9a-f]{1,4}$/i.test(short) ? Number.parseInt(short.slice(2), 16) : Number.NaN;
  if (!(v > 0 && v < 0xfff8)) {
    throw new CliError(`--inverter ${serial}=${short}: the short address must be hex 0x0001–0xFFF7`);
  }
  return { ...base, shortAddress: v };
}

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!(Number.isFinite(n) && n > 0)) throw new CliError(`${name} must be a positive number, got '${v}'`);
  return n;
}

function seconds(name: string, v: string): number {
  return Math.round(positive(name, v) * 1000);
}

/** Runs the probe; returns the exit code. `transport` replaces the port (tests, the emulator in-process). */
export async function runProbe(cfg: ProbeConfig, io: ProbeIo, transport?: Transport): Promise<number> {
  const ecuId = resolveEcuId({ ecuId: cfg.ecuId });
  if (cfg.ecuId === undefined) {
    io.err(
      `probe: using ECU id ${formatEcuId(ecuId)}, derived from hostname '${hostname()}'; ` +
        "inverters pair to it, so pass the same --ecu-id (and store it in site.yaml) from now on",
    );
  }
  const opts: StickOptions = {
    port: transport ?? cfg.port,
    ecuId,
    polling: false,
    srspTimeoutMs: Math.min(3000, cfg.timeoutMs),
    transport: { tcp: { connectTimeoutMs: cfg.timeoutMs } },
    coordinator: { resetTimeoutMs: cfg.timeoutMs, startTimeoutMs: cfg.timeoutMs, healthIntervalMs: 0 },
    pairing: { stepMs: cfg.pairStepMs, replyTimeoutMs: cfg.pairTimeoutMs, rounds: 1 },
  };
  const stick = new Stick(opts);
  try {
    try {
      const info = await stick.start();
      io.err(`probe: stick ready on ${stick.transport.url} (coordinator ${info.ieee})`);
    } catch (e) {
      const what = e instanceof RadioError && e.code === "unreachable" ? "cannot open" : "no answer from";
      throw new CliError(`${what} the stick on ${cfg.port}: ${errorMessage(e)}`, 2);
    }
    let failed = 0;
    for (const t of cfg.targets) {
      const line = await probeOne(stick, t, io);
      if ("error" in line) failed++;
      io.out(JSON.stringify(line));
    }
    return failed === 0 ? 0 : 1;
  } finally {
    await stick.stop();
  }
}

async function probeOne(stick: Stick, t: ProbeTarget, io: ProbeIo): Promise<Record<string, unknown>> {
  let short = t.shortAddress;
  try {
    if (short === undefined) {
      const paired = await stick.pair(t.serial, { onProgress: (p) => io.err(`probe: ${p.message}`) });
      short = paired.shortAddress;
      io.err(`probe: ${t.serial} paired at ${hex4(short)} — store this short address`);
    }
    stick.addInverter({ serial: t.serial, shortAddress: short, model: t.model });
    return lineFor(t.serial, short, await stick.poll(t.serial));
  } catch (e) {
    return {
      serial: t.serial,
      short_address: short === undefined ? null : hex4(short),
      error: errorMessage(e),
    };
  }
}

function lineFor(serial: string, short: number, o: PollOutcome): Record<string, unknown> {
  const head = { serial, short_address: hex4(short) };
  if (o.kind === "reading")
    return { ...head, link_quality: o.reading.linkQuality, ...formatReply(o.reading.reply) };
  if (o.kind === "error") return { ...head, error: o.error.message };
  if (o.kind === "no-route") {
    return {
      ...head,
      error:
        "no route (AF_DATA_CONFIRM 0xCD): the inverter is not paired to this ECU id, out of range, or the short address is wrong",
    };
  }
  return {
    ...head,
    error:
      "the poll was delivered but the inverter did not answer: is it producing (daylight on its panels)?",
  };
}
