/**
 * The schedule while the wall clock jumps: a 23:00–23:30 "off" window in Europe/Berlin, the controller in
 * this process (runController, as `localecu start`) on a clock the test steps as NTP would, `localecu
 * emulate` as its own process, a real broker. Stepped forward into the window, it fires (no skip); stepped
 * back 5 minutes to before 23:00, it does not undo and redo the cut (no second firing); stepped past the
 * window's end, the inverters return to full power once. Counted in writes the inverters answered.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { type RunningController, runController } from "../../src/controller/run.ts";
import type { ScheduleSnapshot } from "../../src/entities/snapshot.ts";
import { loadConfig } from "../../src/site/config/index.ts";
import { brokerKinds } from "../helpers/brokers.ts";
import { captureLogger } from "../helpers/log-capture.ts";
import { killAll, waitFor } from "../helpers/process.ts";
import { A, B, readTruth, removeDir, siteFile, startEmulator } from "./harness.ts";
import { WallClock } from "./wall-clock.ts";

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  killAll();
  for (const c of cleanup.reverse()) await c();
});

const MIN = 60_000;

describe("the schedule when the clock jumps", () => {
  it("fires once into the window after a step forward, holds through a step back, releases once after it", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "localecu-clock-schedule-"));
    cleanup.push(() => removeDir(scratch));
    const truthFile = join(scratch, "truth.jsonl");
    const broker = await brokerKinds().at(-1)!.start();
    cleanup.push(() => broker.stop());
    const emulator = await startEmulator({ port: 0, truthFile });
    const site = siteFile({
      stick: emulator.url,
      mqttUrl: broker.url,
      automations: { schedule: { rules: [{ name: "late", at: "23:00", until: "23:30", action: "off" }] } },
    });
    cleanup.push(() => removeDir(site.dir));
    const doc = parse(readFileSync(site.file, "utf8")) as { site: Record<string, unknown> };
    doc.site.timezone = "Europe/Berlin";
    writeFileSync(site.file, stringify(doc));
    const config = await loadConfig(site.file);

    // Wed 2 Dec 2026, 22:57 in Berlin (CET = UTC+1).
    const clock = new WallClock(Date.parse("2026-12-02T21:57:00Z"));
    const captured = captureLogger("info");
    const logger = captured.logger;
    const running: RunningController = await runController({
      config,
      logger,
      clock,
      instance: "clock-schedule test",
      web: null,
      // Polls every 10 s: the radio's airtime budget (20 requests a minute) holds two inverters at that.
      stick: { poll: { intervalMs: 10_000 } },
    });
    cleanup.push(() => running.stop());
    const states: ScheduleSnapshot[] = [];
    running.controller.bus.on("scheduleState", states, ({ snapshot }) => {
      states.push(snapshot);
    });
    // Every limit write the inverters took (a write found already in place is "unchanged": not one).
    const sets: { serial: string; watts: number }[] = [];
    running.controller.bus.on("commandResult", sets, ({ serial, ok, detail, request }) => {
      if (request?.kind === "set-max-power" && ok && !/^already/.test(String(detail)))
        sets.push({ serial, watts: request.watts });
    });
    const fail = (e: Error) => {
      throw new Error(`${e.message}\n${captured.text()}`);
    };
    const limitOf = (serial: string) =>
      readTruth(truthFile)
        .filter((t) => t.serial === serial)
        .at(-1)?.limit_w;

    await waitFor(
      "both inverters polled, on",
      () => states.at(-1)?.state === "on" && states.at(-1)?.verified,
      90_000,
    ).catch(fail);
    expect(sets).toEqual([]);

    clock.jump(4 * MIN); // NTP: 23:01, inside the window
    await waitFor(
      "off, verified",
      () => states.at(-1)?.state === "off" && states.at(-1)?.verified,
      60_000,
    ).catch(fail);
    // QS1 off = max power at its minimum, 20 W per panel (DESIGN §5; docs/schedule.md).
    for (const inv of [A, B])
      await waitFor(
        `${inv.name} reporting 20 W per panel`,
        () => Math.round(limitOf(inv.serial) ?? 0) === 20,
        60_000,
      ).catch(fail);
    const offWrites = sets.length;
    expect(offWrites).toBe(2);

    clock.jump(-5 * MIN); // NTP: back to 22:56, before the window
    const truthAt = readTruth(truthFile).length;
    await waitFor(
      "three polls of each inverter after the step back",
      () =>
        [A, B].every(
          (i) =>
            readTruth(truthFile)
              .slice(truthAt)
              .filter((t) => t.serial === i.serial).length >= 3,
        ),
      60_000,
    ).catch(fail);
    expect(sets).toHaveLength(offWrites);
    expect(states.at(-1)?.state).toBe("off");
    for (const inv of [A, B]) expect(Math.round(limitOf(inv.serial)!)).toBe(20);

    clock.set(Date.parse("2026-12-02T22:31:00Z")); // 23:31: the window is over
    await waitFor(
      "on again, verified",
      () => states.at(-1)?.state === "on" && states.at(-1)?.verified,
      60_000,
    ).catch(fail);
    for (const inv of [A, B])
      await waitFor(
        `${inv.name} reporting 500 W per panel`,
        () => Math.round(limitOf(inv.serial) ?? 0) === 500,
        60_000,
      ).catch(fail);
    expect(sets.map((s) => s.watts).sort()).toEqual([20, 20, 500, 500]);
  }, 300_000);
});
