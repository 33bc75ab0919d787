import { describe, expect, it, vi } from "vitest";
import type { Command } from "../../src/entities/commands.ts";
import { type CommandOutcome, EntityPublisher } from "../../src/entities/publisher.ts";
import type { InverterSnapshot } from "../../src/entities/snapshot.ts";
import { modelByName } from "../../src/protocol/models.ts";
import { checkDeviceDiscovery, checkUniqueIds } from "../helpers/ha-discovery-schema.ts";
import { FakeMqttClient } from "../helpers/mqtt-fake.ts";
import { CTX, producing, SITE, sleeping } from "./fixtures.ts";

const QS1 = producing("qs1", "Roof east 1");
const DS3 = producing("ds3", "Shed");
const QS1_CONFIG = "homeassistant/device/localecu_801000085070/config";
const DS3_CONFIG = "homeassistant/device/localecu_703000021300/config";

function setup(
  onCommand: (serial: string, c: Command) => CommandOutcome | Promise<CommandOutcome> = () => ({ ok: true }),
) {
  const client = new FakeMqttClient();
  const commands = vi.fn(onCommand);
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const publisher = new EntityPublisher({
    client,
    baseTopic: "localecu",
    discoveryPrefix: "homeassistant",
    bridgeId: CTX.bridgeId,
    origin: CTX.origin,
    ...(CTX.coordinatorIeee ? { coordinatorIeee: CTX.coordinatorIeee } : {}),
    onCommand: commands,
    log,
  });
  return { client, publisher, commands, log };
}

function started(inverters: InverterSnapshot[] = [QS1, DS3]) {
  const s = setup();
  for (const inv of inverters) s.publisher.updateInverter(inv);
  s.publisher.updateSite(SITE);
  s.publisher.start();
  return s;
}

const configs = (client: FakeMqttClient) =>
  client.published.filter((p) => p.topic.startsWith("homeassistant/device/"));

describe("start", () => {
  it("publishes nothing before start, then bridge online, retained discovery for every device, and state", () => {
    const { client, publisher } = setup();
    publisher.updateInverter(QS1);
    publisher.updateSite(SITE);
    expect(client.published).toEqual([]);
    publisher.start();
    expect(client.published[0]).toEqual({
      topic: "localecu/bridge/state",
      payload: '{"state":"online"}',
      retain: true,
      qos: 1,
    });
    expect(configs(client).map((p) => [p.topic, p.retain])).toEqual([
      ["homeassistant/device/localecu_bridge_d8a3011b9780/config", true],
      ["homeassistant/device/localecu_site_d8a3011b9780/config", true],
      [QS1_CONFIG, true],
    ]);
    const topics = client.published.map((p) => p.topic);
    expect(topics.indexOf(QS1_CONFIG)).toBeLessThan(topics.indexOf("localecu/Roof east 1"));
    expect(client.retained.has("localecu/Roof east 1/availability")).toBe(true);
    expect(client.retained.has("localecu/Roof east 1/controls")).toBe(true);
    expect(client.retained.has("localecu/site")).toBe(true);
    expect(client.subscriptions).toEqual(
      new Set(["homeassistant/status", "localecu/+/set", "localecu/+/set/+"]),
    );
  });

  it("every discovery payload it sends passes the HA checker, with no unique_id twice", () => {
    const { client } = started();
    const sent = configs(client).map((p) => ({ topic: p.topic, text: p.payload }));
    for (const s of sent) expect([s.topic, checkDeviceDiscovery(s.topic, s.text)]).toEqual([s.topic, []]);
    expect(checkUniqueIds(sent)).toEqual([]);
  });

  it("publishes bridge/devices with the coordinator and each inverter", () => {
    const { client } = started();
    const devices = JSON.parse(client.retained.get("localecu/bridge/devices")!) as {
      friendly_name: string;
    }[];
    expect(devices.map((d) => d.friendly_name)).toEqual(["Coordinator", "Roof east 1", "Shed"]);
  });
});

