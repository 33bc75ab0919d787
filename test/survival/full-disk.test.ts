/**
 * A full disk under the data directory of a running `localecu start`: the data dir is a real 8 MB tmpfs
 * (mounted here as root), filled to the last byte by a file while the controller runs, so SQLite's next
 * write gets ENOSPC (SQLITE_FULL) from the kernel. The controller keeps running and publishing, logs an
 * error naming the data dir and the fix, opens the store_error finding (faults module on), and when the
 * file is deleted it books again with no energy lost or doubled: the store's lifetime equals the
 * inverters' counters in Wh.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { brokerKinds } from "../helpers/brokers.ts";
import { killAll, lastJson, waitFor, watch } from "../helpers/process.ts";
import {
  A,
  B,
  readStore,
  readTruth,
  removeDir,
  siteFile,
  startController,
  startEmulator,
  statesAfter,
  WH_PER_LSB,
} from "./harness.ts";

const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  killAll();
  for (const c of cleanup.reverse()) await c();
});

/** Writes zeros to `file` until the filesystem refuses (ENOSPC); returns the bytes written. */
function fill(file: string): number {
  const fd = openSync(file, "w");
  const chunk = Buffer.alloc(64 * 1024);
  let n = 0;
  try {
    for (;;) n += writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
  } finally {
    closeSync(fd);
  }
  // The last few bytes of a partial chunk.
  const fd2 = openSync(file, "a");
  try {
    for (;;) n += writeSync(fd2, Buffer.alloc(512));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
  } finally {
    closeSync(fd2);
  }
  return n;
}

describe("a full disk under the data directory", () => {
  it("keeps running and publishing, says what is full and how to fix it, and books again without loss when space returns", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "localecu-full-disk-"));
    cleanup.push(() => removeDir(scratch));
    const dataDir = join(scratch, "data");
    mkdirSync(dataDir);
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", dataDir], {
      encoding: "utf8",
    });
    // A real small filesystem needs root (CI and this machine run tests as root).
    expect(mounted.status, `mount -t tmpfs on ${dataDir}: ${mounted.stderr}`).toBe(0);
    cleanup.push(() => spawnSync("umount", ["-l", dataDir]));
    const truthFile = join(scratch, "truth.jsonl");
    const broker = await brokerKinds().at(-1)!.start();
    cleanup.push(() => broker.stop());
    const emulator = await startEmulator({ port: 0, truthFile });
    const site = siteFile({
      stick: emulator.url,
      mqttUrl: broker.url,
      dataDir,
      automations: { faults: { persistent: false } },
    });
    cleanup.push(() => removeDir(site.dir));
    const w = await watch(broker.url, ["localecu/#"]);
    cleanup.push(() => w.client.endAsync(true));
    const controller = startController(site.file);
    cleanup.push(() => controller.kill());
    for (const inv of [A, B])
      await waitFor(
        `${inv.name} producing`,
        () => statesAfter(w.seen, inv.name, 0).some((s) => s.status === "producing"),
        60_000,
      );
    await waitFor("both inverters booked", () => new Set(readStore(dataDir).map((c) => c.serial)).size === 2);

    // The disk fills up.
    const filler = join(dataDir, "filler");
    expect(fill(filler)).toBeGreaterThan(0);
    const logAt = (controller.stdout() + controller.stderr()).length;
    const log = () => (controller.stdout() + controller.stderr()).slice(logAt);
    const fullFrom = w.seen.length;
    await waitFor(
      "an error naming the data dir and the fix",
      () => log().includes(dataDir) && /ERROR/.test(log()),
      90_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; the controller said:\n${log()}`);
    });
    await waitFor(
      "the store_error finding",
      () =>
        w.seen
          .slice(fullFrom)
          .some((m) => m.topic === "localecu/site/event/fault" && m.payload.includes("store_error")),
      120_000,
    );
    // Still publishing: polled states keep coming while nothing can be written.
    for (const inv of [A, B])
      await waitFor(
        `${inv.name} still published`,
        () => statesAfter(w.seen, inv.name, fullFrom).some((s) => s.status === "producing"),
        60_000,
      );
    expect(controller.child.exitCode).toBeNull();

    // Space returns.
    rmSync(filler);
    const truthBefore = readTruth(truthFile).length;
    for (const inv of [A, B])
      await waitFor(
        `${inv.name}: a reply after the space returned booked`,
        () => {
          const newer = readTruth(truthFile)
            .slice(truthBefore)
            .map((t) => (t.serial === inv.serial ? t.channels[0]!.energy_counter : undefined));
          const booked = readStore(dataDir).find((c) => c.serial === inv.serial && c.channel === 1);
          return newer.includes(booked?.counter);
        },
        60_000,
      );
    const truth = readTruth(truthFile);
    for (const c of readStore(dataDir)) {
      const sent = truth
        .filter((t) => t.serial === c.serial)
        .map((t) => t.channels[c.channel - 1]!.energy_counter);
      expect(sent).toContain(c.counter);
      expect(c.lifetimeWh).toBeCloseTo(c.counter * WH_PER_LSB, 6);
    }
    for (const inv of [A, B]) {
      const e = statesAfter(w.seen, inv.name, 0)
        .map((s) => s.energy)
        .filter((x): x is number => typeof x === "number");
      for (let i = 1; i < e.length; i++) expect(e[i]!).toBeGreaterThanOrEqual(e[i - 1]!);
    }
    expect(lastJson(w.seen, "localecu/bridge/state")).toEqual({ state: "online" });
    controller.child.kill("SIGTERM");
    expect(await controller.exited).toEqual({ code: 0, signal: null });
  }, 400_000);
});
