/**
 * The energy store: accounting state, per-poll history and daily totals in SQLite.
 *
 * Each poll is one transaction (state + history + daily), committed before the in-memory state
 * moves on, so a kill -9 at any moment loses at most the poll in flight. WAL with
 * synchronous=NORMAL: a commit is in the WAL (the OS page cache) before `record` returns, which a
 * killed process cannot lose; only an OS crash or power cut can drop the last few commits, and
 * then the store is still consistent and the next poll's counter delta (taken from the older
 * anchor) still covers the lost interval. FULL (an fsync per poll) is an option for the wary.
 *
 * One process owns a data directory: the accountant's state is kept in memory.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import type { Telemetry } from "../../protocol/types.ts";
import {
  type AccountingResult,
  EnergyAccountant,
  type EnergyOptions,
  type InverterState,
  type Totals,
} from "../energy/index.ts";
import { FaultRecords } from "./faults.ts";
import { migrate } from "./schema.ts";
import {
  type DailyTotal,
  lineageOf,
  loadStates,
  mergeDaily,
  prepareStatements,
  type Statements,
} from "./sql.ts";

export type { DailyTotal } from "./sql.ts";

export interface StoreOptions extends EnergyOptions {
  /** Days of per-poll history to keep (default 30); daily totals are kept forever. */
  historyDays?: number;
  synchronous?: "NORMAL" | "FULL";
}

export interface HistoryRow {
  serial: string;
  channel: number;
  atMs: number;
  voltageV: number | null;
  currentA: number | null;
  powerW: number | null;
  deltaWh: number;
  lifetimeWh: number;
  todayWh: number;
  rejected: string | null;
}

export const STORE_FILE = "energy.sqlite";

/** The store's file in a data directory. */
export function storeFile(dir: string): string {
  return resolve(join(dir, STORE_FILE));
}
const DAY_MS = 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;

export class EnergyStore {
  private readonly acc: EnergyAccountant;
  private readonly sql: Statements;
  private readonly historyMs: number;
  private lastPruneMs = Number.NEGATIVE_INFINITY;
  private readonly writePoll: (next: InverterState, r: AccountingResult) => void;
  /** Fault findings, opened and cleared (the fault module writes them; `localecu faults` lists them). */
  readonly faults: FaultRecords;

  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
    opts: StoreOptions,
  ) {
    this.sql = prepareStatements(db);
    this.faults = new FaultRecords(db);
    this.acc = new EnergyAccountant(opts, loadStates(this.sql));
    const days = opts.historyDays ?? 30;
    if (!(days > 0))
      throw new RangeError(`history days must be positive, got ${days} (site.yaml: site.history_days)`);
    this.historyMs = days * DAY_MS;
    this.writePoll = db.transaction((next: InverterState, r: AccountingResult) => {
      this.saveState(next);
      for (const c of r.channels) {
        this.sql.insertHistory.run(
          next.serial,
          c.channel,
          r.atMs,
          c.voltageV,
          c.currentA,
          c.powerW,
          c.deltaWh,
          c.lifetimeWh,
          c.todayWh,
          c.rejected,
        );
      }
      this.sql.insertInverterHistory.run(
        next.serial,
        r.atMs,
        next.uptimeS ?? 0,
        r.session,
        r.acPowerW,
        r.acPowerSource,
        r.lifetimeWh,
      );
    });
  }

  /** Opens (creating if needed) `<dir>/energy.sqlite` and brings its schema up to date. */
  static open(dir: string, opts: StoreOptions): EnergyStore {
    const file = storeFile(dir);
    let db: Database.Database;
    try {
      mkdirSync(dir, { recursive: true });
      db = new Database(file);
      db.pragma("journal_mode = WAL");
      db.pragma(`synchronous = ${opts.synchronous ?? "NORMAL"}`);
      db.pragma("busy_timeout = 5000");
    } catch (e) {
      throw new Error(
        `cannot open the energy store ${file}: ${(e as Error).message}; check that the data directory exists or can be created and is writable (site.yaml: site.data_dir; the demo: --data)`,
      );
    }
    try {
      migrate(db, file);
      return new EnergyStore(db, file, opts);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Accounts one poll and commits it (state, history and daily totals) in one transaction. */
  record(t: Telemetry, atMs: number): AccountingResult {
    const { next, result } = this.acc.step(t, atMs);
    this.writePoll(next, result);
    this.acc.commit(next, result.events);
    if (atMs - this.lastPruneMs >= PRUNE_EVERY_MS) this.prune(atMs);
    return result;
  }

  /**
   * What `record` would book, without writing or adopting it: for a store that cannot write (disk full),
   * so the reading is still shown. The counters carry the energy, so the next booked poll covers this one.
   */
  preview(t: Telemetry, atMs: number): AccountingResult {
    return this.acc.step(t, atMs).result;
  }

  private saveState(s: InverterState): void {
    this.sql.upsertInverter.run(s.serial, s.atMs, s.uptimeS, s.day, s.retiredBy);
    s.channels.forEach((c, i) => {
      this.sql.upsertChannel.run(
        s.serial,
        i + 1,
        c.counter,
        c.lifetimeWh,
        c.dayWh,
        c.fallbackCounter,
        c.fallbackAtMs,
      );
      if (s.day !== null) this.sql.upsertDaily.run(s.serial, i + 1, s.day, c.dayWh);
    });
  }

  /** A field replacement: `newSerial` continues `oldSerial`'s lifetime and today's energy. */
  carryOver(oldSerial: string, newSerial: string, atMs: number): void {
    const { old, next } = this.acc.planCarryOver(oldSerial, newSerial, atMs);
    this.db.transaction(() => {
      this.saveState(old);
      this.saveState(next);
      this.sql.insertReplacement.run(oldSerial, newSerial, atMs);
    })();
    this.acc.commit(old);
    this.acc.commit(next);
  }

  lifetime(serial: string): Totals | undefined {
    return this.acc.lifetime(serial);
  }

  today(serial: string, atMs: number): Totals | undefined {
    return this.acc.today(serial, atMs);
  }

  state(serial: string): InverterState | undefined {
    return this.acc.state(serial);
  }

  serials(): string[] {
    return this.acc.serials();
  }

  /** Serials whose history this position carries: `serial` first, then the units it replaced. */
  lineage(serial: string): string[] {
    return lineageOf(this.sql, serial);
  }

  /** Daily totals from `fromDay` to `toDay` inclusive (`YYYY-MM-DD`), across replacements. */
  dailyTotals(serial: string, fromDay: string, toDay: string): DailyTotal[] {
    const rows = this.lineage(serial).map((s) => this.sql.selectDaily.all(s, fromDay, toDay) as DailyRow[]);
    return mergeDaily(rows);
  }

  /** Per-panel poll rows since `sinceMs`, across replacements, oldest first. */
  history(serial: string, sinceMs: number): HistoryRow[] {
    const rows = this.lineage(serial).flatMap((s) => this.sql.selectHistory.all(sinceMs, s) as HistoryRow[]);
    return rows.sort((a, b) => a.atMs - b.atMs || a.channel - b.channel);
  }

  /** Deletes per-poll history older than the retention; returns the rows removed. */
  prune(nowMs: number): number {
    this.lastPruneMs = nowMs;
    const cutoff = nowMs - this.historyMs;
    return this.db.transaction(
      () => this.sql.pruneHistory.run(cutoff).changes + this.sql.pruneInverterHistory.run(cutoff).changes,
    )();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

interface DailyRow {
  channel: number;
  day: string;
  wh: number;
}
