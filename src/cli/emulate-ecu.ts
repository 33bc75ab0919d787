/**
 * `localecu emulate --ecu`: a vendor ECU on its LAN port (8899 by default) in front of the same
 * simulated inverters as the stick emulator, for owners who want to try localecu's ECU source, and
 * for the demo and tests. As with the stick, the first stdout line is the URL actually bound;
 * everything else goes to stderr; Ctrl-C stops it.
 */

import { SimClock } from "../sim/clock.ts";
import { DEFAULT_EMULATED_ECU_ID } from "../sim/ecu/core.ts";
import type { EcuPagesMode } from "../sim/ecu/pages.ts";
import { ecuProfile } from "../sim/ecu/profile.ts";
import { type EcuEmulator, startEcuEmulator } from "../sim/ecu/server.ts";
import { emulatorSite } from "../sim/emulator/site.ts";
import { checkTimeZone } from "../zone.ts";
import type { EmulateConfig, RawOptions } from "./emulate.ts";
import { CliError } from "./errors.ts";
import { untilStopSignal } from "./signals.ts";

export interface EcuEmulateConfig {
  host: string;
  port: number;
  serials: string[] | undefined;
  seed: number;
  speed: number;
  startMs: number;
  startNote?: string;
  ecuId: string;
  cycleS: number;
  timeZone: string;
  /** The command pages (ECU-R-Pro / ECU-C only), when asked for. */
  http?: { port: number; pages: EcuPagesMode };
}

const PAGES_MODES: readonly EcuPagesMode[] = ["served", "removed", "html"];

/** --http-port and --pages: only on the models that have a web UI (ecu-lan-protocol.md §1). */
function pagesOption(raw: RawOptions, ecuId: string): EcuEmulateConfig["http"] {
  if (raw.httpPort === undefined) {
    if (raw.pages !== undefined) throw new CliError("--pages needs --http-port (where to serve the pages)");
    return undefined;
  }
  const port = Number(raw.httpPort);
  if (!/^\d{1,5}$/.test(raw.httpPort) || port > 65_535) {
    throw new CliError(`--http-port must be 0–65535 (0 picks a free one), got '${raw.httpPort}'`);
  }
  const model = ecuProfile(ecuId).model;
  if (model !== "ECU-R-Pro" && model !== "ECU-C") {
    throw new CliError(
      `--http-port: the ${model} (${ecuId}) has no web UI, so no command pages; give --ecu-id of an ECU-R-Pro (2162…) or ECU-C (215…)`,
    );
  }
  const pages = (raw.pages ?? "served") as EcuPagesMode;
  if (!PAGES_MODES.includes(pages)) {
    throw new CliError(`--pages must be ${PAGES_MODES.join(", ")}, got '${raw.pages}'`);
  }
  return { port, pages };
}

/** Where to listen: --listen tcp://HOST:PORT, or --host (127.0.0.1) and --port (8899). */
export function ecuListen(raw: RawOptions): { host: string; port: number } {
  if (raw.listen !== undefined) {
    if (raw.host !== undefined || raw.port !== undefined) {
      throw new CliError("give either --listen tcp://HOST:PORT or --host/--port, not both");
    }
    const m = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})$/.exec(raw.listen);
    if (!m || Number(m[2]) > 65_535) {
      throw new CliError(`--listen '${raw.listen}' is not tcp://HOST:PORT with a port 0–65535`);
    }
    return { host: m[1]!.replace(/^\[|\]$/g, ""), port: Number(m[2]) };
  }
  const port = Number(raw.port ?? "8899");
  if (!/^\d{1,5}$/.test(raw.port ?? "8899") || port > 65_535) {
    throw new CliError(`--port must be 0–65535 (0 picks a free one), got '${raw.port}'`);
  }
  const host = raw.host ?? "127.0.0.1";
  if (host.trim() === "") throw new CliError("--host needs an address, e.g. 127.0.0.1 or 0.0.0.0");
  return { host, port };
}

