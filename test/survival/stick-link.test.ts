/**
 * The stick vanishes and comes back under a running `localecu start`: `localecu emulate` (a TCP stick, as
 * behind ser2net) is killed with SIGKILL and started again on the same port. Its inverters keep their
 * pairing in a --bonds file, as real inverters keep it in flash while the stick is unplugged.
 *
 * The controller logs the loss, keeps running, reconnects, polls again and the inverters are published
 * available; a max_power command sent while the stick is down gets a clear refusal and is never executed
 * later (the new emulator's inverter starts at its 500 W default, so a replay would show in its truth).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { brokerKinds, freePort, type TestBroker } from "../helpers/brokers.ts";
import { killAll, lastJson, waitFor, watch } from "../helpers/process.ts";
import {
  A,
  B,
  type Emulator,
  readTruth,
  removeDir,
  siteFile,
  startController,
  startEmulator,
  statesAfter,
} from "./harness.ts";

const START = "2026-06-21T12:00:00+02:00";
const PTY_STICK = fileURLToPath(new URL("./pty-stick.py", import.meta.url));

/** A serial device at `link` (python3's pty module) wired to the emulator: a USB stick plugged in. */
async function plugIn(emulatorPort: number, link: string) {
  const child = spawn("python3", [PTY_STICK, "127.0.0.1", String(emulatorPort), link], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanup.push(() => child.kill("SIGKILL"));
  let err = "";
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const device = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim()));
    child.once("exit", (code) => reject(new Error(`pty-stick.py exited ${code}: ${err}`)));
  });
  return {
    device,
    /** Pulled out: the device fails under the controller and its path is gone. */
    async unplug() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
      rmSync(link, { force: true });
    },
  };
}
const cleanup: (() => unknown)[] = [];
afterAll(async () => {
  killAll();
  for (const c of cleanup.reverse()) await c();
});

