/**
 * `localecu emulate`: an emulated APS-firmware stick on TCP, with simulated inverters behind it, for the
 * driver, the demo and anyone without hardware. The first stdout line is the URL actually bound (so a
 * script can start it on port 0 and read where to connect); everything else goes to stderr.
 */
import type { WriteStream } from "node:fs";
import { Command } from "commander";
import { isSerial } from "../protocol/ids.ts";
import { SimClock } from "../sim/clock.ts";
import { DEMO_LOCATION } from "../sim/demo-site.ts";
import { DEFAULT_EMULATED_ECU_ID } from "../sim/ecu/core.ts";
import { EmulatorAir } from "../sim/emulator/air.ts";
import { keepBonds } from "../sim/emulator/bonds-file.ts";
import { type EmulatorServer, serveEmulator } from "../sim/emulator/server.ts";
import { emulatorSite, truthLine } from "../sim/emulator/site.ts";
import { DEFAULT_ECU_ID } from "../sim/emulator/stick.ts";
import type { LineFaultOptions } from "../sim/line-faults.ts";
import { PowerSampler, powerLogLine } from "../sim/power-sampler.ts";
import { daylightTest } from "../site/sun.ts";
import { type EcuEmulateConfig, ecuConfig, ecuListen, runEcu } from "./emulate-ecu.ts";
import { type GridPlant, parseGridOption, plantGrid } from "./emulate-grid.ts";
import { CliError, guard } from "./errors.ts";
import { closeJsonLog, openJsonLog } from "./json-log.ts";
import { untilStopSignal } from "./signals.ts";

export interface RawOptions {
  listen?: string;
  /** Serve a vendor ECU on port 8899 instead of a stick (emulate-ecu.ts). */
  ecu?: boolean;
  host?: string;
  port?: string;
  cycle?: string;
  timeZone?: string;
  /** With --ecu: serve the ECU's command pages on this port (ECU-R-Pro / ECU-C), and how. */
  httpPort?: string;
  pages?: string;
  inverters?: string;
  seed: string;
  speed: string;
  start?: string;
  truth?: string;
  powerLog?: string;
  ecuId?: string;
  faults?: string;
  bonds?: string;
  grid?: string[];
}

export interface EmulateConfig {
  host: string;
  port: number;
  serials: string[] | undefined;
  seed: number;
  speed: number;
  startMs: number;
  /** Set when the default start moved to daylight: why, for the startup line. */
  startNote?: string;
  truthFile: string | undefined;
  /** JSON lines, one per simulated second: every inverter's true and unlimited AC output. */
  powerLogFile?: string;
  ecuId: string;
  lineFaults?: LineFaultOptions;
  /** Where the inverters keep their pairing across restarts of the emulator. */
  bondsFile?: string;
  /** Grid-protection settings planted on single inverters (a deviation to find). */
  grid?: GridPlant[];
}

const FAULT_KEYS: Record<string, keyof LineFaultOptions> = {
  garbage: "garbage",
  f8: "strayF8",
  split: "split",
  drop: "drop",
  disconnect: "disconnect",
};

/** `garbage=0.05,f8=0.1,split=0.3,drop=0.02,disconnect=0.001` → per-frame probabilities. */
export function parseFaults(text: string, seed: number): LineFaultOptions {
  const out: LineFaultOptions = { seed };
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [k, v] = part.split("=");
    const key = FAULT_KEYS[k ?? ""];
    const p = Number(v);
    if (!key) {
      throw new CliError(
        `--faults: unknown fault '${k}' — use ${Object.keys(FAULT_KEYS).join(", ")} (e.g. f8=0.1,drop=0.02)`,
      );
    }
    if (v === undefined || !(p >= 0 && p <= 1)) {
      throw new CliError(`--faults: ${k} needs a probability per frame between 0 and 1, got '${v ?? ""}'`);
    }
    (out as Record<string, number>)[key] = p;
  }
  return out;
}

