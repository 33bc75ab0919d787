/**
 * The schedule end to end: the real controller with its schedule module, a real broker (aedes, and
 * mosquitto where installed — always in CI), the stick emulator in-process on a scaled clock. A rule
 * window 12:00–12:30 ("off") must put the four emulated QS1s at their minimum limit — 20 W per panel, the
 * emulator's stored truth — at the right simulated time, and back to 500 W per panel after it; across a
 * controller restart inside the window and one after it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ScheduleSnapshot } from "../../../src/entities/snapshot.ts";
import { simSiteFromConfig } from "../../../src/sim/from-config.ts";
import type { SimSite } from "../../../src/sim/site.ts";
import { loadConfig } from "../../../src/site/config.ts";
import type { SiteConfig } from "../../../src/site/config-types.ts";
import { brokerKinds, type TestBroker } from "../../helpers/brokers.ts";
import { type CapturedLog, captureLogger } from "../../helpers/log-capture.ts";
import { waitFor } from "../../helpers/wait.ts";
import { type Rig, startRig } from "../export-limit/rig.ts";

const SPEED = 60;
const at = (hhmm: string) => Date.parse(`2026-06-21T${hhmm}:00+02:00`);

vi.setConfig({ testTimeout: 180_000 });

describe.each(brokerKinds())("schedule with the controller on $name", (kind) => {
  let broker: TestBroker | undefined;
  let rig: Rig | undefined;
  let dataDir: string | undefined;

  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
    await broker?.stop();
    broker = undefined;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  async function setup(): Promise<{ config: SiteConfig; site: SimSite; log: CapturedLog }> {
    broker = await kind.start();
    dataDir = mkdtempSync(join(tmpdir(), "localecu-schedule-"));
    const config = await loadConfig(new URL("../../../examples/site.yaml", import.meta.url).pathname);
    config.site.dataDir = dataDir;
    Object.assign(config.mqtt, { url: broker.url, username: undefined, password: undefined, tls: undefined });
    config.automations.exportLimit = undefined;
    config.automations.schedule = { rules: [{ name: "noon", at: "12:00", until: "12:30", action: "off" }] };
    const site = simSiteFromConfig(config, { seed: 11, clearSky: true });
    return { config, site, log: captureLogger("debug") };
  }

  async function run(o: { config: SiteConfig; site: SimSite; log: CapturedLog }, startMs: number) {
    const air = rig?.air();
    if (rig) await rig.stop();
    rig = await startRig({
      config: o.config,
      site: o.site,
      startMs,
      speed: SPEED,
      logger: o.log.logger,
      ...(air ? { air } : {}),
    });
    const states: ScheduleSnapshot[] = [];
    rig.running.controller.bus.on("scheduleState", states, ({ snapshot }) => {
      states.push(snapshot);
    });
    return states;
  }

  /** Every emulated inverter's stored limit, W per panel: the physical truth. */
  const limits = (site: SimSite) => site.inverters.map((i) => i.limitW());
  const all = (site: SimSite, w: number) => limits(site).every((x) => Math.abs(x - w) < 0.5);

  /** The controller has read every inverter's limit back, W per panel (within the 0x21DB rounding). */
  const readBack = (r: Rig, config: SiteConfig, w: number) =>
    config.inverters.every(
      (i) => Math.abs((r.running.controller.tracker.get(i.serial)?.maxPowerW ?? -9) - w) < 0.5,
    );

  it("switches to the minimum at 12:00 and back to full power at 12:30, verified by the next poll", async () => {
    const o = await setup();
    const states = await run(o, at("11:50"));
    expect(limits(o.site)).toEqual([500, 500, 500, 500]);
    const r = rig!;
    // Before the window nothing is written, though every limit is read.
    await waitFor("every limit read back", () => readBack(r, o.config, 500));
    expect(r.clock.now()).toBeLessThan(at("12:00"));
    expect(r.frames.filter((f) => f.kind === "set")).toEqual([]);

    const offAt = await waitFor("all at 20 W per panel", () => all(o.site, 20) && r.clock.now(), 60_000);
    // QS1: on/off is unverified, so off is max power at its minimum, 4 × 20 W = 80 W a trickle.
    expect(offAt).toBeGreaterThanOrEqual(at("12:00"));
    expect(offAt).toBeLessThan(at("12:05"));
    expect(r.frames.filter((f) => f.kind === "set").every((f) => f.tMs >= at("12:00"))).toBe(true);
    await waitFor("off verified by a poll", () => states.at(-1)?.verified && states.at(-1)?.state === "off");
    expect(states.at(-1)?.reason).toMatch(/noon/);
    expect(states.at(-1)?.nextAtMs).toBe(at("12:30"));
    expect(
      o.log.records.some((x) => /schedule: .* verified at 80 W/.test(String(x.msg))),
      "a verified line in the log",
    ).toBe(true);

    const onAt = await waitFor(
      "all back at 500 W per panel",
      () => all(o.site, 500) && r.clock.now(),
      90_000,
    );
    expect(onAt).toBeGreaterThanOrEqual(at("12:30"));
    expect(onAt).toBeLessThan(at("12:35"));
    await waitFor("on verified by a poll", () => states.at(-1)?.verified && states.at(-1)?.state === "on");
  });

  it("a controller that restarts inside the window switches the inverters off again", async () => {
    const o = await setup();
    await run(o, at("11:50"));
    await waitFor("paired and read", () => readBack(rig!, o.config, 500));
    // Down from before 12:00 until 12:10: the window began without a controller.
    const states = await run(o, at("12:10"));
    expect(limits(o.site)).toEqual([500, 500, 500, 500]);
    const r = rig!;
    const offAt = await waitFor("all at 20 W per panel", () => all(o.site, 20) && r.clock.now(), 60_000);
    expect(offAt).toBeLessThan(at("12:30"));
    await waitFor("off verified", () => states.at(-1)?.verified && states.at(-1)?.state === "off");
    await waitFor("all back at 500 W per panel after the window", () => all(o.site, 500), 90_000);
  });

  it("a controller that restarts after the window finds the inverters at the minimum and raises them", async () => {
    const o = await setup();
    await run(o, at("11:58"));
    await waitFor("all at 20 W per panel", () => all(o.site, 20), 60_000);
    // Down from inside the window until after it: nobody raised them at 12:30.
    const states = await run(o, at("12:40"));
    expect(limits(o.site)).toEqual([20, 20, 20, 20]);
    await waitFor("all at 500 W per panel", () => all(o.site, 500), 60_000);
    await waitFor("on verified", () => states.at(-1)?.verified && states.at(-1)?.state === "on");
    expect(states.at(-1)?.reason).toMatch(/no rule/);
  });
});
