/**
 * The wall clock jumping under a running controller: NTP corrections of minutes forward and backward, one
 * of them back across local midnight, and the spring DST change in Europe/Berlin. The controller runs in
 * this process (runController, as `localecu start` does) on a clock that reads the wall time plus an offset
 * the test moves, with real (monotonic) timers as Node's are; `localecu emulate` is its own process and the
 * broker a real one. Polls every second (the stick's poll option), so each phase sees several readings.
 *
 * Energy must be booked on the local day the clock says, and add up: per channel, the days' totals sum to
 * the lifetime, which equals the inverter's counter in Wh — nothing lost or doubled by any jump.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { RunningController } from "../../src/controller/run.ts";
import { runController } from "../../src/controller/run.ts";
import { loadConfig } from "../../src/site/config/index.ts";
import { STORE_FILE } from "../../src/site/store/index.ts";
import { brokerKinds } from "../helpers/brokers.ts";
import { captureLogger } from "../helpers/log-capture.ts";
import { killAll, waitFor } from "../helpers/process.ts";
import { A, B, readStore, readTruth, removeDir, siteFile, startEmulator, WH_PER_LSB } from "./harness.ts";
import { WallClock } from "./wall-clock.ts";

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  killAll();
  for (const c of cleanup.reverse()) await c();
});

const MIN = 60_000;

describe("the clock jumps under a running controller", () => {
  it("NTP corrections across midnight and the DST change book every Wh once, on the day the clock says", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "localecu-clock-"));
    cleanup.push(() => removeDir(scratch));
    const truthFile = join(scratch, "truth.jsonl");
    const broker = await brokerKinds().at(-1)!.start();
    cleanup.push(() => broker.stop());
    const emulator = await startEmulator({ port: 0, truthFile });
    const site = siteFile({ stick: emulator.url, mqttUrl: broker.url });
    cleanup.push(() => removeDir(site.dir));
    const doc = parse(readFileSync(site.file, "utf8")) as { site: Record<string, unknown> };
    doc.site.timezone = "Europe/Berlin";
    writeFileSync(site.file, stringify(doc));
    const config = await loadConfig(site.file);

    // 28 March 2026, 23:58 in Berlin (CET, UTC+1). DST begins at 01:00 UTC on the 29th: 02:00 CET → 03:00 CEST.
    const clock = new WallClock(Date.parse("2026-03-28T22:58:00Z"));
    const captured = captureLogger("info");
    const logger = captured.logger;
    const running: RunningController = await runController({
      config,
      logger,
      clock,
      instance: "clock-jumps test",
      web: null,
      stick: { poll: { intervalMs: 1000 } },
    });
    cleanup.push(() => running.stop());

    const polls = () => {
      const db = new Database(join(site.dataDir, STORE_FILE), { readonly: true });
      try {
        return db.prepare("SELECT serial, at_ms AS atMs FROM inverter_history ORDER BY at_ms").all() as {
          serial: string;
          atMs: number;
        }[];
      } catch {
        return [];
      } finally {
        db.close();
      }
    };
    /** Waits for three more booked polls of each inverter. */
    const threeMore = async (what: string) => {
      const n = polls().length;
      await waitFor(
        `three more polls of each inverter ${what}`,
        () => {
          const fresh = polls().slice(n);
          return [A, B].every((i) => fresh.filter((p) => p.serial === i.serial).length >= 3);
        },
        90_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${captured.text()}`);
      });
    };

    await waitFor("both inverters booked", () => new Set(polls().map((p) => p.serial)).size === 2, 90_000);
    await threeMore("before any jump");
    clock.jump(-5 * MIN); // NTP: the clock was 5 min fast (23:53 local)
    await threeMore("after a 5 min step back");
    clock.jump(10 * MIN); // NTP: 10 min slow — past midnight, 29 March
    await threeMore("after a 10 min step forward past midnight");
    clock.jump(-8 * MIN); // and back before midnight: 28 March again
    await threeMore("after an 8 min step back across midnight");
    clock.set(Date.parse("2026-03-29T00:59:50Z")); // 01:59:50 CET, ten seconds before the DST change
    await waitFor("the DST change passed", () => clock.now() > Date.parse("2026-03-29T01:00:05Z"), 60_000);
    await threeMore("after the DST change (03:00 CEST)");
    await running.stop();
    cleanup.pop();

    const truth = readTruth(truthFile);
    const db = new Database(join(site.dataDir, STORE_FILE), { readonly: true });
    const daily = db
      .prepare("SELECT serial, channel, day, wh FROM daily_energy ORDER BY serial, channel, day")
      .all() as { serial: string; channel: number; day: string; wh: number }[];
    db.close();
    // Only the two local days the clock showed; DST makes no day of its own.
    expect(new Set(daily.map((d) => d.day))).toEqual(new Set(["2026-03-28", "2026-03-29"]));
    for (const c of readStore(site.dataDir)) {
      const sent = truth
        .filter((t) => t.serial === c.serial)
        .map((t) => t.channels[c.channel - 1]!.energy_counter);
      expect(sent).toContain(c.counter);
      // Every Wh the inverter counted, once.
      expect(c.lifetimeWh).toBeCloseTo(c.counter * WH_PER_LSB, 6);
      const days = daily.filter((d) => d.serial === c.serial && d.channel === c.channel);
      expect(
        days.reduce((n, d) => n + d.wh, 0),
        `${c.serial}/${c.channel}: ${JSON.stringify(days)}`,
      ).toBeCloseTo(c.lifetimeWh, 6);
      for (const d of days) expect(d.wh).toBeGreaterThan(0);
    }
  }, 400_000);
});