export function emulateCommand(): Command {
  return new Command("emulate")
    .description(
      "run an emulated APS ZNP stick with simulated inverters on TCP (like a stick behind ser2net); with --ecu, a vendor ECU on port 8899 instead",
    )
    .option("--listen <url>", "where to listen, tcp://HOST:PORT (port 0 picks a free one)")
    .option("--inverters <serials>", "comma-separated inverter serials (default: the demo site's four QS1)")
    .option("--seed <n>", "seed for weather, short addresses and radio noise", "1")
    .option("--speed <x>", "simulated seconds per real second", "1")
    .option(
      "--start <iso-time>",
      "simulated time at start (default: now, or today's solar noon when the sun is down at the simulated site)",
    )
    .option("--truth <file>", "append one JSON line per telemetry reply with the exact values encoded")
    .option(
      "--power-log <file>",
      "append one JSON line per simulated second: each inverter's true AC output, what it could give unlimited, its limit",
    )
    .option(
      "--ecu-id <id>",
      `ECU id: in the stick's factory NV, 12 hex digits (default ${DEFAULT_ECU_ID}; the host's bring-up overrides it); with --ecu, the vendor ECU's 12-digit id, whose prefix picks the model (default ${DEFAULT_EMULATED_ECU_ID}, an ECU-R)`,
    )
    .option(
      "--faults <list>",
      "line faults per frame, e.g. garbage=0.05,f8=0.1,split=0.3,drop=0.02,disconnect=0.001",
    )
    .option(
      "--bonds <file>",
      "keep the inverters' pairing in this file, as real inverters keep it in flash: a restarted emulator (a stick unplugged and plugged back) still reaches them",
    )
    .option(
      "--grid <serial:settings>",
      "grid-protection settings one inverter holds instead of EN50549-1: a profile (serial:vde-ar-n-4105) or codes (serial:AC=183,AE=49.8); repeatable",
      (v: string, all: string[] = []) => [...all, v],
    )
    .option(
      "--ecu",
      "serve a vendor ECU (ECU-R, ECU-R-Pro, ECU-B or ECU-C) on its LAN port instead of a stick",
    )
    .option("--host <host>", "with --ecu: address to listen on (default 127.0.0.1)")
    .option("--port <n>", "with --ecu: port to listen on (default 8899; 0 picks a free one)")
    .option("--cycle <s>", "with --ecu: seconds between the ECU's rounds with its inverters (default 300)")
    .option(
      "--time-zone <zone>",
      "with --ecu: the ECU's local zone (default Europe/Amsterdam, the simulated site's)",
    )
    .option(
      "--http-port <n>",
      "with --ecu: also serve the ECU's command pages (on/off, max power) on this port, as an ECU-R-Pro or ECU-C does on port 80 (0 picks a free one; its URL is the second stdout line); off by default",
    )
    .option(
      "--pages <mode>",
      "with --http-port: served (default), removed (404, as the 2026 firmwares) or html (a 'not supported' page)",
    )
    .action((raw: RawOptions) =>
      guard(() => (raw.ecu ? runEcu(parseEmulateEcuOptions(raw)) : run(parseEmulateOptions(raw)))),
    );
}

/** `--ecu`: the options shared with the stick checked as for the stick, then the ECU's own. */
export function parseEmulateEcuOptions(raw: RawOptions, nowMs = Date.now()): EcuEmulateConfig {
  const { host, port } = ecuListen(raw);
  const {
    ecu: _e,
    host: _h,
    port: _p,
    cycle: _c,
    timeZone: _z,
    ecuId: _i,
    httpPort: _hp,
    pages: _pg,
    ...shared
  } = raw;
  const common = parseEmulateOptions(
    { ...shared, listen: `tcp://${host.includes(":") ? `[${host}]` : host}:${port}` },
    nowMs,
  );
  return ecuConfig(raw, common);
}

/** Validates the options; every problem is one CliError line (exit 2). */
export function parseEmulateOptions(raw: RawOptions, nowMs = Date.now()): EmulateConfig {
  const ecuOnly = (["host", "port", "cycle", "timeZone", "httpPort", "pages"] as const).find(
    (k) => raw[k] !== undefined,
  );
  if (ecuOnly !== undefined) {
    const flag = { timeZone: "time-zone", httpPort: "http-port" }[ecuOnly as string] ?? ecuOnly;
    throw new CliError(`--${flag} is for --ecu; the stick listens at --listen tcp://HOST:PORT`);
  }
  const ecuId = raw.ecuId ?? DEFAULT_ECU_ID;
  if (!raw.listen) throw new CliError("--listen is required, e.g. --listen tcp://127.0.0.1:0");
  const m = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})$/.exec(raw.listen);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port > 65_535) {
    throw new CliError(`--listen '${raw.listen}' is not tcp://HOST:PORT with a port 0–65535`);
  }
  const serials = raw.inverters?.split(",").map((s) => s.trim());
  const bad = serials?.find((s) => !isSerial(s));
  if (bad !== undefined) throw new CliError(`--inverters: '${bad}' is not a 12-digit inverter serial`);
  const seed = Number(raw.seed);
  if (!Number.isSafeInteger(seed)) throw new CliError(`--seed must be an integer, got '${raw.seed}'`);
  const speed = Number(raw.speed);
  if (!(Number.isFinite(speed) && speed > 0)) {
    throw new CliError(`--speed must be a positive number (1 = real time), got '${raw.speed}'`);
  }
  const start = raw.start === undefined ? defaultStart(nowMs) : { startMs: Date.parse(raw.start) };
  const { startMs } = start;
  if (!Number.isFinite(startMs)) {
    throw new CliError(`--start must be an ISO time such as 2024-06-21T10:00:00Z, got '${raw.start}'`);
  }
  if (raw.powerLog !== undefined && (raw.powerLog.trim() === "" || raw.powerLog === "-")) {
    throw new CliError(
      `--power-log needs a file name (stdout carries the stick's URL), got '${raw.powerLog}' — e.g. --power-log power.jsonl`,
    );
  }
  if (!/^[0-9a-fA-F]{12}$/.test(ecuId)) {
    throw new CliError(`--ecu-id must be 12 hex digits (e.g. ${DEFAULT_ECU_ID}), got '${ecuId}'`);
  }
  return {
    host: m[1]!.replace(/^\[|\]$/g, ""),
    port,
    serials,
    seed,
    speed,
    startMs,
    ...(start.note ? { startNote: start.note } : {}),
    truthFile: raw.truth,
    ...(raw.powerLog === undefined ? {} : { powerLogFile: raw.powerLog }),
    ecuId: ecuId.toUpperCase(),
    lineFaults: raw.faults === undefined ? undefined : parseFaults(raw.faults, seed),
    ...(raw.bonds === undefined ? {} : { bondsFile: raw.bonds }),
    ...(raw.grid === undefined ? {} : { grid: raw.grid.map(parseGridOption) }),
  };
}

