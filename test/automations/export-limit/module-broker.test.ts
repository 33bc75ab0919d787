/**
 * The export limiter end to end: the real controller with its limiter module, a real broker (aedes, and
 * mosquitto where installed — always in CI), the stick emulator in-process on a scaled clock, and a grid
 * meter played from the emulator's truth (a house using LOAD_W minus the inverters' true AC output) by a
 * Tasmota SML reader that reports export as positive kW (value_key SML.Power, invert, unit kW).
 * Every claim is checked against what the emulated inverters store and give, in W per panel and W on air.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { simSiteFromConfig } from "../../../src/sim/from-config.ts";
import type { SimSite } from "../../../src/sim/site.ts";
import { loadConfig } from "../../../src/site/config/index.ts";
import type { SiteConfig } from "../../../src/site/config/types.ts";
import { brokerKinds, type TestBroker } from "../../helpers/brokers.ts";
import { checkDeviceDiscovery, expandDeviceDiscovery } from "../../helpers/ha-discovery-schema.ts";
import { type CapturedLog, captureLogger } from "../../helpers/log-capture.ts";
import { waitFor } from "../../helpers/wait.ts";
import { type Rig, SmlMeter, startRig } from "./rig.ts";

// Midsummer noon in Amsterdam, clear sky: 16 × 400 Wp give far more than the house uses.
const START = Date.parse("2026-06-21T12:00:00+02:00");
const SPEED = 10;
const LOAD_W = 1000;
const TOPIC = "tele/meter/SENSOR";
/** A reading every 2 simulated seconds. */
const METER_PERIOD_MS = 2000;

vi.setConfig({ testTimeout: 120_000 });

