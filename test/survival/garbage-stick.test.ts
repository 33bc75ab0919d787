/**
 * A stick answering garbage under a running `localecu start`: between the controller and `localecu
 * emulate`, a TCP stick that switches to random bytes and meaningless ZNP frames for a while, then talks
 * sense again. The controller keeps running, says the stick is not answering sensibly, and polls again
 * once it does; nothing it decoded from the garbage reaches the inverters' states.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { brokerKinds } from "../helpers/brokers.ts";
import { killAll, lastJson, waitFor, watch } from "../helpers/process.ts";
import { babblingStick } from "./babbling-stick.ts";
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

describe("a stick answering garbage", () => {
  it("keeps running, reports the link problem, and recovers when the stick talks sense again", async () => {
    const scratch = mkdtempSync(join(tmpdir(), "localecu-garbage-"));
    cleanup.push(() => removeDir(scratch));
    const truthFile = join(scratch, "truth.jsonl");
    const broker = await brokerKinds().at(-1)!.start();
    cleanup.push(() => broker.stop());
    const emulator = await startEmulator({ port: 0, truthFile });
    const stick = await babblingStick(emulator.port);
    cleanup.push(() => stick.close());
    const site = siteFile({ stick: stick.url, mqttUrl: broker.url });
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

    const logAt = (controller.stdout() + controller.stderr()).length;
    const log = () => (controller.stdout() + controller.stderr()).slice(logAt);
    stick.babble(true);
    // Long enough for every inverter's poll to meet it (a 10 s interval).
    await waitFor(
      "the controller saying the stick does not answer, for each inverter's poll",
      () =>
        [A, B].every((inv) =>
          new RegExp(
            `poll ${inv.serial} \\(0x[0-9A-F]{4}\\): the stick did not answer 24 01 within \\d+ ms on ${stick.url}`,
          ).test(log()),
        ),
      90_000,
    );
    expect(stick.nonsenseBytes()).toBeGreaterThan(0);
    stick.babble(false);
    const truthBefore = readTruth(truthFile).length;
    const from = w.seen.length;
    for (const inv of [A, B])
      await waitFor(
        `${inv.name} polled again`,
        () =>
          readTruth(truthFile)
            .slice(truthBefore)
            .some((t) => t.serial === inv.serial) &&
          statesAfter(w.seen, inv.name, from).some((s) => s.status === "producing"),
        90_000,
      );
    // Nothing read from the garbage was booked: the store holds exactly counters the inverters sent, in Wh.
    const truth = readTruth(truthFile);
    for (const c of readStore(site.dataDir)) {
      const sent = truth
        .filter((t) => t.serial === c.serial)
        .map((t) => t.channels[c.channel - 1]!.energy_counter);
      expect(sent).toContain(c.counter);
      expect(c.lifetimeWh).toBeCloseTo(c.counter * WH_PER_LSB, 6);
    }
    expect(lastJson(w.seen, `localecu/${A.name}/availability`)).toEqual({ state: "online" });
    expect(controller.child.exitCode).toBeNull();
    controller.child.kill("SIGTERM");
    expect(await controller.exited).toEqual({ code: 0, signal: null });
  }, 300_000);
});