describe("the stick disconnects and reconnects", () => {
  it("TCP stick killed and restarted: the loss is logged, polling resumes, a command during the outage is refused once and never replayed", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "localecu-stick-link-"));
    cleanup.push(() => removeDir(scratch));
    const truthFile = join(scratch, "truth.jsonl");
    const bonds = join(scratch, "bonds.json");
    const broker: TestBroker = await brokerKinds().at(-1)!.start();
    cleanup.push(() => broker.stop());
    const port = await freePort();
    const emulate = (start: string): Promise<Emulator> => startEmulator({ port, truthFile, bonds, start });
    const bootMs = Date.now();
    let emulator = await emulate(START);
    const site = siteFile({ stick: emulator.url, mqttUrl: broker.url });
    cleanup.push(() => removeDir(site.dir));
    const w = await watch(broker.url, ["localecu/#"]);
    cleanup.push(() => w.client.endAsync(true));
    const controller = startController(site.file);
    for (const inv of [A, B])
      await waitFor(
        `${inv.name} producing`,
        () => statesAfter(w.seen, inv.name, 0).some((s) => s.status === "producing"),
        60_000,
      );

    // Unplugged: the emulator dies without a word.
    emulator.proc.kill();
    await emulator.proc.exited;
    await controller.waitForOutput(/link down \(tcp:\/\/127\.0\.0\.1:\d+ closed the connection\)/);
    await controller.waitForOutput(/cannot connect to tcp:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);

    // A command while the stick is away: one clear refusal.
    const resultTopic = `localecu/${A.name}/set/result`;
    await w.client.publishAsync(`localecu/${A.name}/set`, JSON.stringify({ max_power: 300 }), { qos: 1 });
    const refusal = await waitFor("the command's result", () => lastJson(w.seen, resultTopic));
    expect(refusal).toMatchObject({ ok: false, command: { kind: "max_power", watts: 300 } });
    expect(String(refusal.error)).toMatch(/stick .*(not ready|down).*request not sent/);

    // Plugged back: the same inverters (their time went on meanwhile) behind a fresh stick.
    const truthBefore = readTruth(truthFile).length;
    const from = w.seen.length;
    emulator = await emulate(new Date(Date.parse(START) + Date.now() - bootMs).toISOString());
    const readyLines = () =>
      (controller.stdout() + controller.stderr()).match(/stick ready on/g)?.length ?? 0;
    await waitFor("the stick brought up again", () => readyLines() >= 2, 90_000);
    for (const inv of [A, B]) {
      await waitFor(
        `${inv.name} polled through the new stick`,
        () =>
          readTruth(truthFile)
            .slice(truthBefore)
            .some((t) => t.serial === inv.serial) &&
          statesAfter(w.seen, inv.name, from).some((s) => s.status === "producing"),
        60_000,
      );
      expect(lastJson(w.seen, `localecu/${inv.name}/availability`)).toEqual({ state: "online" });
    }
    expect(lastJson(w.seen, "localecu/bridge/state")).toEqual({ state: "online" });
    // Never replayed: every reply of the new stick's inverter A carries its 500 W default, for two polls.
    await waitFor(
      `two polls of ${A.name} after the reconnect`,
      () =>
        readTruth(truthFile)
          .slice(truthBefore)
          .filter((t) => t.serial === A.serial).length >= 2,
      60_000,
    );
    const limits = readTruth(truthFile)
      .slice(truthBefore)
      .filter((t) => t.serial === A.serial)
      .map((t) => Math.round(t.limit_w));
    expect(new Set(limits)).toEqual(new Set([500]));
    expect(w.seen.filter((m) => m.topic === resultTopic)).toHaveLength(1);
    expect(controller.child.exitCode).toBeNull();

    controller.child.kill("SIGTERM");
    expect(await controller.exited).toEqual({ code: 0, signal: null });
  }, 300_000);

  it("serial stick (a pty) vanishes and returns: the loss is logged, the path is retried, polling resumes", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "localecu-stick-pty-"));
    cleanup.push(() => removeDir(scratch));
    const truthFile = join(scratch, "truth.jsonl");
    const broker: TestBroker = await brokerKinds().at(-1)!.start();
    cleanup.push(() => broker.stop());
    const emulator = await startEmulator({ port: 0, truthFile });
    const link = join(scratch, "usb-Texas_Instruments_TI_CC2531_USB_CDC-if00");
    let stick = await plugIn(emulator.port, link);
    const site = siteFile({ stick: link, mqttUrl: broker.url });
    cleanup.push(() => removeDir(site.dir));
    const w = await watch(broker.url, ["localecu/#"]);
    cleanup.push(() => w.client.endAsync(true));
    const controller = startController(site.file);
    for (const inv of [A, B])
      await waitFor(
        `${inv.name} producing over the serial device`,
        () => statesAfter(w.seen, inv.name, 0).some((s) => s.status === "producing"),
        60_000,
      );

    await stick.unplug();
    expect(existsSync(link)).toBe(false);
    const lost = await controller.waitForOutput(/link down \(([^)]*)\)/);
    // While it is away, reopening names the missing device.
    await controller.waitForOutput(/link down \([^)]*(No such file|ENOENT|cannot open)[^)]*\)/i, 60_000);

    const truthBefore = readTruth(truthFile).length;
    const from = w.seen.length;
    stick = await plugIn(emulator.port, link);
    const readyLines = () =>
      (controller.stdout() + controller.stderr()).match(/stick ready on/g)?.length ?? 0;
    await waitFor("the stick brought up again", () => readyLines() >= 2, 90_000);
    for (const inv of [A, B]) {
      await waitFor(
        `${inv.name} polled after the stick came back`,
        () =>
          readTruth(truthFile)
            .slice(truthBefore)
            .some((t) => t.serial === inv.serial) &&
          statesAfter(w.seen, inv.name, from).some((s) => s.status === "producing"),
        60_000,
      );
      expect(lastJson(w.seen, `localecu/${inv.name}/availability`)).toEqual({ state: "online" });
    }
    expect(lost[1]).toBeTruthy();
    expect(controller.child.exitCode).toBeNull();
    controller.child.kill("SIGTERM");
    expect(await controller.exited).toEqual({ code: 0, signal: null });
  }, 300_000);
});
