/**
 * The schedule and the export limiter together on the real controller (real broker, stick emulator,
 * scaled clock), with a Tasmota SML meter played from the emulator's truth: a house using 3000 W, so the
 * limiter holds export at 0 W with limits above the QS1's minimum. A schedule window 12:10–12:20
 * "off" is lower: the emulated inverters store 20 W per panel (the schedule wins) and the limiter raises
 * no alarm about that cap; after the window the limiter's own limits are back. And a controller that
 * restarts inside a window finds the inverters at the cap before its limiter knows them: no alarm either.
 */
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ScheduleSnapshot } from "../../../src/entities/snapshot.ts";
import { simSiteFromConfig } from "../../../src/sim/from-config.ts";
import { brokerKinds, type TestBroker } from "../../helpers/brokers.ts";
import { exampleConfig } from "../../helpers/example-config.ts";
import { captureLogger } from "../../helpers/log-capture.ts";
import { waitFor } from "../../helpers/wait.ts";
import { type Rig, SmlMeter, startRig } from "../export-limit/rig.ts";

const TOPIC = "tele/meter/SENSOR";
const LOAD_W = 3000;
const at = (hhmm: string) => Date.parse(`2026-06-21T${hhmm}:00+02:00`);

vi.setConfig({ testTimeout: 180_000 });

