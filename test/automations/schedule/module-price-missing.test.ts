/**
 * A missing price end to end: the price entity on the Home Assistant protocol server goes `unavailable`,
 * then `unknown`, while a negative price holds the four emulated QS1s at their minimum. The schedule falls
 * back to running them (docs/schedule.md: a missing price never keeps inverters off), says "price
 * unavailable" in its reason, writes nothing more while the price stays missing, and cuts again when a
 * negative price returns. Minimum times are 0 here, so every change is due at once.
 */
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ScheduleSnapshot } from "../../../src/entities/snapshot.ts";
import { simSiteFromConfig } from "../../../src/sim/from-config.ts";
import { brokerKinds, type TestBroker } from "../../helpers/brokers.ts";
import { exampleConfig } from "../../helpers/example-config.ts";
import { HaTestServer } from "../../helpers/ha-server.ts";
import { captureLogger } from "../../helpers/log-capture.ts";
import { waitFor } from "../../helpers/wait.ts";
import { type Rig, startRig } from "../export-limit/rig.ts";

const TOKEN = "eyJ.schedule-missing.sig";
const ENTITY = "sensor.tibber_price";
const UNIT = { unit_of_measurement: "EUR/kWh" };
const at = (hhmm: string) => Date.parse(`2026-06-21T${hhmm}:00+02:00`);

vi.setConfig({ testTimeout: 180_000 });

describe("schedule with a price entity that goes missing", () => {
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

  it("unavailable or unknown runs the inverters and says so; a negative price back cuts again", async () => {
    broker = await brokerKinds()[0]!.start();
    server = await HaTestServer.start({ token: TOKEN });
    const ex = await exampleConfig({
      brokerUrl: broker.url,
      prefix: "schedule-missing",
      ha: { url: server.httpUrl, tokenEnv: "HA_TEST_TOKEN" },
    });
    dataDir = ex.dataDir;
    const config = ex.config;
    config.automations.exportLimit = undefined;
    config.automations.schedule = { price: { entity: ENTITY, below: 0, action: "off" } };
    const site = simSiteFromConfig(config, { seed: 11, clearSky: true });
    server.setState(ENTITY, "-0.021", UNIT);
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
    const all = (w: number) => site.inverters.every((i) => Math.abs(i.limitW() - w) < 0.5);
    const sets = () => r.frames.filter((f) => f.kind === "set").length;
    const settled = (state: string) => () =>
      states.at(-1)?.verified && states.at(-1)?.state === state && states.at(-1)!;

    // Negative: the minimum, 20 W per panel in the emulator.
    await waitFor("all at 20 W per panel", () => all(20), 60_000);
    expect((await waitFor("off verified", settled("off"))).reason).toBe(
      "off: negative price −0.021 EUR/kWh below 0.00",
    );

    // HA says unavailable (the integration lost its source): run, and say why.
    server.setState(ENTITY, "unavailable", UNIT);
    await waitFor("all back at 500 W per panel", () => all(500), 60_000);
    const gone = await waitFor("on verified", settled("on"));
    expect(gone.reason).toBe(
      "on: no rule or price cut applies; price unavailable: no price cut until it is back",
    );

    // Unknown after an HA restart: the same, and nothing more is written while it lasts.
    const before = sets();
    const unknownAt = r.clock.now();
    server.setState(ENTITY, "unknown", UNIT);
    await waitFor("5 simulated minutes", () => r.clock.now() >= unknownAt + 5 * 60_000, 60_000);
    expect(all(500)).toBe(true);
    expect(sets()).toBe(before);
    expect(states.at(-1)?.reason).toMatch(/price unavailable/);

    // The price is back and still negative: cut again.
    server.setState(ENTITY, "-0.004", UNIT);
    await waitFor("all at 20 W per panel again", () => all(20), 60_000);
    expect((await waitFor("off verified again", settled("off"))).reason).toBe(
      "off: negative price −0.004 EUR/kWh below 0.00",
    );
  });
});
