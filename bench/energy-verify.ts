/** Reads a finished bench store and compares it with the simulator's truth. */
import { join } from "node:path";
import Database from "better-sqlite3";
import { localDay } from "../src/site/daily.ts";
import { STORE_FILE } from "../src/site/store/index.ts";
import { TIME_ZONE } from "./energy-stream.ts";

export interface Verdict {
  /** Points where a per-panel or per-inverter lifetime went down (history order). */
  decreasingPoints: number;
  /** Points where a per-panel "today" value went down within a local day. */
  dailyDecreasingPoints: number;
  accountedWh: number;
  truthWh: number;
  errorPct: number;
  worstInverterErrorPct: number;
  worstChannelErrorPct: number;
  pollsRecorded: number;
  rejectedChannelReadings: number;
  restartsDetected: number;
  historyRows: number;
  /** The first poll of the day whose morning was missed: it must be a restart with a large uptime. */
  missedMorning: { day: string; firstPollLocal: string; session: string; uptimeS: number } | null;
}

export function verify(dir: string, truthWh: Record<string, number[]>, missedMorningDay: string): Verdict {
  const db = new Database(join(dir, STORE_FILE), { readonly: true });
  try {
    let decreasing = 0;
    let dailyDecreasing = 0;
    const perChannel = db
      .prepare(
        `SELECT serial, channel, lifetime_wh AS wh, today_wh AS today, at_ms AS atMs
         FROM poll_history ORDER BY serial, channel, at_ms`,
      )
      .iterate() as IterableIterator<{
      serial: string;
      channel: number;
      wh: number;
      today: number;
      atMs: number;
    }>;
    let prev: { key: string; wh: number; today: number; atMs: number } | undefined;
    let historyRows = 0;
    for (const r of perChannel) {
      historyRows++;
      const key = `${r.serial}/${r.channel}`;
      if (prev?.key === key) {
        if (r.wh < prev.wh) decreasing++;
        if (r.today < prev.today && sameLocalDay(prev.atMs, r.atMs)) dailyDecreasing++;
      }
      prev = { key, wh: r.wh, today: r.today, atMs: r.atMs };
    }
    const perInverter = db
      .prepare("SELECT serial, lifetime_wh AS wh FROM inverter_history ORDER BY serial, at_ms")
      .iterate() as IterableIterator<{ serial: string; wh: number }>;
    let prevInv: { serial: string; wh: number } | undefined;
    for (const r of perInverter) {
      if (prevInv?.serial === r.serial && r.wh < prevInv.wh) decreasing++;
      prevInv = r;
    }

    const stored = db.prepare("SELECT serial, channel, lifetime_wh AS wh FROM channel_state").all() as {
      serial: string;
      channel: number;
      wh: number;
    }[];
    let accountedWh = 0;
    let truthTotal = 0;
    let worstInverter = 0;
    let worstChannel = 0;
    for (const [serial, truth] of Object.entries(truthWh)) {
      const mine = stored.filter((s) => s.serial === serial);
      const acc = mine.reduce((a, s) => a + s.wh, 0);
      const tru = truth.reduce((a, b) => a + b, 0);
      accountedWh += acc;
      truthTotal += tru;
      worstInverter = Math.max(worstInverter, Math.abs(pct(acc, tru)));
      for (const s of mine)
        worstChannel = Math.max(worstChannel, Math.abs(pct(s.wh, truth[s.channel - 1] ?? 0)));
    }
    const dayStart = Date.parse(`${missedMorningDay}T00:00:00Z`) - 2 * 3_600_000;
    const first = db
      .prepare(
        "SELECT at_ms AS atMs, session, uptime_s AS uptimeS FROM inverter_history WHERE at_ms >= ? ORDER BY at_ms LIMIT 1",
      )
      .get(dayStart) as { atMs: number; session: string; uptimeS: number } | undefined;
    const missedMorning =
      first === undefined
        ? null
        : {
            day: missedMorningDay,
            firstPollLocal: new Date(first.atMs).toLocaleString("sv-SE", { timeZone: TIME_ZONE }),
            session: first.session,
            uptimeS: first.uptimeS,
          };
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      decreasingPoints: decreasing,
      dailyDecreasingPoints: dailyDecreasing,
      accountedWh,
      truthWh: truthTotal,
      errorPct: pct(accountedWh, truthTotal),
      worstInverterErrorPct: worstInverter,
      worstChannelErrorPct: worstChannel,
      pollsRecorded: count("SELECT count(*) AS n FROM inverter_history"),
      rejectedChannelReadings: count("SELECT count(*) AS n FROM poll_history WHERE rejected IS NOT NULL"),
      restartsDetected: count("SELECT count(*) AS n FROM inverter_history WHERE session = 'restart'"),
      historyRows,
      missedMorning,
    };
  } finally {
    db.close();
  }
}

function pct(got: number, truth: number): number {
  return truth === 0 ? 0 : ((got - truth) / truth) * 100;
}

function sameLocalDay(a: number, b: number): boolean {
  return localDay(a, TIME_ZONE) === localDay(b, TIME_ZONE);
}
