/**
 * The localecu nodes in the real Node-RED 4.1 runtime against a real controller (emulated stick, 4 QS1
 * from examples/site.yaml) on a real broker: aedes, and mosquitto where installed (always in CI).
 * Values are checked against the emulator's truth in physical units, never against our own decoding.
 */
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { brokerKinds, freePort, type TestBroker } from "../helpers/brokers.ts";
import { startTestController, type TestController } from "./controller.ts";
import { allNodes, catchNode, collect, type FlowNode, helper } from "./runtime.ts";

/**
 * How far a published QS1 value may sit from the emulator's truth: half a wire step plus half the
 * published digit (the same reasoning as test/e2e/controller.test.ts, written out here).
 */
const TOL = { dcV: 82.5 / 4096 / 2 + 0.005, acV: 1 / (1.3277 * 4) / 2 + 0.05 };

const cfg = (url: string): FlowNode => ({
  id: "cfg",
  type: "localecu-config",
  broker: url,
  baseTopic: "localecu",
});

describe.each(brokerKinds())("localecu nodes against a controller on $name", (kind) => {
  let broker: TestBroker;
  let ctl: TestController;
  let watcher: MqttClient;
  /** Every command publish the broker relays, as a second client sees it. */
  const commands: { topic: string; payload: string }[] = [];

  beforeAll(async () => {
    broker = await kind.start();
    ctl = await startTestController(broker.url);
    watcher = await mqtt.connectAsync(broker.url);
    watcher.on("message", (topic, payload) => {
      if (/\/set(\/[^/]+)?$/.test(topic) && !topic.endsWith("/set/result"))
        commands.push({ topic, payload: payload.toString() });
    });
    await watcher.subscribeAsync(["localecu/+/set", "localecu/+/set/+"]);
    await helper.startServer();
  });

  afterEach(async () => {
    await helper.unload();
  });

  afterAll(async () => {
    await helper.stopServer();
    await watcher?.endAsync(true);
    await ctl?.stop();
    await broker?.stop();
  });

  const first = () => [...ctl.names.entries()][0]!;

  it("localecu in: an inverter's readings, units in the property names, equal to the emulator's truth", async () => {
    const [serial, name] = first();
    await helper.load(allNodes, [
      cfg(broker.url),
      {
        id: "in",
        z: "tab",
        type: "localecu-in",
        server: "cfg",
        device: name,
        input: 0,
        wires: [["out"], ["ev"]],
      },
      { id: "out", z: "tab", type: "helper" },
      { id: "ev", z: "tab", type: "helper" },
    ]);
    const out = collect(helper.getNode("out"));
    const events = collect(helper.getNode("ev"));
    let last = "";
    const msg = await out
      .next(`${name} producing, AC voltage equal to the truth`, (m) => {
        const p = m.payload as Record<string, unknown>;
        const t = ctl.truth.get(serial)?.truth;
        if (p.status !== "producing" || !t) return false;
        last = `${p.ac_voltage_v} vs ${t.acVoltageV}`;
        return Math.abs(Number(p.ac_voltage_v) - t.acVoltageV) <= TOL.acV;
      })
      .catch((e: Error) => {
        throw new Error(`${e.message}; last: ${last}`);
      });
    expect(msg.topic).toBe(name);
    // The status under the node: a green dot with the last power and its time.
    const statuses = (helper.getNode("in") as unknown as { status: { args: [Record<string, string>][] } })
      .status.args;
    expect(statuses.map(([s]) => s)).toContainEqual({
      fill: "green",
      shape: "dot",
      text: expect.stringMatching(/^\d+ W · \d/),
    });
    expect(msg.device).toBe(name);
    const p = msg.payload as Record<string, unknown>;
    // The catalog's units travel in the names: W, kWh, V, Hz, °C → _w, _kwh, _v, _hz, _c.
    expect(Number(p.power_w)).toBeGreaterThan(0);
    expect(typeof p.energy_kwh).toBe("number");
    expect(Number(p.ac_frequency_hz)).toBeGreaterThan(48);
    expect(typeof p.temperature_c).toBe("number");
    // Panel values belong to the panel messages, not the inverter's.
    expect(Object.keys(p).filter((k) => /_ch\d/.test(k))).toEqual([]);
    expect(p).not.toHaveProperty("power");
    // Its findings leave on output 2, under the names HA shows them with, not among the readings.
    expect(p).not.toHaveProperty("problem");
    const findings = await events.next("the inverter's findings", (m) => m.kind === "findings");
    expect(findings).toMatchObject({ topic: `${name}/findings`, payload: { problem: false, findings: [] } });
  });

  it("localecu in: one panel's readings and the site's readings with the limiter state on output 2", async () => {
    const [serial, name] = first();
    await helper.load(allNodes, [
      cfg(broker.url),
      {
        id: "panel",
        z: "tab",
        type: "localecu-in",
        server: "cfg",
        device: name,
        input: 3,
        wires: [["p"], []],
      },
      {
        id: "siteIn",
        z: "tab",
        type: "localecu-in",
        server: "cfg",
        device: "site",
        input: 0,
        wires: [["s"], ["e"]],
      },
      { id: "p", z: "tab", type: "helper" },
      { id: "s", z: "tab", type: "helper" },
      { id: "e", z: "tab", type: "helper" },
    ]);
    const panel = collect(helper.getNode("p"));
    const site = collect(helper.getNode("s"));
    const events = collect(helper.getNode("e"));
    await panel.next("input 3's DC voltage equal to the truth", (m) => {
      const t = ctl.truth.get(serial)?.truth.channels[2];
      const v = (m.payload as Record<string, unknown>).dc_voltage_v;
      return t !== undefined && Math.abs(Number(v) - t.voltageV) <= TOL.dcV;
    });
    const pm = panel.seen.at(-1)!;
    expect(pm.topic).toBe(`${name}/ch3`);
    expect(pm.input).toBe(3);
    expect(Object.keys(pm.payload as object)).toEqual(
      expect.arrayContaining(["dc_voltage_v", "dc_current_a"]),
    );
    const s = await site.next(
      "site power",
      (m) => Number((m.payload as Record<string, unknown>).power_w) > 0,
    );
    expect(s.topic).toBe("site");
    expect(s.payload).not.toHaveProperty("export_limit_state");
    const lim = await events.next("limiter state");
    expect(lim).toMatchObject({ topic: "site/export_limit", kind: "limiter" });
    expect(lim.payload).toHaveProperty("export_limit_state");
    expect(lim.payload).toHaveProperty("export_limit_target_w", 0);
    // The fault diagnosis (site.yaml's automations.faults) runs: no open findings on a clear day.
    const findings = await events.next("site findings", (m) => m.kind === "findings");
    expect(findings).toMatchObject({ topic: "site/findings", payload: { faults_open: 0, findings: [] } });
    expect(s.payload).not.toHaveProperty("faults_open");
  });

  it("the editor's device list comes from the controller's announced devices", async () => {
    await helper.load(allNodes, [cfg(broker.url)]);
    let body: { devices: { name: string; model: string; channels: number }[] } = { devices: [] };
    for (let i = 0; i < 100 && body.devices.length < 4; i++) {
      const r = await helper.request().get("/localecu/devices/cfg");
      expect(r.status).toBe(200);
      body = r.body as typeof body;
      if (body.devices.length < 4) await new Promise((res) => setTimeout(res, 100));
    }
    expect(body.devices.map((d) => d.name).sort()).toEqual([...ctl.names.values()].sort());
    expect(body.devices.every((d) => d.model === "QS1" && d.channels === 4)).toBe(true);
  });

  it("localecu control: max_power reaches the emulated inverter and the verified result comes out", async () => {
    const [serial, name] = first();
    await helper.load(allNodes, [
      cfg(broker.url),
      {
        id: "ctl",
        z: "tab",
        type: "localecu-control",
        server: "cfg",
        device: name,
        command: "max_power",
        wires: [["out"]],
      },
      {
        id: "in",
        z: "tab",
        type: "localecu-in",
        server: "cfg",
        device: name,
        input: 0,
        wires: [["readings"], []],
      },
      { id: "out", z: "tab", type: "helper" },
      { id: "readings", z: "tab", type: "helper" },
    ]);
    const out = collect(helper.getNode("out"));
    const readings = collect(helper.getNode("readings"));
    // Commands need a paired inverter: wait until the controller has it producing.
    await readings.next(
      `${name} producing`,
      (m) => (m.payload as { status?: string }).status === "producing",
    );
    helper.getNode("ctl").receive({ payload: 250 });
    const r = await out.next("the controller's result");
    expect(r.topic).toBe(name);
    expect(r.payload).toMatchObject({ ok: true, outcome: "applied", control_status: "confirmed" });
    // QS1: 250 W per panel, as the emulated inverter now holds it.
    expect(ctl.site.inverter(serial)!.limitW()).toBeCloseTo(250, 0);
    expect(commands.at(-1)?.payload).toMatch(/"max_power":250/);
  });

  it("localecu control: the site's allowed export is set and verified", async () => {
    await helper.load(allNodes, [
      cfg(broker.url),
      {
        id: "ctl",
        z: "tab",
        type: "localecu-control",
        server: "cfg",
        device: "site",
        command: "export_limit_target",
        wires: [["out"]],
      },
      { id: "out", z: "tab", type: "helper" },
    ]);
    const out = collect(helper.getNode("out"));
    helper.getNode("ctl").receive({ payload: 300 });
    const r = await out.next("the site's result");
    expect(r.payload).toMatchObject({ ok: true, command: { kind: "export_limit_target", watts: 300 } });
  });

  it.each([
    ["above the QS1's 500 W per panel", { payload: { max_power: 900 } }, /900.*500/],
    ["not a number", { payload: { max_power: "lots" } }, /max_power/],
    ["an unknown key", { payload: { max_powr: 250 } }, /max_powr.*max_power/],
    ["two controls at once", { payload: { max_power: 250, state: "OFF" } }, /one control/],
    ["an unknown inverter", { device: "nope", payload: { poll: true } }, /no inverter named "nope"/],
  ])(
    "localecu control: a bad message (%s) gets node.error and nothing reaches the broker",
    async (_w, msg, why) => {
      const [, name] = first();
      await helper.load(
        [...allNodes, catchNode],
        [
          cfg(broker.url),
          {
            id: "ctl",
            z: "tab",
            type: "localecu-control",
            server: "cfg",
            device: "",
            command: "",
            wires: [["out"]],
          },
          { id: "out", z: "tab", type: "helper" },
          { id: "catcher", z: "tab", type: "catch", scope: null, uncaught: false, wires: [["err"]] },
          { id: "err", z: "tab", type: "helper" },
        ],
      );
      const out = collect(helper.getNode("out"));
      const err = collect(helper.getNode("err"));
      const before = commands.length;
      helper.getNode("ctl").receive({ device: name, ...msg });
      const e = await err.next("node.error");
      expect((e.error as { message: string }).message).toMatch(why);
      // Then a good command: once its result is out, the broker has relayed it and only it.
      helper.getNode("ctl").receive({ device: name, payload: { poll: true } });
      const ok = await out.next("the poll's result");
      expect(ok.payload).toMatchObject({ ok: true });
      expect(commands.slice(before).map((c) => JSON.parse(c.payload))).toEqual([
        { poll: true, transaction: expect.any(String) },
      ]);
      expect(out.seen).toHaveLength(1);
    },
  );

  it("a broker that cannot be reached shows as a red ring, not an exception", async () => {
    const closed = `mqtt://127.0.0.1:${await freePort()}`;
    await helper.load(allNodes, [
      cfg(closed),
      { id: "in", z: "tab", type: "localecu-in", server: "cfg", device: "site", input: 0, wires: [[], []] },
    ]);
    const node = helper.getNode("in") as unknown as { status: { args: [Record<string, string>][] } };
    for (let i = 0; i < 100 && !node.status.args.some(([s]) => s.fill === "red"); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(node.status.args.map(([s]) => s)).toContainEqual({
      fill: "red",
      shape: "ring",
      text: expect.stringMatching(/^disconnected/),
    });
  });

  it("a redeploy closes the old connection; credentials stay out of the flow", async () => {
    await helper.load(allNodes, [cfg(broker.url)], { cfg: { username: "nr-user", password: "s3cret-pw" } });
    const node = helper.getNode("cfg") as unknown as {
      link: { client: MqttClient };
      credentials: Record<string, string>;
    };
    expect(node.credentials).toEqual({ username: "nr-user", password: "s3cret-pw" });
    const old = node.link.client;
    // The editor sends credentials inline with a deploy; the runtime moves them to its credential store.
    await helper.setFlows([
      { ...cfg(broker.url), baseTopic: "localecu", credentials: { username: "nr-user", password: "n3w-pw" } },
      { id: "in", z: "tab", type: "localecu-in", server: "cfg", device: "site", input: 0, wires: [[], []] },
    ]);
    expect(old.disconnected).toBe(true);
    expect(old.connected).toBe(false);
    const exported = JSON.stringify(helper._redNodes.getFlows().flows);
    expect(exported).not.toMatch(/s3cret-pw|n3w-pw/);
    expect(exported).not.toMatch(/"password"/);
    const fresh = helper.getNode("cfg") as unknown as { credentials: Record<string, string> };
    expect(fresh.credentials.password).toBe("n3w-pw");
  });
});