describe("Home Assistant restarts", () => {
  it("re-publishes discovery, then state, when homeassistant/status says online", () => {
    const { client } = started();
    client.clearLog();
    client.inject("homeassistant/status", "online");
    expect(configs(client).map((p) => p.topic)).toContain(QS1_CONFIG);
    const topics = client.published.map((p) => p.topic);
    expect(topics.indexOf(QS1_CONFIG)).toBeLessThan(topics.lastIndexOf("localecu/Roof east 1"));
    expect(topics).toContain("localecu/Roof east 1/availability");
  });

  it("publishAll() restores what a restarted broker lost", () => {
    const { client, publisher } = started();
    const before = new Map(client.retained);
    client.retained.clear();
    publisher.publishAll();
    expect(new Map(client.retained)).toEqual(before);
  });

  it("does nothing when Home Assistant goes offline", () => {
    const { client } = started();
    client.clearLog();
    client.inject("homeassistant/status", "offline");
    expect(client.published).toEqual([]);
  });
});

describe("updates", () => {
  it("sends state every time, discovery and availability only when they change", () => {
    const { client, publisher } = started();
    client.clearLog();
    publisher.updateInverter(sleeping(QS1));
    expect(client.published.map((p) => p.topic)).toEqual(["localecu/Roof east 1"]);
    expect(JSON.parse(client.published[0]!.payload)).toMatchObject({
      power: 0,
      status: "sleeping",
      energy: 1234.567,
    });
    client.clearLog();
    publisher.updateInverter({ ...QS1, status: "unreachable" });
    expect(client.publishedTo("localecu/Roof east 1/availability").map((p) => p.payload)).toEqual([
      '{"state":"offline"}',
    ]);
    client.clearLog();
    publisher.updateInverter({ ...QS1, firmware: "2.0" });
    expect(client.publishedTo(QS1_CONFIG)).toHaveLength(1);
    expect(JSON.parse(client.retained.get(QS1_CONFIG)!).dev.sw).toBe("2.0");
  });

  it("renames the panel entities when site.yaml's panel labels change, and not before", () => {
    const { client, publisher } = started();
    client.clearLog();
    publisher.updateInverter({ ...QS1, status: "unreachable" });
    expect(client.publishedTo(QS1_CONFIG)).toEqual([]);
    publisher.updateInverter({ ...QS1, panels: ["E7", "E8"] });
    expect(client.publishedTo(QS1_CONFIG)).toHaveLength(1);
    const cmps = JSON.parse(client.retained.get(QS1_CONFIG)!).cmps as Record<string, Record<string, unknown>>;
    expect(cmps.dc_voltage_ch1?.name).toBe("Panel E7 (A) DC voltage");
    expect(cmps.dc_voltage_ch2?.name).toBe("Panel E8 (B) DC voltage");
    expect(cmps.dc_voltage_ch3?.name).toBe("Input C DC voltage");
  });

  it("removes the components a model change leaves behind", () => {
    const { client, publisher } = started();
    publisher.updateInverter({ ...QS1, model: modelByName("YC600")! });
    const cmps = JSON.parse(client.retained.get(QS1_CONFIG)!).cmps as Record<string, Record<string, unknown>>;
    expect(cmps.dc_voltage_ch3).toEqual({ p: "sensor" });
    expect(cmps.dc_voltage_ch2?.uniq_id).toBe("localecu_801000085070_dc_voltage_ch2");
    expect(checkDeviceDiscovery(QS1_CONFIG, client.retained.get(QS1_CONFIG)!)).toEqual([]);
  });

  it("clears the old retained topics when an inverter is renamed", () => {
    const { client, publisher } = started();
    publisher.updateInverter({ ...QS1, name: "Roof west 1" });
    expect(client.retained.has("localecu/Roof east 1")).toBe(false);
    expect(client.retained.has("localecu/Roof east 1/availability")).toBe(false);
    expect(client.retained.has("localecu/Roof west 1")).toBe(true);
    expect(JSON.parse(client.retained.get(QS1_CONFIG)!).avty[1].t).toBe("localecu/Roof west 1/availability");
  });

  it("refuses two inverters whose names share a topic", () => {
    const { publisher } = started();
    expect(() => publisher.updateInverter({ ...DS3, name: "Roof east 1" })).toThrow(/would share the topic/);
  });

  it("sends fault events without retain: an inverter's on its topic, a site-wide one on the site's", () => {
    const { client, publisher } = started();
    const gfdi = {
      key: `ground_fault:${QS1.serial}`,
      kind: "ground_fault",
      serial: QS1.serial,
      cause: "dc",
      severity: "fault",
      title: "Ground fault: Roof east 1",
      advice: "Have an installer find the insulation fault.",
      verified: false,
      openedAtMs: Date.parse("2026-06-15T08:42:00Z"),
    };
    publisher.publishFaultEvent("fault_opened", gfdi);
    expect(client.publishedTo("localecu/Roof east 1/event/fault")).toEqual([
      {
        topic: "localecu/Roof east 1/event/fault",
        payload: JSON.stringify({
          event_type: "fault_opened",
          key: "ground_fault:801000085070",
          kind: "ground_fault",
          title: "Ground fault: Roof east 1",
          advice: "Have an installer find the insulation fault.",
          cause: "dc",
          severity: "fault",
          verified: false,
          since: "2026-06-15T08:42:00.000Z",
          serial: "801000085070",
        }),
        retain: false,
        qos: 1,
      },
    ]);
    publisher.publishFaultEvent("fault_cleared", {
      key: "stick_link:site",
      kind: "stick_link",
      cause: "controller",
      severity: "fault",
      title: "ZigBee stick lost",
      advice: "Check the stick is plugged in.",
      verified: true,
      openedAtMs: Date.parse("2026-06-15T08:42:00Z"),
      clearedAtMs: Date.parse("2026-06-15T09:00:00Z"),
    });
    const [m] = client.publishedTo("localecu/site/event/fault");
    expect(m?.retain).toBe(false);
    expect(JSON.parse(m!.payload)).toMatchObject({
      event_type: "fault_cleared",
      key: "stick_link:site",
      cleared: "2026-06-15T09:00:00.000Z",
    });
  });
});

