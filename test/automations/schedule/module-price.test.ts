/**
 * The schedule's price cut end to end: the real controller reads a price entity from the Home Assistant
 * protocol server (test/helpers/ha-server.ts) over its websocket link, and the four emulated QS1s go to
 * their minimum (20 W per panel, the emulator's stored truth) when the price goes negative, and back to
 * 500 W per panel once it is positive again — not before the minimum off time (20 simulated minutes).
 */
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ScheduleSnapshot } from "../../../src/entities/snapshot.ts";
import { simSiteFromConfig } from "../../../src/sim/from-config.ts";
import type { SimSite } from "../../../src/sim/site.ts";
import { brokerKinds, type TestBroker } from "../../helpers/brokers.ts";
import { exampleConfig } from "../../helpers/example-config.ts";
import { HaTestServer } from "../../helpers/ha-server.ts";
import { captureLogger } from "../../helpers/log-capture.ts";
import { waitFor } from "../../helpers/wait.ts";
import { type Rig, startRig } from "../export-limit/rig.ts";

const TOKEN = "eyJ.schedule-test.sig";
const ENTITY = "sensor.nordpool_kwh_nl_eur";
const at = (hhmm: string) => Date.parse(`2026-06-21T${hhmm}:00+02:00`);

vi.setConfig({ testTimeout: 180_000 });

describe("schedule with a price entity from Home Assistant", () => {
  let broker: TestBroker | undefined;
  let server: HaTestServer | undefined;
  let rig: Rig | undefined;
  let dataDir: string | undefined;

  afterEach(async () => {
    await rig?.stop();
    await server?.close();
    await broker?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("a negative price switches off, a positive one back on after the minimum off time", async () => {
    broker = await brokerKinds()[0]!.start();
    server = await HaTestServer.start({ token: TOKEN });
    const ex = await exampleConfig({
      brokerUrl: broker.url,
      prefix: "schedule-price",
      ha: { url: server.httpUrl, tokenEnv: "HA_TEST_TOKEN" },
    });
    dataDir = ex.dataDir;
    const config = ex.config;
    config.automations.exportLimit = undefined;
    config.automations.schedule = {
      price: { entity: ENTITY, below: 0, hysteresis: 0.01, action: "off", minOffMinutes: 20 },
    };
    const site: SimSite = simSiteFromConfig(config, { seed: 11, clearSky: true });
    server.setState(ENTITY, "0.104", { unit_of_measurement: "EUR/kWh" });
    rig = await startRig({
      config,
      site,
      startMs: at("12:00"),
      speed: 60,
      logger: captureLogger("info").logger,
      env: { HA_TEST_TOKEN: TOKEN },
      haLink: { backoff: { initialMs: 20, maxMs: 200 } },
    });
    const r = rig;
    const states: ScheduleSnapshot[] = [];
    r.running.controller.bus.on("scheduleState", states, ({ snapshot }) => {
      states.push(snapshot);
    });
    const limits = () => site.inverters.map((i) => i.limitW());
    const all = (w: number) => limits().every((x) => Math.abs(x - w) < 0.5);
    const readBack = () =>
      config.inverters.every(
        (i) => Math.abs((r.running.controller.tracker.get(i.serial)?.maxPowerW ?? -9) - 500) < 0.5,
      );

    await waitFor("every limit read back at 500 W per panel", readBack);
    expect(r.running.controller.schedule?.snapshot?.state).toBe("on");

    const negativeAt = r.clock.now();
    server.setState(ENTITY, "-0.021", { unit_of_measurement: "EUR/kWh" });
    const offAt = await waitFor("all at 20 W per panel", () => all(20) && r.clock.now(), 60_000);
    expect(offAt - negativeAt).toBeLessThan(5 * 60_000);
    await waitFor("off verified", () => states.at(-1)?.verified && states.at(-1)?.state === "off");
    expect(states.at(-1)?.reason).toMatch(/price/);

    // Positive again at once: the inverters stay at the minimum until 20 minutes after the cut began.
    server.setState(ENTITY, "0.087", { unit_of_measurement: "EUR/kWh" });
    const onAt = await waitFor("all back at 500 W per panel", () => all(500) && r.clock.now(), 120_000);
    expect(onAt - negativeAt).toBeGreaterThanOrEqual(20 * 60_000);
    expect(onAt - negativeAt).toBeLessThan(26 * 60_000);
    await waitFor("on verified", () => states.at(-1)?.verified && states.at(-1)?.state === "on");
  });
});
