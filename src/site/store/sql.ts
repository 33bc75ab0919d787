/** The store's prepared statements and row mapping, kept apart from its transaction logic. */
import type Database from "better-sqlite3";
import type { InverterState } from "../energy/index.ts";

export function prepareStatements(db: Database.Database) {
  return {
    upsertInverter: db.prepare(
      `INSERT INTO inverter_state (serial, at_ms, uptime_s, day, retired_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (serial) DO UPDATE SET at_ms = excluded.at_ms, uptime_s = excluded.uptime_s,
         day = excluded.day, retired_by = excluded.retired_by`,
    ),
    upsertChannel: db.prepare(
      `INSERT INTO channel_state (serial, channel, counter, lifetime_wh, day_wh, fallback_counter, fallback_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (serial, channel) DO UPDATE SET counter = excluded.counter, lifetime_wh = excluded.lifetime_wh,
         day_wh = excluded.day_wh, fallback_counter = excluded.fallback_counter, fallback_at_ms = excluded.fallback_at_ms`,
    ),
    upsertDaily: db.prepare(
      `INSERT INTO daily_energy (serial, channel, day, wh) VALUES (?, ?, ?, ?)
       ON CONFLICT (serial, channel, day) DO UPDATE SET wh = excluded.wh`,
    ),
    insertHistory: db.prepare(
      `INSERT OR REPLACE INTO poll_history
         (serial, channel, at_ms, voltage_v, current_a, power_w, delta_wh, lifetime_wh, today_wh, rejected)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertInverterHistory: db.prepare(
      `INSERT OR REPLACE INTO inverter_history
         (serial, at_ms, uptime_s, session, ac_power_w, ac_power_source, lifetime_wh)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertReplacement: db.prepare(
      "INSERT INTO replacements (old_serial, new_serial, at_ms) VALUES (?, ?, ?)",
    ),
    selectInverters: db.prepare("SELECT serial, at_ms, uptime_s, day, retired_by FROM inverter_state"),
    selectChannels: db.prepare(
      `SELECT serial, channel, counter, lifetime_wh, day_wh, fallback_counter, fallback_at_ms
       FROM channel_state ORDER BY serial, channel`,
    ),
    selectReplaced: db.prepare("SELECT old_serial FROM replacements WHERE new_serial = ?"),
    selectDaily: db.prepare(
      "SELECT channel, day, wh FROM daily_energy WHERE serial = ? AND day BETWEEN ? AND ? ORDER BY day, channel",
    ),
    selectHistory: db.prepare(
      `SELECT serial, channel, at_ms AS atMs, voltage_v AS voltageV, current_a AS currentA, power_w AS powerW,
         delta_wh AS deltaWh, lifetime_wh AS lifetimeWh, today_wh AS todayWh, rejected
       FROM poll_history WHERE at_ms >= ? AND serial = ? ORDER BY at_ms, channel`,
    ),
    pruneHistory: db.prepare("DELETE FROM poll_history WHERE at_ms < ?"),
    pruneInverterHistory: db.prepare("DELETE FROM inverter_history WHERE at_ms < ?"),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

interface InverterRow {
  serial: string;
  at_ms: number | null;
  uptime_s: number | null;
  day: string | null;
  retired_by: string | null;
}

interface ChannelRow {
  serial: string;
  channel: number;
  counter: number | null;
  lifetime_wh: number;
  day_wh: number;
  fallback_counter: number | null;
  fallback_at_ms: number | null;
}

export function loadStates(sql: Statements): InverterState[] {
  const states = new Map<string, InverterState>();
  for (const r of sql.selectInverters.all() as InverterRow[]) {
    states.set(r.serial, {
      serial: r.serial,
      atMs: r.at_ms,
      uptimeS: r.uptime_s,
      day: r.day,
      channels: [],
      retiredBy: r.retired_by,
    });
  }
  for (const r of sql.selectChannels.all() as ChannelRow[]) {
    const s = states.get(r.serial);
    if (s === undefined) continue; // both are written in one transaction; a stray row has no owner to restore
    s.channels[r.channel - 1] = {
      counter: r.counter,
      lifetimeWh: r.lifetime_wh,
      dayWh: r.day_wh,
      fallbackCounter: r.fallback_counter,
      fallbackAtMs: r.fallback_at_ms,
    };
  }
  for (const s of states.values()) {
    for (let i = 0; i < s.channels.length; i++) {
      s.channels[i] ??= { counter: null, lifetimeWh: 0, dayWh: 0, fallbackCounter: null, fallbackAtMs: null };
    }
  }
  return [...states.values()];
}

/** `serial` then the units it replaced, newest first (a loop in the table cannot hang us). */
export function lineageOf(sql: Statements, serial: string): string[] {
  const out = [serial];
  for (;;) {
    const row = sql.selectReplaced.get(out[out.length - 1]) as { old_serial: string } | undefined;
    if (row === undefined || out.includes(row.old_serial)) return out;
    out.push(row.old_serial);
  }
}

export interface DailyTotal {
  day: string;
  inverterWh: number;
  /** Index = channel − 1. */
  channelsWh: number[];
}

/**
 * Merges daily rows of a lineage (newest serial first). On the day of a swap both units have a
 * row; the new unit's already includes the old one's energy (carried over), so the newest wins.
 */
export function mergeDaily(perSerial: { channel: number; day: string; wh: number }[][]): DailyTotal[] {
  const byDay = new Map<string, (number | undefined)[]>();
  for (const rows of perSerial) {
    for (const r of rows) {
      let channels = byDay.get(r.day);
      if (channels === undefined) {
        channels = [];
        byDay.set(r.day, channels);
      }
      channels[r.channel - 1] ??= r.wh;
    }
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([day, ch]) => {
      const channelsWh = Array.from(ch, (wh) => wh ?? 0);
      return { day, channelsWh, inverterWh: channelsWh.reduce((a, b) => a + b, 0) };
    });
}
