/**
 * One controller per data directory. Two controllers writing one store would each count the same
 * energy; the base-topic check (src/mqtt/instance.ts) does not catch two sites on different topics that
 * share a folder. The lock is SQLite's exclusive lock on `localecu.lock` (an OS file lock underneath):
 * the operating system drops it when the process ends, however it ends, so a kill -9 or a power cut
 * never leaves a stale lock behind and a reused pid cannot fool it. `localecu.lock.json` beside it
 * says who holds it, for the refusal message only.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { describeInstance } from "../mqtt/instance.ts";

const LOCK_FILE = "localecu.lock";
const HOLDER_FILE = "localecu.lock.json";

export interface LockHolder {
  pid: number;
  host: string;
  /** What runs there: the site file, or "demo". */
  instance: string;
  sinceIso: string;
}

export class DataDirLocked extends Error {
  constructor(
    message: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(message);
  }
}

export class DataDirLock {
  private constructor(
    private db: Database.Database | undefined,
    readonly dir: string,
  ) {}

  /**
   * Takes the lock on `dir` (created if missing) or throws DataDirLocked naming who holds it and what
   * to change. `settingHint` names the setting that points at the folder, for the message.
   */
  static acquire(dir: string, instance: string, settingHint = "site.data_dir in site.yaml"): DataDirLock {
    const folder = resolve(dir);
    mkdirSync(folder, { recursive: true });
    const db = new Database(join(folder, LOCK_FILE));
    try {
      db.pragma("busy_timeout = 0");
      db.pragma("journal_mode = DELETE");
      db.pragma("locking_mode = EXCLUSIVE");
      // The first write takes the exclusive lock; in this locking mode it is kept until close.
      db.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER)");
      db.exec("BEGIN EXCLUSIVE");
      db.prepare("DELETE FROM holder").run();
      db.prepare("INSERT INTO holder (pid) VALUES (?)").run(process.pid);
      db.exec("COMMIT");
    } catch (e) {
      db.close();
      if ((e as { code?: string }).code !== "SQLITE_BUSY") throw e;
      const holder = readHolder(folder);
      const who = holder
        ? describeInstance({
            instance: holder.instance,
            pid: holder.pid,
            host: holder.host,
            since: holder.sinceIso,
          })
        : "another process";
      throw new DataDirLocked(
        `the data directory ${folder} is in use by ${who} — two controllers on one store would count the same energy twice; stop that one first, or give this one its own folder (${settingHint})`,
        holder,
      );
    }
    const holder: LockHolder = {
      pid: process.pid,
      host: hostname(),
      instance,
      sinceIso: new Date().toISOString(),
    };
    writeFileSync(join(folder, HOLDER_FILE), `${JSON.stringify(holder)}\n`);
    return new DataDirLock(db, folder);
  }

  /** Gives the lock up (on stop, or when a later start step fails). Idempotent. */
  release(): void {
    this.db?.close();
    this.db = undefined;
  }
}

function readHolder(folder: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(join(folder, HOLDER_FILE), "utf8")) as Partial<LockHolder>;
    if (typeof h.pid !== "number" || typeof h.host !== "string") return undefined;
    return {
      pid: h.pid,
      host: h.host,
      instance: typeof h.instance === "string" ? h.instance : "a controller",
      sinceIso: typeof h.sinceIso === "string" ? h.sinceIso : "?",
    };
  } catch {
    return undefined;
  }
}
