/**
 * The schedule end to end: the real controller with its schedule module, a real broker (aedes, and
 * mosquitto where installed — always in CI), the stick emulator in-process on a scaled clock. A rule
 * window 12:00–12:30 ("off") must put the four emulated QS1s at their minimum limit — 20 W per panel, the
 * emulator's stored truth — at the right simulated time, and back to 500 W per panel after it; across a
 * controller restart inside the window and one after it.
 */
import { rmSync } from "node:fs";
import mqtt from "mqtt";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ScheduleSnapshot } from "../../../src/entities/snapshot.ts";
import { simSiteFromConfig } from "../../../src/sim/from-config.ts";
import type { SimSite } from "../../../src/sim/site.ts";
import type { SiteConfig } from "../../../src/site/config/types.ts";
import { brokerKinds, type TestBroker } from "../../helpers/brokers.ts";
import { exampleConfig } from "../../helpers/example-config.ts";
import { checkDeviceDiscovery, expandDeviceDiscovery } from "../../helpers/ha-discovery-schema.ts";
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
    const ex = await exampleConfig({ brokerUrl: broker.url, prefix: "schedule" });
    dataDir = ex.dataDir;
    const config = ex.config;
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
    await waitFor("every limit read back", () => readBack(r, o.config, 500), 60_000);
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

  it("shows its entities on the site device and takes an override over MQTT, refusing bad ones", async () => {
    const o = await setup();
    const ha = await mqtt.connectAsync(broker!.url);
    const seen = new Map<string, string>();
    ha.on("message", (t, p) => seen.set(t, p.toString()));
    await ha.subscribeAsync(["homeassistant/#", "localecu/#"]);
    const json = (t: string) => {
      const p = seen.get(t);
      return p ? (JSON.parse(p) as Record<string, unknown>) : undefined;
    };
    async function send(body: string, key?: string) {
      const topic = "localecu/site/set/result";
      seen.delete(topic);
      await ha.publishAsync(key ? `localecu/site/set/${key}` : "localecu/site/set", body, { qos: 1 });
      return waitFor(`a reply to ${body}`, () => json(topic));
    }
    try {
      const states = await run(o, at("12:40"));
      const r = rig!;
      await waitFor("every limit read back", () => readBack(r, o.config, 500), 60_000);
      const topic = await waitFor("site discovery with the schedule", () =>
        [...seen.keys()].find(
          (t) =>
            /^homeassistant\/device\/localecu_site_.*\/config$/.test(t) &&
            seen.get(t)?.includes("schedule_override"),
        ),
      );
      expect(checkDeviceDiscovery(topic, seen.get(topic)!)).toEqual([]);
      const x = expandDeviceDiscovery(JSON.parse(seen.get(topic)!));
      expect(
        Object.keys(x.components)
          .filter((k) => k.startsWith("schedule"))
          .sort(),
      ).toEqual(["schedule_next", "schedule_override", "schedule_state", "schedule_verified"]);
      expect(x.components.schedule_next).toMatchObject({ device_class: "timestamp" });
      expect(x.components.schedule_override).toMatchObject({ options: ["auto", "on", "off", "limit"] });
      // The rule has no days: the next window starts tomorrow at 12:00 local time.
      await waitFor("schedule keys in the site state", () => json("localecu/site")?.schedule_state === "on");
      expect(json("localecu/site")).toMatchObject({
        schedule_override: "auto",
        schedule_next: new Date(Date.parse("2026-06-22T12:00:00+02:00")).toISOString(),
      });
      expect(String(json("localecu/site")?.schedule_next_what)).toMatch(/^off/);

      const bad = await send('{"schedule_override": "limit"}');
      expect(bad).toMatchObject({ ok: false });
      expect(String(bad.error)).toMatch(/limit needs limit_w/);
      const badUntil = await send('{"schedule_override": {"mode": "off", "until": "13:00"}}');
      expect(String(badUntil.error)).toMatch(/until "13:00" is not a time with its offset/);
      expect(await send('{"schedule_override": "OFF"}')).toMatchObject({ ok: false });
      expect(limits(o.site)).toEqual([500, 500, 500, 500]);

      // A grid operator's request: 200 W per panel until 13:00.
      const ok = await send(
        '{"schedule_override": {"mode": "limit", "limit_w": 200, "until": "2026-06-21T13:00:00+02:00", "by": "grid operator"}}',
      );
      expect(ok).toMatchObject({ ok: true, override: "limit", state: "limit" });
      await waitFor("all at 200 W per panel", () => all(o.site, 200), 60_000);
      await waitFor("limit verified", () => states.at(-1)?.verified && states.at(-1)?.state === "limit");
      expect(json("localecu/site")).toMatchObject({
        schedule_override: "limit",
        schedule_override_limit_w: 200,
      });
      expect(String(json("localecu/site")?.schedule_reason)).toMatch(/grid operator/);
      const backAt = await waitFor(
        "back at 500 W per panel after 13:00",
        () => all(o.site, 500) && r.clock.now(),
        90_000,
      );
      expect(backAt).toBeGreaterThanOrEqual(at("13:00"));

      // The HA select's form, a bare mode on set/schedule_override: off until set back to auto.
      expect(await send("off", "schedule_override")).toMatchObject({ ok: true, override: "off" });
      await waitFor("all at 20 W per panel", () => all(o.site, 20), 60_000);
      expect(await send('{"schedule_override": "auto"}')).toMatchObject({ ok: true, override: "auto" });
      await waitFor("all back at 500 W per panel", () => all(o.site, 500), 60_000);
    } finally {
      await ha.endAsync(true);
    }
  });
});