describe.each(brokerKinds())("export limiter with the controller on $name", (kind) => {
  let broker: TestBroker;
  let dataDir: string;
  let config: SiteConfig;
  let site: SimSite;
  let rig: Rig;
  let meter: SmlMeter;
  let ha: MqttClient;
  let log: CapturedLog;
  let meterOn = true;
  /** Another controller (the vendor's ECU) that re-asserts its limit on one inverter every 20 s. */
  let foreign: { serial: string; w: number } | undefined;
  let lastMeterMs = 0;
  const seen = new Map<string, string>();
  /** serial → short address, from the pairing the controller did. */
  const shorts = new Map<string, number>();
  const json = (topic: string) => {
    const p = seen.get(topic);
    return p ? (JSON.parse(p) as Record<string, unknown>) : undefined;
  };
  const exportW = () => {
    const s = rig.latest();
    return s ? s.acPowerW - LOAD_W : undefined;
  };
  const limitsPerPanel = () => site.inverters.map((i) => i.limitW());
  const state = () => rig.states.at(-1)?.s;

  async function start(): Promise<void> {
    rig = await startRig({
      config,
      site,
      startMs: rig ? rig.clock.now() : START,
      speed: SPEED,
      logger: log.logger,
      limitRecheckMs: 60_000,
      ...(rig ? { air: rig.air() } : {}),
      onSample: (s) => {
        // At the sample's time the physics stands exactly there: the one moment a command can go in.
        if (foreign && s.tMs % 20_000 === 0) site.inverter(foreign.serial)!.setMaxPower(foreign.w, s.tMs);
        if (!meterOn || s.tMs % METER_PERIOD_MS !== 0) return;
        lastMeterMs = s.tMs;
        meter.send(LOAD_W - s.acPowerW, s.tMs);
      },
    });
  }

  async function siteCommand(body: string, key?: string): Promise<Record<string, unknown>> {
    const topic = "localecu/site/set/result";
    seen.delete(topic);
    await ha.publishAsync(key ? `localecu/site/set/${key}` : "localecu/site/set", body, { qos: 1 });
    return waitFor(`a reply to ${body}`, () => json(topic));
  }

  beforeAll(async () => {
    broker = await kind.start();
    dataDir = mkdtempSync(join(tmpdir(), "localecu-limiter-"));
    config = await loadConfig(new URL("../../../examples/site.yaml", import.meta.url).pathname);
    config.site.dataDir = dataDir;
    Object.assign(config.mqtt, { url: broker.url, username: undefined, password: undefined, tls: undefined });
    config.automations.exportLimit = {
      targetW: 0,
      meter: { topic: TOPIC, valueKey: "SML.Power", invert: true, unit: "kW" },
      meterTimeoutS: 15,
      maxWritesPerHour: 60,
    };
    site = simSiteFromConfig(config, { seed: 11, clearSky: true });
    ha = await mqtt.connectAsync(broker.url, { reconnectPeriod: 200 });
    ha.on("message", (topic, payload) => seen.set(topic, payload.toString()));
    await ha.subscribeAsync(["homeassistant/#", "localecu/#"]);
    meter = await SmlMeter.connect(broker.url, TOPIC);
    log = captureLogger("debug");
    await start();
    for (const inv of config.inverters) {
      const short = await waitFor(
        `${inv.serial} paired`,
        () => rig.running.controller.tracker.get(inv.serial)?.shortAddress,
      );
      shorts.set(inv.serial, short);
    }
  }, 60_000);

  afterAll(async () => {
    await rig?.stop();
    await meter?.close();
    await ha?.endAsync(true);
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("cuts: the emulated inverters store lower limits and the true export falls to the allowed 0 W", async () => {
    // Unlimited, the roof gives far more than the house uses.
    await waitFor("export before the cut", () => (exportW() ?? 0) > 1000 || undefined);
    expect(limitsPerPanel()).toEqual([500, 500, 500, 500]);
    await waitFor(
      "export held near 0 W",
      () => {
        const e = exportW();
        return e !== undefined && e <= 60 && limitsPerPanel().some((w) => w < 499);
      },
      60_000,
    );
    // The limits are the emulator's truth in W per panel, inside the QS1's 20–500 W.
    for (const w of limitsPerPanel()) expect(w).toBeGreaterThanOrEqual(19.9);
    expect(rig.states.some((x) => x.s.state === "limiting")).toBe(true);
    expect(state()?.totalLimitW).toBeGreaterThan(0);
    // Every write was followed by a poll of that inverter, well before its 300 s schedule (the airtime
    // budget of 20 exchanges a minute can hold it back while four inverters are written at once).
    const sets = rig.frames.filter((f) => f.kind === "set");
    expect(sets.length).toBeGreaterThan(0);
    for (const set of sets.slice(0, -1)) {
      const next = rig.frames.find(
        (f) => f.shortAddress === set.shortAddress && f.tMs >= set.tMs && f.kind === "poll",
      );
      expect(next, `a poll after the write at ${new Date(set.tMs).toISOString()}`).toBeDefined();
      expect(next!.tMs - set.tMs).toBeLessThan(150_000);
    }
    // Every decision is logged once, with its reason.
    const decisions = log.records.filter((r) =>
      /^export limiter (idle|limiting|fallback|alarm|off):/.test(String(r.msg)),
    );
    expect(decisions.length).toBeGreaterThan(0);
    const texts = decisions.map((r) => r.msg);
    for (let i = 1; i < texts.length; i++) expect(texts[i]).not.toBe(texts[i - 1]);
  });

  it("shows its entities on the site device, valid for Home Assistant, with the state on the site topic", async () => {
    const topic = [...seen.keys()].find((t) => /^homeassistant\/device\/localecu_site_.*\/config$/.test(t))!;
    await waitFor("site discovery with the limiter", () => seen.get(topic)?.includes("export_limit_mode"));
    expect(checkDeviceDiscovery(topic, seen.get(topic)!)).toEqual([]);
    const x = expandDeviceDiscovery(JSON.parse(seen.get(topic)!));
    expect(
      Object.keys(x.components)
        .filter((k) => k.startsWith("export_limit"))
        .sort(),
    ).toEqual([
      "export_limit",
      "export_limit_mode",
      "export_limit_state",
      "export_limit_target",
      "export_limit_total",
      "export_limit_writes_today",
    ]);
    // 4 QS1 × 4 panels × 500 W: the allowed export can go up to 8000 W.
    expect(x.components.export_limit_target).toMatchObject({ min: 0, max: 8000, step: 10 });
    await waitFor("limiter keys in the site state", () => json("localecu/site")?.export_limit_state);
    expect(json("localecu/site")).toMatchObject({ export_limit: "ON", export_limit_target: 0 });
    expect(Number(json("localecu/site")?.export_limit_writes_today)).toBeGreaterThan(0);
  });

  it("takes allowed export, mode and the switch from MQTT, refuses bad payloads, and releases the limits when off", async () => {
    expect(await siteCommand('{"export_limit_target": 300}')).toMatchObject({ ok: true });
    await waitFor("target 300 in the state", () => json("localecu/site")?.export_limit_target === 300);
    expect(state()?.targetW).toBe(300);

    const bad = await siteCommand('{"export_limit_mode": "zero"}');
    expect(bad).toMatchObject({ ok: false });
    expect(String(bad.error)).toMatch(
      /export_limit_mode: expected one of export_limit, zero_export, monitor/,
    );

    expect(await siteCommand("monitor", "export_limit_mode")).toMatchObject({ ok: true });
    await waitFor("monitor mode in the state", () => json("localecu/site")?.export_limit_mode === "monitor");
    // Monitor decides and reports but never writes: once writes asked for before are through the queue
    // (half a simulated minute), a simulated minute with room to raise passes without a write.
    const drained = rig.clock.now() + 30_000;
    await waitFor("queued writes through", () => rig.clock.now() > drained);
    const setsInMonitor = rig.frames.filter((f) => f.kind === "set").length;
    const minute = rig.clock.now() + 60_000;
    await waitFor("a simulated minute", () => rig.clock.now() > minute);
    expect(rig.frames.filter((f) => f.kind === "set").length).toBe(setsInMonitor);

    const setsBefore = rig.frames.filter((f) => f.kind === "set").length;
    expect(await siteCommand("export_limit", "export_limit_mode")).toMatchObject({ ok: true });
    expect(await siteCommand('{"export_limit": "OFF"}')).toMatchObject({ ok: true });
    await waitFor("state off", () => json("localecu/site")?.export_limit_state === "off");
    // Off hands the inverters back at full power: every emulated inverter stores 500 W per panel again.
    await waitFor("limits back at 500 W per panel", () => limitsPerPanel().every((w) => w > 499), 60_000);
    expect(rig.frames.filter((f) => f.kind === "set").length).toBeGreaterThan(setsBefore);

    expect(await siteCommand('{"export_limit": "ON", "transaction": 7}')).toMatchObject({
      ok: true,
      transaction: 7,
    });
    expect(await siteCommand('{"export_limit_target": 0}')).toMatchObject({ ok: true });
    await waitFor("limiting again", () => (exportW() ?? 1e9) <= 60 && state()?.state === "limiting", 60_000);
  });

  it("a limit another controller sets raises an alarm and is not fought", async () => {
    const i = limitsPerPanel().findIndex((w) => w < 400);
    expect(i).toBeGreaterThanOrEqual(0);
    const inv = site.inverters[i]!;
    const short = shorts.get(inv.serial)!;
    // Another controller keeps its 450 W per panel on this inverter.
    foreign = { serial: inv.serial, w: 450 };
    const alarm = await waitFor("alarm", () => rig.states.find((x) => x.s.state === "alarm"), 60_000);
    expect(alarm.s.reason).toMatch(new RegExp(`changed the limit of ${inv.serial}`));
    const writesBefore = rig.frames.filter((f) => f.kind === "set" && f.shortAddress === short).length;
    // A minute of simulated time with the meter showing export: nothing is written to that inverter.
    const until = rig.clock.now() + 60_000;
    await waitFor("a simulated minute", () => rig.clock.now() > until, 30_000);
    expect(rig.frames.filter((f) => f.kind === "set" && f.shortAddress === short).length).toBe(writesBefore);
    expect(inv.limitW()).toBe(450);
    expect(json("localecu/site")?.export_limit_state).toBe("alarm");
    foreign = undefined;
    // Off and on again: the user's word that the limiter may take over.
    await siteCommand('{"export_limit": "OFF"}');
    await siteCommand('{"export_limit": "ON"}');
    await waitFor("limiting again", () => state()?.state === "limiting", 60_000);
  });

  it("falls back within 30 s of simulated time when the meter goes silent, and recovers", async () => {
    meterOn = false;
    const last = lastMeterMs;
    const from = rig.states.length;
    const fb = await waitFor(
      "fallback",
      () => rig.states.slice(from).find((x) => x.s.state === "fallback"),
      60_000,
    );
    expect(fb.tMs - last).toBeLessThanOrEqual(30_000);
    expect(fb.s.reason).toMatch(/no grid meter value for \d+ s/);
    meterOn = true;
    await waitFor("out of fallback", () => state()?.state !== "fallback", 60_000);
  });

  it("falls back when the broker connection is lost", async () => {
    const from = rig.states.length;
    await broker.restart();
    const fb = await waitFor(
      "fallback",
      () => rig.states.slice(from).find((x) => x.s.state === "fallback"),
      60_000,
    );
    expect(fb.s.reason).toMatch(/lost the link to the MQTT broker/);
    await waitFor("out of fallback", () => state()?.state !== "fallback", 60_000);
  });

  it("logs a garbage meter payload once per kind, with the topic and the fix, and keeps running", async () => {
    const before = log.records.length;
    meter.raw("offline");
    meter.raw("offline");
    meter.raw('{"SML":{"Power_curr":0.1}}');
    meter.raw('{"SML":{"Power_curr":0.1}}');
    await waitFor("both problems logged", () => {
      const lines = log.records.slice(before).filter((r) => /grid meter/.test(String(r.msg)));
      return lines.length >= 2 || undefined;
    });
    const lines = log.records
      .slice(before)
      .filter((r) => /grid meter/.test(String(r.msg)))
      .map((r) => String(r.msg));
    expect(lines.filter((l) => l.includes("is not JSON"))).toEqual([
      `export limiter: grid meter ${TOPIC}: payload is not JSON (offline), but meter.value_key "SML.Power" expects a JSON object — remove value_key if the topic carries a bare number`,
    ]);
    expect(lines.filter((l) => l.includes('no "SML.Power"'))).toHaveLength(1);
    expect(lines.find((l) => l.includes('no "SML.Power"'))).toMatch(/one of: SML\.Power_curr/);
    await waitFor("still limiting", () => state()?.state === "limiting" || state()?.state === "idle", 30_000);
  });

  it("after a restart reads every limit before writing any, and keeps the user's allowed export", async () => {
    expect(await siteCommand('{"export_limit_target": 100}')).toMatchObject({ ok: true });
    const limitsBefore = limitsPerPanel();
    const writesBefore = state()!.writesToday;
    expect(writesBefore).toBeGreaterThan(0);
    await rig.stop();
    await start();
    expect(state()?.targetW).toBe(100);
    // The day's writes carry over the restart (same simulated day).
    expect(state()!.writesToday).toBeGreaterThanOrEqual(writesBefore);
    await waitFor(
      "limiting after the restart",
      () => state()?.state === "limiting" && state()?.totalLimitW,
      60_000,
    );
    for (const short of shorts.values()) {
      const mine = rig.frames.filter((f) => f.shortAddress === short);
      const firstQuery = mine.findIndex((f) => f.kind === "query");
      const firstSet = mine.findIndex((f) => f.kind === "set");
      expect(firstQuery).toBeGreaterThanOrEqual(0);
      if (firstSet >= 0) expect(firstQuery).toBeLessThan(firstSet);
    }
    // The total it reports is what the inverters store (read back, not assumed): 4 panels each.
    await waitFor("total = Σ stored limits", () => {
      const total = state()?.totalLimitW;
      const truth = limitsPerPanel().reduce((n, w) => n + Math.round(w) * 4, 0);
      return total !== undefined && Math.abs(total - truth) <= 4;
    });
    expect(limitsBefore.some((w) => w < 500)).toBe(true);
  });
});
