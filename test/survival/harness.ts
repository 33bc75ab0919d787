/**
 * The pieces every survival test starts from, all real: `localecu emulate` (a TCP stick with simulated
 * inverters, its --truth file the physical truth), `localecu start` on a copy of examples/site.yaml, a real
 * broker, and the controller's SQLite store read directly. Fault injection lives in each test.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { parse, stringify } from "yaml";
import { STORE_FILE } from "../../src/site/store/index.ts";
import { type CliProcess, type Message, spawnCli } from "../helpers/process.ts";
import { type SiteFileOptions, writeSiteFile } from "../helpers/site-file.ts";

/** Two QS1 of examples/site.yaml (DESIGN §5: 4 panels each). */
export const A = { serial: "801000012345", name: "South top left" };
export const B = { serial: "801000012346", name: "South top right" };

/**
 * DESIGN.md §2: a QS1 energy accumulator LSB is 3.756e-11 kWh (openaps) = 3.756e-8 Wh; the example site's
 * energy_calibration is 1.0.
 */
export const WH_PER_LSB = 3.756e-8;

export interface Emulator {
  proc: CliProcess;
  url: string;
  port: number;
}

/**
 * `localecu emulate` on `port` (0 = any): a June noon at real speed, so the inverters' uptime and the
 * controller's clock advance alike. Every telemetry reply is appended to `truthFile`.
 */
export async function startEmulator(o: {
  port: number;
  truthFile: string;
  serials?: string[];
  faults?: string;
  seed?: number;
  /** Simulated time at start (default a June noon). */
  start?: string;
  /** Where the inverters keep their pairing across emulator restarts (`--bonds`). */
  bonds?: string;
}): Promise<Emulator> {
  const proc = spawnCli([
    "emulate",
    "--listen",
    `tcp://127.0.0.1:${o.port}`,
    "--inverters",
    (o.serials ?? [A.serial, B.serial]).join(","),
    "--start",
    o.start ?? "2026-06-21T12:00:00+02:00",
    "--truth",
    o.truthFile,
    "--seed",
    String(o.seed ?? 3),
    ...(o.faults ? ["--faults", o.faults] : []),
    ...(o.bonds ? ["--bonds", o.bonds] : []),
  ]);
  const [url, port] = await proc.waitForOutput(/tcp:\/\/127\.0\.0\.1:(\d+)/);
  return { proc, url: url!, port: Number(port) };
}

/** examples/site.yaml for the two inverters, on `mqttUrl`, polled every 10 s (the shortest allowed). */
export function siteFile(o: SiteFileOptions & { automations?: Record<string, unknown> }): {
  file: string;
  dir: string;
  dataDir: string;
} {
  const s = writeSiteFile({ serials: [A.serial, B.serial], pollS: 10, ...o });
  if (o.automations) {
    const doc = parse(readFileSync(s.file, "utf8")) as Record<string, unknown>;
    doc.automations = o.automations;
    writeFileSync(s.file, stringify(doc));
  }
  return { ...s, dataDir: o.dataDir ?? join(s.dir, "data") };
}

export function startController(file: string, env: NodeJS.ProcessEnv = {}): CliProcess {
  return spawnCli(["start", "--config", file], env);
}

export interface TruthReply {
  serial: string;
  time: string;
  uptime_s: number;
  ac_power_w: number;
  limit_w: number;
  channels: { channel: number; energy_counter: number }[];
}

/** Every telemetry reply the emulator sent, in order (a file that does not exist yet is none). */
export function readTruth(file: string): TruthReply[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TruthReply);
}

export interface StoredChannel {
  serial: string;
  channel: number;
  counter: number;
  lifetimeWh: number;
  dayWh: number;
}

/** The store's per-channel state, read the way an operator would (sqlite3, read only). */
export function readStore(dataDir: string): StoredChannel[] {
  const file = join(dataDir, STORE_FILE);
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        "SELECT serial, channel, counter, lifetime_wh AS lifetimeWh, day_wh AS dayWh FROM channel_state ORDER BY serial, channel",
      )
      .all() as StoredChannel[];
  } finally {
    db.close();
  }
}

/** Daily totals per serial and day (Wh, summed over the channels). */
export function readDaily(dataDir: string): { serial: string; day: string; wh: number }[] {
  const db = new Database(join(dataDir, STORE_FILE), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        "SELECT serial, day, sum(wh) AS wh FROM daily_energy GROUP BY serial, day ORDER BY serial, day",
      )
      .all() as { serial: string; day: string; wh: number }[];
  } finally {
    db.close();
  }
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Every state an inverter published after message `from`, parsed. */
export function statesAfter(seen: Message[], name: string, from: number): Record<string, unknown>[] {
  return seen
    .slice(from)
    .filter((m) => m.topic === `localecu/${name}` && m.payload)
    .map((m) => JSON.parse(m.payload) as Record<string, unknown>);
}