describe("removal", () => {
  it("a retired inverter's discovery and retained topics are deleted and bridge/devices updated", () => {
    const { client, publisher } = started();
    expect(client.retained.has(DS3_CONFIG)).toBe(true);
    publisher.retireInverter(DS3.serial);
    expect(client.publishedTo(DS3_CONFIG).at(-1)).toEqual({
      topic: DS3_CONFIG,
      payload: "",
      retain: true,
      qos: 1,
    });
    expect(client.retained.has(DS3_CONFIG)).toBe(false);
    expect(client.retained.has("localecu/Shed")).toBe(false);
    expect(JSON.parse(client.publishedTo("localecu/bridge/event").at(-1)!.payload)).toEqual({
      type: "device_removed",
      data: { serial: "703000021300", friendly_name: "Shed" },
    });
    const devices = JSON.parse(client.retained.get("localecu/bridge/devices")!) as {
      friendly_name: string;
    }[];
    expect(devices.map((d) => d.friendly_name)).toEqual(["Coordinator", "Roof east 1"]);
  });

  it("keeps the state topic when a replacement took over the name", () => {
    const { client, publisher } = started();
    publisher.retireInverter(QS1.serial, { keepTopics: true });
    expect(client.retained.has(QS1_CONFIG)).toBe(false);
    expect(client.retained.has("localecu/Roof east 1")).toBe(true);
  });
});