describe("schedule and export limiter together", () => {
  let broker: TestBroker | undefined;
  let meter: SmlMeter | undefined;
  let rig: Rig | undefined;
  let dataDir: string | undefined;

  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
    await meter?.close();
    meter = undefined;
    await broker?.stop();
    broker = undefined;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  async function setup(rule: { at: string; until: string }) {
    broker = await brokerKinds()[0]!.start();
    const ex = await exampleConfig({ brokerUrl: broker.url, prefix: "schedule-limiter" });
    dataDir = ex.dataDir;
    const config = ex.config;
    config.automations.exportLimit = {
      targetW: 0,
      meter: { topic: TOPIC, valueKey: "SML.Power", invert: true, unit: "kW" },
      meterTimeoutS: 15,
      maxWritesPerHour: 60,
    };
    config.automations.schedule = { rules: [{ name: "noon", ...rule, action: "off" }] };
    const site = simSiteFromConfig(config, { seed: 11, clearSky: true });
    const m = await SmlMeter.connect(broker.url, TOPIC);
    meter = m;
    return { config, site, m, log: captureLogger("info") };
  }

  /** Starts the controller at `startMs`; a second call is a restart on the same air (the inverters keep their limits). */
  async function run(o: Awaited<ReturnType<typeof setup>>, startMs: number): Promise<Rig> {
    const air = rig?.air();
    if (rig) await rig.stop();
    rig = await startRig({
      config: o.config,
      site: o.site,
      startMs,
      speed: 20,
      logger: o.log.logger,
      limitRecheckMs: 60_000,
      onSample: (s) => {
        if (s.tMs % 2000 === 0) o.m.send(LOAD_W - s.acPowerW, s.tMs);
      },
      ...(air ? { air } : {}),
    });
    return rig;
  }

  it("the lower cap wins, and the limiter raises no alarm against the schedule's", async () => {
    const o = await setup({ at: "12:10", until: "12:20" });
    const { config, site, log } = o;
    await run(o, at("12:00"));
    const r = rig!;
    const states: ScheduleSnapshot[] = [];
    r.running.controller.bus.on("scheduleState", states, ({ snapshot }) => {
      states.push(snapshot);
    });
    const limits = () => site.inverters.map((i) => i.limitW());
    const sets = (from: number, to: number) =>
      r.frames.filter((f) => f.kind === "set" && f.tMs >= from && f.tMs < to).length;
    const limiterReason = () => r.states.at(-1)?.s.reason ?? "";

    // The limiter alone: it limits, so the roof gives no more than the house uses.
    await waitFor(
      "the limiter limiting",
      () => r.states.some((x) => x.s.state === "limiting") && limits().some((w) => w < 450),
      90_000,
    );
    expect(r.clock.now()).toBeLessThan(at("12:10"));

    // The window: the schedule's 20 W per panel is lower, so it wins.
    const capAt = await waitFor(
      "all at 20 W per panel",
      () => limits().every((w) => Math.abs(w - 20) < 0.5) && r.clock.now(),
      90_000,
    );
    expect(capAt).toBeGreaterThanOrEqual(at("12:10"));
    await waitFor(
      "the schedule's cap verified",
      () => states.at(-1)?.verified && states.at(-1)?.state === "off",
    );
    // Each side names the other: the schedule what the limiter would allow, the limiter the schedule's cap.
    expect(states.at(-1)?.reason).toMatch(
      /^off: rule 'noon' 12:10–12:20; the export limiter would allow \d+ W \(export limiter (limiting|idle): /,
    );
    await waitFor("the limiter naming the schedule", () =>
      limiterReason().startsWith(
        "schedule holds 4 inverters at their minimum (off: rule 'noon' 12:10–12:20); ",
      ),
    );

    // Held for a while by both: still at the minimum, nothing written (the limiter's wishes are kept,
    // not sent), and the limiter has never called the schedule's cap a stranger's.
    const heldFrom = r.clock.now();
    await waitFor("12:19", () => r.clock.now() >= at("12:19"), 90_000);
    expect(limits().every((w) => Math.abs(w - 20) < 0.5)).toBe(true);
    expect(sets(heldFrom, at("12:19"))).toBe(0);
    expect(r.states.map((x) => x.s.state)).not.toContain("alarm");

    // After the window the limiter's own limits are back: what it holds, above the minimum.
    const schedule = r.running.controller.schedule!;
    const claims = () =>
      config.inverters.map((i) => schedule.combinedFor(i.serial)?.exportLimit?.limitW ?? -1);
    await waitFor(
      "the limiter's limits back",
      () =>
        r.clock.now() >= at("12:20") &&
        limits().some((w) => w > 25) &&
        limits().every((w, i) => Math.abs(w * 4 - claims()[i]!) <= 4),
      90_000,
    );
    await waitFor("the limiter's reason without the schedule", () => !limiterReason().includes("schedule"));
    expect(states.at(-1)?.reason).toMatch(/no rule/);
    // No ping-pong: the schedule wrote each inverter once at 12:10 and once at 12:20 at most.
    const scheduleWrites = log.records.filter((x) => /^schedule: .* set-max-power →/.test(String(x.msg)));
    expect(scheduleWrites.length).toBeGreaterThanOrEqual(4);
    expect(scheduleWrites.length).toBeLessThanOrEqual(8);
    // And the limiter goes on limiting by itself: export held, no alarm.
    await waitFor("12:24", () => r.clock.now() >= at("12:24"), 90_000);
    // The emulator's truth: the roof could give more than the house uses, and gives no more than that.
    const truth = r.latest()!;
    expect(truth.availableAcW).toBeGreaterThan(LOAD_W + 500);
    expect(truth.acPowerW).toBeLessThanOrEqual(LOAD_W + 150);
    expect(r.states.at(-1)?.s.state).toBe("limiting");
    expect(r.states.map((x) => x.s.state)).not.toContain("alarm");
  });

  it("a restart inside the window: the cap read first is no foreign limit, and the limiter takes over after", async () => {
    const o = await setup({ at: "12:00", until: "12:15" });
    const limits = () => o.site.inverters.map((i) => i.limitW());
    await run(o, at("11:59"));
    await waitFor("all at 20 W per panel", () => limits().every((w) => Math.abs(w - 20) < 0.5), 90_000);
    // Down until 12:05: the new controller's limiter has never seen these inverters but at the cap.
    const r = await run(o, at("12:05"));
    await waitFor(
      "the limiter naming the schedule",
      () => r.states.at(-1)?.s.reason.startsWith("schedule holds 4 inverters at their minimum"),
      90_000,
    );
    await waitFor("12:14", () => r.clock.now() >= at("12:14"), 90_000);
    expect(limits().every((w) => Math.abs(w - 20) < 0.5)).toBe(true);
    expect(r.frames.filter((f) => f.kind === "set")).toEqual([]);
    expect(r.states.map((x) => x.s.state)).not.toContain("alarm");
    // After the window the schedule gives back what the limiter holds (the inverters' maximum, all it
    // knew), and the limiter cuts from there: the emulator's truth gives no more than the house uses.
    await waitFor(
      "export held again after the window",
      () => {
        const t = r.latest();
        return (
          r.clock.now() >= at("12:16") && t !== undefined && t.acPowerW <= LOAD_W + 150 && t.acPowerW > 1000
        );
      },
      90_000,
    );
    expect(r.states.map((x) => x.s.state)).not.toContain("alarm");
  });
});
