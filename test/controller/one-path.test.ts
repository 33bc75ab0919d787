/**
 * One path for every reading, proven on the running controller (emulated stick → radio → hosted converter
 * definitions → energy store → MQTT on aedes): each reply is decoded once and booked once, and on/off shows
 * what the inverter was told and what its output proves, never a stale average.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { scaledClock } from "../../src/controller/clock.ts";
import { type RunningController, runController } from "../../src/controller/run.ts";
import { createLogger } from "../../src/log.ts";
import { openStreamTransport } from "../../src/radio/transport/url.ts";
import { StickEmulator } from "../../src/sim/emulator/stick.ts";
import { simSiteFromConfig } from "../../src/sim/from-config.ts";
import type { SimSite } from "../../src/sim/site.ts";
import { loadConfig } from "../../src/site/config/index.ts";
import { EnergyStore } from "../../src/site/store/index.ts";
import { brokerKinds, type TestBroker } from "../helpers/brokers.ts";
import { waitFor } from "../helpers/wait.ts";

// Count the codec's telemetry decoders wherever they are called from (radio, converter, anything).
const decodes = vi.hoisted(() => ({ qs1: 0 }));
vi.mock("../../src/protocol/telemetry-qs1.ts", async (importOriginal) => {
  const m = await importOriginal<typeof import("../../src/protocol/telemetry-qs1.ts")>();
  return {
    ...m,
    decodeQs1Telemetry: (...args: Parameters<typeof m.decodeQs1Telemetry>) => {
      decodes.qs1++;
      return m.decodeQs1Telemetry(...args);
    },
  };
});

const START = Date.parse("2026-06-21T11:00:00+02:00");
const SPEED = 120; // a 300 s poll interval passes in 2.5 s
const SERIAL = "801000012345";

describe("the controller's one path", () => {
  const aedes = brokerKinds()[0]!;
  let broker: TestBroker;
  let running: RunningController;
  let ha: MqttClient;
  let site: SimSite;
  let dataDir: string;
  let name: string;
  /** Every state message of the first inverter, in order. */
  const states: Record<string, unknown>[] = [];
  /** Telemetry replies the emulated inverters sent, per serial, with the true output on air. */
  const sent = new Map<string, { count: number; acPowerW: number[] }>();
  let records = 0;
  let reported = 0;

  beforeAll(async () => {
    broker = await aedes.start();
    dataDir = mkdtempSync(join(tmpdir(), "localecu-one-path-"));
    const config = await loadConfig(new URL("../../examples/site.yaml", import.meta.url).pathname);
    config.site.dataDir = dataDir;
    Object.assign(config.mqtt, { url: broker.url, username: undefined, password: undefined, tls: undefined });
    name = config.inverters.find((i) => i.serial === SERIAL)!.label;
    site = simSiteFromConfig(config, { seed: 3, clearSky: true });
    ha = await mqtt.connectAsync(broker.url);
    ha.on("message", (topic, payload) => {
      if (topic === `localecu/${name}` && payload.length > 0) states.push(JSON.parse(payload.toString()));
    });
    await ha.subscribeAsync(`localecu/${name}`);

    const record = EnergyStore.prototype.record;
    vi.spyOn(EnergyStore.prototype, "record").mockImplementation(function (this: EnergyStore, ...a) {
      records++;
      return record.apply(this, a);
    });
    const clock = scaledClock(START, SPEED);
    const transport = openStreamTransport(
      () =>
        new StickEmulator({
          inverters: site.inverters,
          seed: 3,
          now: () => clock.now(),
          onTelemetry: (e) => {
            const s = sent.get(e.truth.serial) ?? { count: 0, acPowerW: [] };
            s.count++;
            s.acPowerW.push(e.truth.acPowerW);
            sent.set(e.truth.serial, s);
          },
        }),
      { url: "emulator://one-path", clock },
    );
    running = await runController({
      config,
      logger: createLogger({ level: process.env.LOCALECU_TEST_LOG ?? "silent", pretty: true }),
      clock,
      transport,
      stick: { ecuId: "D8A3011B9780", pairing: { stepMs: 50 } },
    });
    running.controller.bus.on("inverterReported", {}, () => {
      reported++;
    });
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await running?.stop();
    await ha?.endAsync(true);
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const command = async (body: Record<string, unknown>) => {
    const results: Record<string, unknown>[] = [];
    const topic = `localecu/${name}/set/result`;
    const onMsg = (t: string, p: Buffer) => {
      if (t === topic) results.push(JSON.parse(p.toString()));
    };
    ha.on("message", onMsg);
    await ha.subscribeAsync(topic);
    await ha.publishAsync(`localecu/${name}/set`, JSON.stringify(body), { qos: 1 });
    const r = await waitFor(`a result for ${JSON.stringify(body)}`, () => results[0]);
    ha.off("message", onMsg);
    await ha.unsubscribeAsync(topic);
    return r;
  };

  /** Waits until `n` more telemetry replies of SERIAL have been sent by the emulator and published. */
  const morePolls = async (n: number) => {
    const target = (sent.get(SERIAL)?.count ?? 0) + n;
    await waitFor(`${n} more polls`, () => (sent.get(SERIAL)?.count ?? 0) >= target);
    // The published state follows the reply it came from within a few event-loop turns.
    const published = states.length;
    await waitFor("the state of the last poll", () => states.length > published || undefined);
  };

  it("OFF → several polls → ON: every published state shows what the inverter was told", async () => {
    await waitFor("producing", () => states.at(-1)?.status === "producing" || undefined);
    // Before its first reading nothing about its output is known: no "idle, 0 W" dip on the way up.
    const before = states.slice(
      0,
      states.findIndex((s) => s.status === "producing"),
    );
    expect(before.length).toBeGreaterThan(0);
    for (const s of before) {
      expect(["unpaired", "starting"]).toContain(s.status);
      expect(s.power).toBeNull();
    }
    // Producing before anyone switched it: its output proves it is on.
    expect(states.at(-1)?.state).toBe("ON");

    const off = await command({ state: "OFF" });
    expect(off).toMatchObject({ ok: true });
    const fromOff = states.length;
    await morePolls(4);
    const afterOff = states.slice(fromOff);
    expect(afterOff.length).toBeGreaterThanOrEqual(4);
    for (const s of afterOff)
      expect({ state: s.state, status: s.status }).toEqual({ state: "OFF", status: "off" });
    // The emulated inverter stopped at once (its truth): 0 W on air for the polls after the command.
    expect(sent.get(SERIAL)!.acPowerW.slice(-3)).toEqual([0, 0, 0]);
    // The first poll after OFF still averages output from before it; by the last one power reads 0 W.
    expect(afterOff.at(-1)?.power).toBe(0);

    const on = await command({ state: "ON" });
    expect(on).toMatchObject({ ok: true });
    const fromOn = states.length;
    await waitFor("producing again", () => states.at(-1)?.status === "producing" || undefined);
    for (const s of states.slice(fromOn)) expect(s.state).toBe("ON");
  });

  it("decodes each telemetry reply once and books it once", async () => {
    await morePolls(1);
    // Quiesce: no new replies while counting (the poll schedule is 300 s of demo time = 2.5 s here).
    await running.stop();
    const replies = [...sent.values()].reduce((a, s) => a + s.count, 0);
    expect(replies).toBeGreaterThanOrEqual(4);
    expect(decodes.qs1).toBe(replies);
    expect(records).toBe(replies);
    expect(reported).toBe(replies);
  });
});
