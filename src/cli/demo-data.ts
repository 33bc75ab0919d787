/**
 * Where the demo keeps its data, and its simulated clock. The energy store lives in a known folder so a
 * restart continues the lifetime totals (Home Assistant must never see a meter reset); the clock is saved
 * beside it so a restart resumes the simulated day instead of counting the morning again.
 */
import {
  accessSync,
  constants,
  existsSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { InverterSimState } from "../sim/inverter.ts";
import { CliError } from "./errors.ts";

export const CLOCK_FILE = "demo-clock.json";

/** $XDG_DATA_HOME/localecu/demo, else ~/.local/share/localecu/demo (the XDG base directory default). */
export function defaultDemoDataDir(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  const xdg = env.XDG_DATA_HOME;
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const base = xdg?.startsWith("/") ? xdg : join(home, ".local", "share");
  return join(base, "localecu", "demo");
}

/**
 * Checks, without creating anything, that `dir` is (or can become) a writable folder: a start must not
 * get halfway and then fail on the data folder.
 */
export function checkDataDir(dir: string): void {
  let d = resolve(dir);
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  let why: string | undefined;
  try {
    if (!statSync(d).isDirectory()) why = `${d} is a file, not a folder`;
    else accessSync(d, constants.W_OK | constants.X_OK);
  } catch (e) {
    why =
      (e as NodeJS.ErrnoException).code === "EACCES"
        ? `no permission to write in ${d}`
        : (e as Error).message;
  }
  if (why) {
    throw new CliError(
      `the demo's data folder ${resolve(dir)} cannot be used (${why}) — choose another with --data or LOCALECU_DATA`,
    );
  }
}

/** Where the last run left the simulated world: its time and each inverter's counters and limit. */
export interface DemoClock {
  ms: number;
  inverters: Record<string, InverterSimState>;
}

/** The simulated time the last run reached and its inverters' states, or undefined on a first run. */
export function readDemoClock(dataDir: string): DemoClock | undefined {
  const file = join(dataDir, CLOCK_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(`cannot read ${file}: ${(e as Error).message} — fix its permissions or pass --start`);
  }
  let body: { simulated_time?: unknown; inverters?: unknown } = {};
  try {
    body = JSON.parse(text) ?? {};
  } catch {
    // reported below
  }
  const ms = Date.parse(String(body.simulated_time));
  if (!Number.isFinite(ms)) {
    throw new CliError(
      `${file} does not hold a simulated_time — delete it (the demo then starts at 10:30 today) or pass --start`,
    );
  }
  // Files from before the inverters were saved hold none: those inverters warm-start, as on a first run.
  const inverters = body.inverters ?? {};
  if (typeof inverters !== "object" || Array.isArray(inverters)) {
    throw new CliError(`${file}: 'inverters' is not an object — delete the file or pass --start`);
  }
  for (const [serial, st] of Object.entries(inverters)) {
    if (!isSimState(st)) {
      throw new CliError(
        `${file}: the saved state of inverter ${serial} is not readable — delete the file (the demo then starts at 10:30 today) or pass --start`,
      );
    }
  }
  return { ms, inverters: inverters as Record<string, InverterSimState> };
}

function isSimState(v: unknown): v is InverterSimState {
  const s = v as Partial<InverterSimState> | null;
  const num = (x: unknown) => typeof x === "number" && Number.isFinite(x);
  return (
    typeof s === "object" &&
    s !== null &&
    num(s.atMs) &&
    (s.poweredUpAtMs === undefined || num(s.poweredUpAtMs)) &&
    Array.isArray(s.energyWh) &&
    s.energyWh.every((e) => num(e) && e >= 0) &&
    num(s.limitW) &&
    typeof s.on === "boolean"
  );
}

/**
 * Replaces the clock file in one rename, so a kill at any moment leaves the old or the new one whole.
 * The inverters' states go with the time they belong to.
 */
export function saveDemoClock(
  dataDir: string,
  simulatedMs: number,
  inverters: Record<string, InverterSimState> = {},
): void {
  const file = join(dataDir, CLOCK_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  const body = {
    simulated_time: new Date(simulatedMs).toISOString(),
    saved_at: new Date().toISOString(),
    inverters,
  };
  try {
    writeFileSync(tmp, `${JSON.stringify(body)}\n`);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** The outermost folder of `dir` that does not exist yet (what to remove if a start fails), if any. */
export function firstMissingDir(dir: string): string | undefined {
  let d = resolve(dir);
  let missing: string | undefined;
  while (!existsSync(d)) {
    missing = d;
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return missing;
}
