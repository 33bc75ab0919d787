/**
 * The schedule and the export limiter together on the real controller (real broker, stick emulator,
 * scaled clock), with a Tasmota SML meter played from the emulator's truth: a house using 3000 W, so the
 * limiter holds export at 0 W with limits above the QS1's minimum. A schedule window 12:10–12:20
 * "off" is lower: the emulated inverters store 20 W per panel (the schedule wins) and the limiter raises
 * no alarm about that cap; after the window the limiter's own limits are back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ScheduleSnapshot } from "../../../src/entities/snapshot.ts";
import { simSiteFromConfig } from "../../../src/sim/from-config.ts";
import { loadConfig } from "../../../src/site/config.ts";
import { brokerKinds, type TestBroker } from "../../helpers/brokers.ts";
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
    await meter?.close();
    await broker?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("the lower cap wins, and the limiter raises no alarm against the schedule's", async () => {
    broker = await brokerKinds()[0]!.start();
    dataDir = mkdtempSync(join(tmpdir(), "localecu-schedule-limiter-"));
    const config = await loadConfig(new URL("../../../examples/site.yaml", import.meta.url).pathname);
    config.site.dataDir = dataDir;
    Object.assign(config.mqtt, { url: broker.url, username: undefined, password: undefined, tls: undefined });
    config.automations.exportLimit = {
      targetW: 0,
      meter: { topic: TOPIC, valueKey: "SML.Power", invert: true, unit: "kW" },
      meterTimeoutS: 15,
      maxWritesPerHour: 60,
    };
    config.automations.schedule = { rules: [{ name: "noon", at: "12:10", until: "12:20", action: "off" }] };
    const site = simSiteFromConfig(config, { seed: 11, clearSky: true });
    const m = await SmlMeter.connect(broker.url, TOPIC);
    const log = captureLogger("info");
    meter = m;
    rig = await startRig({
      config,
      site,
      startMs: at("12:00"),
      speed: 20,
      logger: log.logger,
      limitRecheckMs: 60_000,
      onSample: (s) => {
        if (s.tMs % 2000 === 0) m.send(LOAD_W - s.acPowerW, s.tMs);
      },
    });
    const r = rig;
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
});