/** The ECU's own options on top of the ones shared with the stick (already checked). */
export function ecuConfig(raw: RawOptions, common: EmulateConfig): EcuEmulateConfig {
  const stickOnly = (
    [
      ["truth", "--truth"],
      ["powerLog", "--power-log"],
      ["faults", "--faults"],
      ["bonds", "--bonds"],
    ] as const
  ).find(([k]) => raw[k] !== undefined);
  if (stickOnly) {
    throw new CliError(
      `${stickOnly[1]} is for the stick emulator; the ECU's faults are played through its controls (tests, demo)`,
    );
  }
  const ecuId = raw.ecuId ?? DEFAULT_EMULATED_ECU_ID;
  try {
    ecuProfile(ecuId);
  } catch (e) {
    throw new CliError(`--ecu-id: ${(e as Error).message}`);
  }
  const cycleS = Number(raw.cycle ?? "300");
  if (!(Number.isFinite(cycleS) && cycleS > 0)) {
    throw new CliError(
      `--cycle must be a positive number of seconds (real ECUs: about 300), got '${raw.cycle}'`,
    );
  }
  const timeZone = raw.timeZone ?? "Europe/Amsterdam";
  try {
    checkTimeZone(timeZone);
  } catch (e) {
    throw new CliError(`--time-zone: ${(e as Error).message}`);
  }
  const http = pagesOption(raw, ecuId);
  return {
    host: common.host,
    port: common.port,
    serials: common.serials,
    seed: common.seed,
    speed: common.speed,
    startMs: common.startMs,
    ...(common.startNote ? { startNote: common.startNote } : {}),
    ecuId,
    cycleS,
    timeZone,
    ...(http ? { http } : {}),
  };
}

export async function runEcu(cfg: EcuEmulateConfig): Promise<void> {
  let site: ReturnType<typeof emulatorSite>;
  try {
    site = emulatorSite(cfg.serials, cfg.seed);
  } catch (e) {
    throw new CliError(`--inverters: ${(e as Error).message}`);
  }
  // Listen for Ctrl-C / SIGTERM before anything is printed: a script may stop us the moment the URL appears.
  const stopped = untilStopSignal();
  const clock = new SimClock({ startMs: cfg.startMs, speed: cfg.speed });
  let emu: EcuEmulator;
  try {
    emu = await startEcuEmulator({
      site,
      now: () => clock.now(),
      host: cfg.host,
      port: cfg.port,
      ecuId: cfg.ecuId,
      cycleS: cfg.cycleS,
      timeZone: cfg.timeZone,
      ...(cfg.http ? { http: cfg.http } : {}),
      log: (line) => process.stderr.write(`emulate: ${line}\n`),
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === "EADDRINUSE"
        ? "the port is in use (use another, or --port 0)"
        : err.code === "EACCES"
          ? "not allowed (ports below 1024 need privileges)"
          : err.message;
    throw new CliError(`cannot listen on ${cfg.host}:${cfg.port}: ${why}`);
  }
  const pagesUrl =
    emu.http && `http://${cfg.host.includes(":") ? `[${cfg.host}]` : cfg.host}:${emu.http.port}`;
  process.stdout.write(`${emu.url}\n${pagesUrl ? `${pagesUrl}\n` : ""}`);
  process.stderr.write(
    `emulate: ${emu.core.profile.model} ${cfg.ecuId} (${emu.core.profile.firmware}) on ${emu.url}, ` +
      `inverters ${site.serials().join(", ")}, a round every ${cfg.cycleS} s, ` +
      `simulated time ${new Date(cfg.startMs).toISOString()} ×${cfg.speed} (${cfg.timeZone})` +
      `${cfg.startNote ? ` (${cfg.startNote})` : ""}` +
      `${pagesUrl ? `; command pages (${emu.http!.mode}) on ${pagesUrl}, site.yaml ecu.http_port: ${emu.http!.port}` : ""}; Ctrl-C stops\n`,
  );
  const signal = await stopped;
  process.stderr.write(`emulate: ${signal}, shutting down\n`);
  await emu.close();
}
