/**
 * Fault findings in the energy store's database (table fault_findings, schema.ts V2): written by the
 * fault module as findings open, repeat and clear; read back at a restart (the open ones) and by
 * `localecu faults` (history). The row shape mirrors the diagnosis' Finding without importing it: data
 * flows from the site layer to the automations, never back.
 */
import { existsSync } from "node:fs";
import Database from "better-sqlite3";

export interface FaultRecord {
  key: string;
  kind: string;
  serial?: string;
  panel?: string;
  cause: string;
  severity: string;
  title: string;
  advice: string;
  verified: boolean;
  openedAtMs: number;
  clearedAtMs?: number;
  notifiedAtMs: number;
}

interface Row {
  key: string;
  opened_at_ms: number;
  kind: string;
  serial: string | null;
  panel: string | null;
  cause: string;
  severity: string;
  title: string;
  advice: string;
  verified: number;
  notified_at_ms: number;
  cleared_at_ms: number | null;
}

const COLUMNS =
  "key, opened_at_ms, kind, serial, panel, cause, severity, title, advice, verified, notified_at_ms, cleared_at_ms";

export class FaultRecords {
  private readonly upsertRow: Database.Statement;
  private readonly selectOpen: Database.Statement;
  private readonly selectSince: Database.Statement;

  constructor(db: Database.Database) {
    this.upsertRow = db.prepare(
      `INSERT INTO fault_findings (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key, opened_at_ms) DO UPDATE SET kind = excluded.kind, serial = excluded.serial,
         panel = excluded.panel, cause = excluded.cause, severity = excluded.severity, title = excluded.title,
         advice = excluded.advice, verified = excluded.verified, notified_at_ms = excluded.notified_at_ms,
         cleared_at_ms = excluded.cleared_at_ms`,
    );
    this.selectOpen = db.prepare(
      `SELECT ${COLUMNS} FROM fault_findings WHERE cleared_at_ms IS NULL ORDER BY opened_at_ms, key`,
    );
    // Every finding that was open at some moment since `since`: still open, or cleared after it.
    this.selectSince = db.prepare(
      `SELECT ${COLUMNS} FROM fault_findings WHERE cleared_at_ms IS NULL OR cleared_at_ms >= ?
       ORDER BY opened_at_ms, key`,
    );
  }

  /**
   * Opens a store file (store.ts storeFile) read-only for `localecu faults`: a running controller keeps
   * writing. Undefined when there is no store yet or it predates fault records.
   */
  static openReadOnly(file: string): { records: FaultRecords; close(): void } | undefined {
    if (!existsSync(file)) return undefined;
    const db = new Database(file, { readonly: true, fileMustExist: true });
    const has = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'fault_findings'")
      .get();
    if (!has) {
      db.close();
      return undefined;
    }
    return { records: new FaultRecords(db), close: () => db.close() };
  }

  /** Inserts or updates one finding (keyed by its key and opening time). */
  save(f: FaultRecord): void {
    this.upsertRow.run(
      f.key,
      f.openedAtMs,
      f.kind,
      f.serial ?? null,
      f.panel ?? null,
      f.cause,
      f.severity,
      f.title,
      f.advice,
      f.verified ? 1 : 0,
      f.notifiedAtMs,
      f.clearedAtMs ?? null,
    );
  }

  /** Findings not cleared yet, oldest first. */
  open(): FaultRecord[] {
    return (this.selectOpen.all() as Row[]).map(fromRow);
  }

  /** Findings open at any moment since `sinceMs` (cleared after it, or still open), oldest first. */
  since(sinceMs: number): FaultRecord[] {
    return (this.selectSince.all(sinceMs) as Row[]).map(fromRow);
  }
}

function fromRow(r: Row): FaultRecord {
  const f: FaultRecord = {
    key: r.key,
    kind: r.kind,
    cause: r.cause,
    severity: r.severity,
    title: r.title,
    advice: r.advice,
    verified: r.verified !== 0,
    openedAtMs: r.opened_at_ms,
    notifiedAtMs: r.notified_at_ms,
  };
  if (r.serial !== null) f.serial = r.serial;
  if (r.panel !== null) f.panel = r.panel;
  if (r.cleared_at_ms !== null) f.clearedAtMs = r.cleared_at_ms;
  return f;
}