/**
 * Inverters are silent without sun, so an emulator started after dark would answer nothing (no pairing, no
 * telemetry) — a confusing first test. Outside daylight at the simulated site (the demo house near
 * Amsterdam) the default is the same UTC day's solar noon there: 12:00 − longitude / 15° per hour.
 */
export function defaultStart(nowMs: number): { startMs: number; note?: string } {
  if (daylightTest(DEMO_LOCATION.latitudeDeg, DEMO_LOCATION.longitudeDeg)(nowMs)) return { startMs: nowMs };
  const day = new Date(nowMs);
  const noonMs =
    Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 12) -
    Math.round((DEMO_LOCATION.longitudeDeg / 15) * 3_600_000);
  return {
    startMs: noonMs,
    note: "the sun is down at the simulated site now, so it starts at solar noon (choose with --start)",
  };
}

async function run(cfg: EmulateConfig): Promise<void> {
  let site: ReturnType<typeof emulatorSite>;
  try {
    site = emulatorSite(cfg.serials, cfg.seed);
  } catch (e) {
    throw new CliError(`--inverters: ${(e as Error).message}`);
  }
  if (cfg.grid) plantGrid(site, cfg.grid);
  const air = new EmulatorAir(site.inverters, cfg.seed);
  if (cfg.bondsFile) {
    try {
      keepBonds(cfg.bondsFile, air);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  // Listen for Ctrl-C / SIGTERM before anything is printed: a script may stop us the moment the URL appears.
  const stopped = untilStopSignal();
  const clock = new SimClock({ startMs: cfg.startMs, speed: cfg.speed });
  const warn = (msg: string) => process.stderr.write(`emulate: ${msg}\n`);
  const truth = cfg.truthFile ? await openJsonLog("--truth", cfg.truthFile, warn) : undefined;
  let powerLog: WriteStream | undefined;
  try {
    powerLog = cfg.powerLogFile ? await openJsonLog("--power-log", cfg.powerLogFile, warn) : undefined;
  } catch (e) {
    truth?.end();
    throw e;
  }
  const sampler = powerLog ? new PowerSampler(site.inverters, 1000, cfg.startMs) : undefined;
  sampler?.onSample((s) => powerLog!.write(`${JSON.stringify(powerLogLine(s))}\n`));
  // Every time the stick is about to use passes the sampler first: the physics cannot go back for it.
  const now = () => {
    const t = clock.now();
    sampler?.sampleUntil(t);
    return t;
  };
  // And while the radio is quiet, a timer keeps the log flowing (at least every 200 ms of real time).
  const ticker = sampler ? setInterval(now, Math.max(20, Math.min(200, 1000 / cfg.speed))) : undefined;
  let server: EmulatorServer;
  try {
    server = await serveEmulator({
      host: cfg.host,
      port: cfg.port,
      air,
      seed: cfg.seed,
      ecuId: cfg.ecuId,
      lineFaults: cfg.lineFaults,
      now,
      onTelemetry: truth ? (e) => truth.write(`${JSON.stringify(truthLine(e))}\n`) : undefined,
      log: warn,
    });
  } catch (e) {
    clearInterval(ticker);
    truth?.end();
    powerLog?.end();
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "EADDRINUSE" ? "the port is in use (use another, or port 0)" : err.message;
    throw new CliError(`cannot listen on tcp://${cfg.host}:${cfg.port}: ${why}`);
  }
  process.stdout.write(`${server.url}\n`);
  process.stderr.write(
    `emulate: stick on ${server.url}, inverters ${site.serials().join(", ")}, ` +
      `simulated time ${new Date(cfg.startMs).toISOString()} ×${cfg.speed}` +
      `${cfg.startNote ? ` (${cfg.startNote})` : ""}; Ctrl-C stops\n`,
  );
  for (const g of cfg.grid ?? []) {
    const list = Object.entries(g.settings).map(([c, v]) => `${c}=${v}`);
    process.stderr.write(`emulate: ${g.serial} holds grid settings ${list.join(",")}\n`);
  }
  const signal = await stopped;
  process.stderr.write(`emulate: ${signal}, shutting down\n`);
  await server.close();
  clearInterval(ticker);
  now();
  for (const log of [truth, powerLog]) if (log) await closeJsonLog(log);
}