describe("commands", () => {
  it("turns a set message into a typed command and publishes the result", async () => {
    const { client, commands } = started();
    client.inject("localecu/Roof east 1/set", '{"max_power": 300, "transaction": "a1"}');
    await client.settle();
    expect(commands).toHaveBeenCalledWith("801000085070", { kind: "max_power", watts: 300, per: "panel" });
    expect(client.publishedTo("localecu/Roof east 1/set/result")).toEqual([
      {
        topic: "localecu/Roof east 1/set/result",
        payload: JSON.stringify({
          ok: true,
          command: { kind: "max_power", watts: 300, per: "panel" },
          transaction: "a1",
        }),
        retain: false,
        qos: 1,
      },
    ]);
  });

  it("handles the /set/<key> form and resolves TOGGLE from the known state", async () => {
    const { client, commands } = started();
    client.inject("localecu/Shed/set/state", "TOGGLE");
    await client.settle();
    expect(commands).toHaveBeenCalledWith("703000021300", { kind: "on_off", on: false });
  });

  it("refuses a bad command before anything reaches the radio", async () => {
    const { client, commands, log } = started();
    client.inject("localecu/Roof east 1/set", '{"max_power": 900}');
    await client.settle();
    expect(commands).not.toHaveBeenCalled();
    const result = JSON.parse(client.publishedTo("localecu/Roof east 1/set/result")[0]!.payload);
    expect(result).toEqual({
      ok: false,
      error:
        "localecu/Roof east 1/set: max_power: 900 is above 500 W per panel for QS1 — send a value between 20 and 500",
    });
    expect(log.warn).toHaveBeenCalled();
  });

  it("refuses a stale retained command found on the broker at startup", async () => {
    const s = setup();
    s.client.inject("localecu/Roof east 1/set", '{"state": "OFF"}', { retain: true });
    s.publisher.updateInverter(QS1);
    s.publisher.start();
    await s.client.settle();
    expect(s.commands).not.toHaveBeenCalled();
    const result = JSON.parse(s.client.publishedTo("localecu/Roof east 1/set/result")[0]!.payload);
    expect(result.error).toContain("refused a retained command");
  });

  it("ignores its own results echoed back by the broker", async () => {
    const { client, commands } = started();
    client.inject("localecu/Roof east 1/set", '{"poll": true}');
    await client.settle();
    expect(commands).toHaveBeenCalledTimes(1);
    expect(client.published.filter((p) => p.topic.includes("/set/result"))).toHaveLength(1);
  });

  it("answers a command for an unknown name on its result topic and the bridge log", async () => {
    const { client, commands } = started();
    client.inject("localecu/Garage/set", '{"poll": true}');
    await client.settle();
    expect(commands).not.toHaveBeenCalled();
    const error = 'localecu/Garage/set: no inverter is named "Garage" — known names: Roof east 1, Shed';
    expect(JSON.parse(client.publishedTo("localecu/Garage/set/result")[0]!.payload)).toEqual({
      ok: false,
      error,
    });
    expect(JSON.parse(client.publishedTo("localecu/bridge/logging")[0]!.payload)).toEqual({
      level: "warning",
      message: error,
    });
  });

  it.each([
    [
      "says it failed",
      () => ({ ok: false as const, error: "limit read back 250 W, not 300 W" }),
      "limit read back 250 W, not 300 W",
    ],
    [
      "throws",
      () => {
        throw new Error("stick disconnected");
      },
      "localecu/Roof east 1/set: the controller could not run max_power: stick disconnected",
    ],
  ])("reports it when the controller %s", async (_what, onCommand, error) => {
    const s = setup(onCommand);
    s.publisher.updateInverter(QS1);
    s.publisher.start();
    s.client.inject("localecu/Roof east 1/set", '{"max_power": 300}');
    await s.client.settle();
    const result = JSON.parse(s.client.publishedTo("localecu/Roof east 1/set/result")[0]!.payload);
    expect(result).toEqual({ ok: false, command: { kind: "max_power", watts: 300, per: "panel" }, error });
  });
});

describe("stop", () => {
  it("says offline, unsubscribes and stops handling commands", async () => {
    const { client, publisher, commands } = started();
    publisher.stop();
    expect(client.retained.get("localecu/bridge/state")).toBe('{"state":"offline"}');
    expect(client.subscriptions.size).toBe(0);
    client.subscribe(["localecu/+/set"]);
    client.inject("localecu/Roof east 1/set", '{"poll": true}');
    await client.settle();
    expect(commands).not.toHaveBeenCalled();
  });
});
