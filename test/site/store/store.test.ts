import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EnergyStore, STORE_FILE } from "../../../src/site/store/index.ts";
import { MIGRATIONS, migrate } from "../../../src/site/store/schema.ts";
import { at, type Poll, QS1_SERIAL, session, TZ, telemetry } from "../energy/fixtures.ts";

const W = [100, 120, 80, 150];
const day1 = session(at("2024-06-01T05:30+02:00"), at("2024-06-01T06:00+02:00"), 24, W);
const day2 = session(at("2024-06-02T05:31+02:00"), at("2024-06-02T06:00+02:00"), 24, W);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const lastTotal = (s: Poll[]) => sum(s[s.length - 1]!.counters);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "localecu-store-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function feed(store: EnergyStore, polls: Poll[], serial = QS1_SERIAL) {
  for (const p of polls) store.record(telemetry({ ...p, serial }), p.atMs);
}

describe("EnergyStore", () => {
  it("creates the data dir and a WAL database at the current schema version", () => {
    const nested = join(dir, "a", "b");
    EnergyStore.open(nested, { timeZone: TZ }).close();
    const db = new Database(join(nested, STORE_FILE));
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it("continues after a controller restart (close and reopen) exactly as if it had not stopped", () => {
    const a = EnergyStore.open(dir, { timeZone: TZ });
    feed(a, day1.slice(0, 10));
    a.close();
    const b = EnergyStore.open(dir, { timeZone: TZ });
    feed(b, day1.slice(10));
    b.close();
    // Reopened again the next morning: the nightly restart is detected from the stored state.
    const c = EnergyStore.open(dir, { timeZone: TZ });
    feed(c, day2);
    expect(c.lifetime(QS1_SERIAL)!.inverterWh).toBeCloseTo(lastTotal(day1) + lastTotal(day2), 3);
    expect(c.today(QS1_SERIAL, day2[23]!.atMs)!.inverterWh).toBeCloseTo(lastTotal(day2), 3);
    const daily = c.dailyTotals(QS1_SERIAL, "2024-06-01", "2024-06-02");
    expect(daily.map((d) => d.day)).toEqual(["2024-06-01", "2024-06-02"]);
    expect(daily[0]!.inverterWh).toBeCloseTo(lastTotal(day1), 3);
    expect(daily[1]!.channelsWh[3]).toBeCloseTo(day2[23]!.counters[3]!, 3);
    const history = c.history(QS1_SERIAL, 0);
    expect(history).toHaveLength(48 * 4);
    const chA = history.filter((h) => h.channel === 1).map((h) => h.lifetimeWh);
    expect(chA).toEqual([...chA].sort((x, y) => x - y));
    c.close();
  });

  it("keeps per-poll history for the configured days and daily totals forever", () => {
    const store = EnergyStore.open(dir, { timeZone: TZ, historyDays: 1 });
    feed(store, day1);
    feed(store, day2);
    // record() has pruned hourly along the way; what is left of June 1 goes now.
    expect(store.history(QS1_SERIAL, 0).length).toBeGreaterThan(24 * 4);
    expect(store.prune(day2[0]!.atMs + 86_400_000)).toBeGreaterThan(0);
    expect(store.history(QS1_SERIAL, 0)).toHaveLength(24 * 4);
    expect(store.history(QS1_SERIAL, 0)[0]!.atMs).toBe(day2[0]!.atMs);
    expect(store.dailyTotals(QS1_SERIAL, "2024-06-01", "2024-06-01")[0]!.inverterWh).toBeCloseTo(
      lastTotal(day1),
      3,
    );
    store.close();
  });

  it("writes a poll all or nothing: a failing statement leaves state, history and memory untouched", () => {
    const store = EnergyStore.open(dir, { timeZone: TZ });
    feed(store, day1.slice(0, 5));
    const before = store.state(QS1_SERIAL);
    const side = new Database(join(dir, STORE_FILE));
    side.exec(
      "CREATE TRIGGER fail_poll BEFORE INSERT ON inverter_history BEGIN SELECT RAISE(ABORT, 'disk says no'); END",
    );
    expect(() => feed(store, day1.slice(5, 6))).toThrow(/disk says no/);
    expect(store.state(QS1_SERIAL)).toEqual(before);
    side.exec("DROP TRIGGER fail_poll");
    side.close();
    store.close();
    const reopened = EnergyStore.open(dir, { timeZone: TZ });
    expect(reopened.state(QS1_SERIAL)).toEqual(before);
    expect(reopened.history(QS1_SERIAL, 0)).toHaveLength(5 * 4);
    reopened.close();
  });

  it("carries a replaced unit's energy over and keeps the position's history", () => {
    const NEW = "801000099999";
    const store = EnergyStore.open(dir, { timeZone: TZ });
    feed(store, day1);
    const swapAt = at("2024-06-02T10:00+02:00");
    feed(store, day2.slice(0, 12));
    store.carryOver(QS1_SERIAL, NEW, swapAt);
    const fresh = session(swapAt + 600_000, swapAt + 900_000, 6, W);
    feed(store, fresh, NEW);
    store.close();

    const s = EnergyStore.open(dir, { timeZone: TZ });
    expect(s.lineage(NEW)).toEqual([NEW, QS1_SERIAL]);
    expect(s.state(QS1_SERIAL)!.retiredBy).toBe(NEW);
    const expectedLifetime = lastTotal(day1) + sum(day2[11]!.counters) + lastTotal(fresh);
    expect(s.lifetime(NEW)!.inverterWh).toBeCloseTo(expectedLifetime, 3);
    const daily = s.dailyTotals(NEW, "2024-06-01", "2024-06-30");
    expect(daily[0]!.inverterWh).toBeCloseTo(lastTotal(day1), 3);
    expect(daily[1]!.inverterWh).toBeCloseTo(sum(day2[11]!.counters) + lastTotal(fresh), 3);
    expect(s.history(NEW, 0)).toHaveLength((24 + 12 + 6) * 4);
    expect(() => s.carryOver(QS1_SERIAL, "801000088888", swapAt)).toThrow(/already replaced/);
    s.close();
  });

  it("refuses a store written by a newer version, naming the file", () => {
    const file = join(dir, STORE_FILE);
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => EnergyStore.open(dir, { timeZone: TZ })).toThrow(new RegExp(`${STORE_FILE}.*newer`));
  });

  it("rolls a failing migration back completely", () => {
    const db = new Database(":memory:");
    const broken = [
      ...MIGRATIONS,
      (d: Database.Database) => {
        d.exec("CREATE TABLE half_done (x)");
        throw new Error("migration 2 failed");
      },
    ];
    expect(() => migrate(db, "memory", broken)).toThrow(/migration 2 failed/);
    expect(db.pragma("user_version", { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master").get()).toEqual({ n: 0 });
    expect(migrate(db, "memory")).toBe(0);
    expect(migrate(db, "memory")).toBe(MIGRATIONS.length);
    db.close();
  });

  it("explains an unusable data directory", () => {
    const blocker = join(dir, "not-a-dir");
    writeFileSync(blocker, "x");
    expect(() => EnergyStore.open(join(blocker, "data"), { timeZone: TZ })).toThrow(
      /cannot open the energy store .*writable/,
    );
  });
});
