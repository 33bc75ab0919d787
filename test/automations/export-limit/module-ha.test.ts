/**
 * The export limiter with a Home Assistant entity as its grid meter: the real controller and its HA link
 * against the HA websocket protocol server (test/helpers/ha-server.ts), a real broker, and the stick
 * emulator. The entity's state is the house's balance from the emulator's truth (LOAD_W minus the
 * inverters' true output), in kW with export negative, as a P1 integration reports it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { simSiteFromConfig } from "../../../src/sim/from-config.ts";
import type { SimSite } from "../../../src/sim/site.ts";
import { loadConfig } from "../../../src/site/config/index.ts";
import { makeSecretRef } from "../../../src/site/config/secret.ts";
import { brokerKinds, type TestBroker } from "../../helpers/brokers.ts";
import { HaTestServer } from "../../helpers/ha-server.ts";
import { type CapturedLog, captureLogger } from "../../helpers/log-capture.ts";
import { waitFor } from "../../helpers/wait.ts";
import { type Rig, startRig } from "./rig.ts";

const START = Date.parse("2026-06-21T12:00:00+02:00");
const LOAD_W = 1000;
const TOKEN = "eyJ.limiter-test.sig";
const ENTITY = "sensor.grid_power";

vi.setConfig({ testTimeout: 120_000 });

describe("export limiter reading a Home Assistant entity", () => {
  let broker: TestBroker;
  let server: HaTestServer;
  let dataDir: string;
  let site: SimSite;
  let rig: Rig;
  let log: CapturedLog;
  /** What the meter entity reports: the balance in kW, or a state set by the test. */
  let meter: "kW" | { state: string; unit: string } = "kW";

  beforeAll(async () => {
    broker = await brokerKinds()[0]!.start();
    server = await HaTestServer.start({ token: TOKEN });
    dataDir = mkdtempSync(join(tmpdir(), "localecu-limiter-ha-"));
    const config = await loadConfig(new URL("../../../examples/site.yaml", import.meta.url).pathname);
    config.site.dataDir = dataDir;
    Object.assign(config.mqtt, { url: broker.url, username: undefined, password: undefined, tls: undefined });
    config.homeassistant = { url: server.httpUrl, token: makeSecretRef(undefined, "HA_TEST_TOKEN") };
    config.automations.exportLimit = {
      targetW: 0,
      meter: { entity: ENTITY },
      meterTimeoutS: 15,
      maxWritesPerHour: 60,
    };
    site = simSiteFromConfig(config, { seed: 11, clearSky: true });
    log = captureLogger("info");
    rig = await startRig({
      config,
      site,
      startMs: START,
      speed: 10,
      logger: log.logger,
      env: { HA_TEST_TOKEN: TOKEN },
      haLink: { backoff: { initialMs: 20, maxMs: 200 } },
      onSample: (s) => {
        if (s.tMs % 2000 !== 0) return;
        if (meter === "kW") {
          // −0.2341 kW: HA keeps the string the integration reports.
          server.setState(ENTITY, ((LOAD_W - s.acPowerW) / 1000).toFixed(4), { unit_of_measurement: "kW" });
        } else server.setState(ENTITY, meter.state, { unit_of_measurement: meter.unit });
      },
    });
  }, 60_000);

  afterAll(async () => {
    await rig?.stop();
    await server?.close();
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const state = () => rig.states.at(-1)?.s;
  const limitsPerPanel = () => site.inverters.map((i) => i.limitW());

  it("cuts to the allowed 0 W from the entity's kW: the emulated inverters store lower limits", async () => {
    await waitFor(
      "export held near 0 W",
      () => {
        const s = rig.latest();
        return s !== undefined && s.acPowerW - LOAD_W <= 60 && limitsPerPanel().some((w) => w < 499);
      },
      60_000,
    );
    expect(rig.states.some((x) => x.s.state === "limiting")).toBe(true);
  });

  it("an entity in kWh is refused once, naming the entity and the setting, and the limiter falls back", async () => {
    const from = rig.states.length;
    meter = { state: "1234.5", unit: "kWh" };
    const fb = await waitFor(
      "fallback",
      () => rig.states.slice(from).find((x) => x.s.state === "fallback"),
      60_000,
    );
    expect(fb.s.reason).toMatch(/no grid meter value/);
    const lines = log.records.filter((r) => String(r.msg).includes('reports in "kWh"')).map((r) => r.msg);
    expect(lines).toEqual([
      `export limiter: grid meter ${ENTITY} reports in "kWh"; the export limiter needs a power entity in W or kW — set automations.export_limit.meter.entity to your grid power sensor (not an energy or current sensor)`,
    ]);
    meter = "kW";
    await waitFor("out of fallback", () => state()?.state !== "fallback", 60_000);
  });

  it("'unavailable' is no sample: the meter goes stale instead of reading 0 W", async () => {
    const from = rig.states.length;
    meter = { state: "unavailable", unit: "kW" };
    const fb = await waitFor(
      "fallback",
      () => rig.states.slice(from).find((x) => x.s.state === "fallback"),
      60_000,
    );
    expect(fb.s.reason).toMatch(/no grid meter value/);
    meter = "kW";
    await waitFor("out of fallback", () => state()?.state !== "fallback", 60_000);
  });

  it("Home Assistant going down is a fallback naming the link; it recovers when HA is back", async () => {
    const from = rig.states.length;
    await server.goDown();
    const fb = await waitFor(
      "fallback",
      () => rig.states.slice(from).find((x) => x.s.state === "fallback"),
      60_000,
    );
    expect(fb.s.reason).toMatch(/lost the link to Home Assistant/);
    await server.comeBack();
    await waitFor("out of fallback", () => state()?.state !== "fallback", 60_000);
    expect(log.text()).not.toContain(TOKEN);
  });
});
