import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FaultRecords } from "../../../src/site/store/faults.ts";
import { EnergyStore, STORE_FILE, storeFile } from "../../../src/site/store/index.ts";
import { MIGRATIONS } from "../../../src/site/store/schema.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "localecu-store-faults-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const t = (iso: string) => Date.parse(iso);

function gfdi(openedAt: string) {
  return {
    key: "ground_fault:801000012345",
    kind: "ground_fault",
    serial: "801000012345",
    cause: "dc",
    severity: "fault",
    title: "Ground fault: South top left",
    advice: "Have an installer find the insulation fault.",
    verified: false,
    openedAtMs: t(openedAt),
    notifiedAtMs: t(openedAt),
  };
}

describe("fault findings in the store", () => {
  it("keeps a finding from opening through a repeat to its clearing, and lists it by period", () => {
    const store = EnergyStore.open(dir, { timeZone: "Europe/Amsterdam" });
    const f = gfdi("2026-11-02T09:42:00Z");
    store.faults.save(f);
    const lost = {
      key: "stick_link:site",
      kind: "stick_link",
      cause: "controller",
      severity: "fault",
      title: "ZigBee stick lost",
      advice: "Check the stick is plugged in.",
      verified: true,
      openedAtMs: t("2026-10-01T08:00:00Z"),
      notifiedAtMs: t("2026-10-01T08:00:00Z"),
      clearedAtMs: t("2026-10-01T08:30:00Z"),
    };
    store.faults.save(lost);
    expect(store.faults.open()).toEqual([f]);
    // Repeated a day later, then cleared: the same row (key and opening time) is updated.
    store.faults.save({ ...f, notifiedAtMs: t("2026-11-03T09:42:00Z") });
    store.faults.save({
      ...f,
      notifiedAtMs: t("2026-11-03T09:42:00Z"),
      clearedAtMs: t("2026-11-03T12:00:00Z"),
    });
    expect(store.faults.open()).toEqual([]);
    // Open at some moment since 1 Nov: only the ground fault; since September: both, oldest first.
    expect(store.faults.since(t("2026-11-01T00:00:00Z"))).toEqual([
      { ...f, notifiedAtMs: t("2026-11-03T09:42:00Z"), clearedAtMs: t("2026-11-03T12:00:00Z") },
    ]);
    expect(store.faults.since(t("2026-09-01T00:00:00Z")).map((r) => r.key)).toEqual([
      "stick_link:site",
      "ground_fault:801000012345",
    ]);
    // The same ground fault again later is a second row: history keeps both episodes.
    store.faults.save(gfdi("2026-11-10T10:00:00Z"));
    expect(store.faults.since(t("2026-11-01T00:00:00Z")).map((r) => r.openedAtMs)).toEqual([
      t("2026-11-02T09:42:00Z"),
      t("2026-11-10T10:00:00Z"),
    ]);
    store.close();
  });

  it("a store from before fault records (schema v1) gets the table, keeping its energy data", () => {
    const file = join(dir, STORE_FILE);
    const db = new Database(file);
    MIGRATIONS[0]!(db);
    db.pragma("user_version = 1");
    db.prepare("INSERT INTO replacements (old_serial, new_serial, at_ms) VALUES (?, ?, ?)").run("a", "b", 1);
    db.close();
    // Read-only before the upgrade: no fault records yet, said as such rather than an error.
    expect(FaultRecords.openReadOnly(storeFile(dir))).toBeUndefined();
    const store = EnergyStore.open(dir, { timeZone: "Europe/Amsterdam" });
    expect(store.lineage("b")).toEqual(["b", "a"]);
    store.faults.save(gfdi("2026-11-02T09:42:00Z"));
    store.close();
    const ro = FaultRecords.openReadOnly(storeFile(dir))!;
    expect(ro.records.open().map((r) => r.key)).toEqual(["ground_fault:801000012345"]);
    ro.close();
    expect(FaultRecords.openReadOnly(storeFile(join(dir, "nowhere")))).toBeUndefined();
  });
});
