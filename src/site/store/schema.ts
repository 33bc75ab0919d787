/**
 * The energy store's schema, versioned with `PRAGMA user_version`. Each migration moves the
 * database from version i to i + 1; all pending ones run in one transaction, so a crash during an
 * upgrade leaves the old version intact. Append migrations; never edit a released one.
 */
import type Database from "better-sqlite3";

export type Migration = (db: Database.Database) => void;

const V1 = `
-- Accounting state: enough to continue after a restart of the controller.
CREATE TABLE inverter_state (
  serial     TEXT PRIMARY KEY,
  at_ms      INTEGER,           -- wall time of the last reading
  uptime_s   INTEGER,           -- inverter uptime at that reading
  day        TEXT,              -- local day the channels' day_wh belong to
  retired_by TEXT               -- serial of the replacement, once replaced
);
CREATE TABLE channel_state (
  serial           TEXT    NOT NULL,
  channel          INTEGER NOT NULL,   -- 1 = input A
  counter          INTEGER,            -- raw counter at the anchor (≤ 2^40: exact in a JS number)
  lifetime_wh      REAL    NOT NULL,
  day_wh           REAL    NOT NULL,
  fallback_counter INTEGER,
  fallback_at_ms   INTEGER,
  PRIMARY KEY (serial, channel)
) WITHOUT ROWID;

-- One row per panel per poll, kept for a configurable number of days.
CREATE TABLE poll_history (
  serial      TEXT    NOT NULL,
  channel     INTEGER NOT NULL,
  at_ms       INTEGER NOT NULL,
  voltage_v   REAL,
  current_a   REAL,
  power_w     REAL,
  delta_wh    REAL    NOT NULL,
  lifetime_wh REAL    NOT NULL,
  today_wh    REAL    NOT NULL,
  rejected    TEXT,              -- why this poll's energy was not added
  PRIMARY KEY (at_ms, serial, channel)  -- time first: each poll appends at the right edge
) WITHOUT ROWID;

-- One row per inverter per poll: session verdict and AC power, kept as long as poll_history.
CREATE TABLE inverter_history (
  serial          TEXT    NOT NULL,
  at_ms           INTEGER NOT NULL,
  uptime_s        INTEGER NOT NULL,
  session         TEXT    NOT NULL,
  ac_power_w      REAL    NOT NULL,
  ac_power_source TEXT    NOT NULL,
  lifetime_wh     REAL    NOT NULL,
  PRIMARY KEY (at_ms, serial)
) WITHOUT ROWID;

-- Daily energy per panel, kept forever (16 panels × 365 days ≈ 6 000 small rows a year).
CREATE TABLE daily_energy (
  serial  TEXT    NOT NULL,
  channel INTEGER NOT NULL,
  day     TEXT    NOT NULL,
  wh      REAL    NOT NULL,
  PRIMARY KEY (serial, channel, day)
) WITHOUT ROWID;

-- Field replacements: the new unit continues the old one's energy (its position's history).
CREATE TABLE replacements (
  old_serial TEXT PRIMARY KEY,
  new_serial TEXT    NOT NULL UNIQUE,
  at_ms      INTEGER NOT NULL
);
`;

const V2 = `
-- Fault findings (src/automations/faults): one row per finding from when it opened until it cleared,
-- kept forever (a few rows a month), so a homeowner can list last month's faults.
CREATE TABLE fault_findings (
  key            TEXT    NOT NULL,   -- <kind>:<subject>, stable across restarts
  opened_at_ms   INTEGER NOT NULL,
  kind           TEXT    NOT NULL,
  serial         TEXT,
  panel          TEXT,
  cause          TEXT    NOT NULL,
  severity       TEXT    NOT NULL,
  title          TEXT    NOT NULL,
  advice         TEXT    NOT NULL,
  verified       INTEGER NOT NULL,   -- 0: rests on a status-bit meaning never seen on hardware
  notified_at_ms INTEGER NOT NULL,   -- last reported (opened or repeated)
  cleared_at_ms  INTEGER,            -- NULL while open
  PRIMARY KEY (key, opened_at_ms)
) WITHOUT ROWID;
CREATE INDEX fault_findings_open ON fault_findings (cleared_at_ms);
`;

export const MIGRATIONS: readonly Migration[] = [(db) => db.exec(V1), (db) => db.exec(V2)];

/** Brings `db` to the latest version; returns the version it started from. */
export function migrate(
  db: Database.Database,
  where: string,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  const from = db.pragma("user_version", { simple: true }) as number;
  if (from > migrations.length) {
    throw new Error(
      `energy store ${where} has schema version ${from}, newer than this localecu understands (${migrations.length}); upgrade localecu or use another data directory`,
    );
  }
  if (from < migrations.length) {
    db.transaction(() => {
      for (let v = from; v < migrations.length; v++) migrations[v]!(db);
      db.pragma(`user_version = ${migrations.length}`);
    })();
  }
  return from;
}
