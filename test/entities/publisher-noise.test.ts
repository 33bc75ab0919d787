/**
 * How many messages the publisher sends, counted on a real broker (the embedded aedes) by a client that
 * subscribed to everything before the controller connected: discovery once at startup (again only on
 * Home Assistant's `online` and on a reconnect), no retained message repeated unchanged, and
 * bridge/devices re-sent when an inverter's pairing changes.
 */
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EntityPublisher } from "../../src/entities/publisher.ts";
import type { InverterSnapshot } from "../../src/entities/snapshot.ts";
import { type EmbeddedBroker, startEmbeddedBroker } from "../../src/mqtt/broker.ts";
import { CTX, producing, SITE } from "./fixtures.ts";

let broker: EmbeddedBroker;
const clients: MqttClient[] = [];

beforeEach(async () => {
  broker = await startEmbeddedBroker({ port: 0 });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await broker.close();
});

const BARRIER = "test/barrier";
const EAST = "homeassistant/device/localecu_801000085070/config";
const WEST = "homeassistant/device/localecu_408000158215/config";

/** Every message on the broker, counted per topic; `settle()` returns once all sent so far arrived. */
async function watcher() {
  const w = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  clients.push(w);
  const seen: { topic: string; payload: string }[] = [];
  let barriers = 0;
  w.on("message", (topic, p) => {
    if (topic === BARRIER) barriers++;
    else seen.push({ topic, payload: p.toString() });
  });
  await w.subscribeAsync("#", { qos: 1 });
  return {
    seen,
    count: (topic: string) => seen.filter((m) => m.topic === topic).length,
    last: (topic: string) => seen.filter((m) => m.topic === topic).at(-1)?.payload,
    /** The controller's client publishes a marker after its other messages; it arrives after them. */
    async settle(ctl: MqttClient) {
      const want = barriers + 1;
      await ctl.publishAsync(BARRIER, "x", { qos: 1 });
      const until = Date.now() + 10_000;
      while (barriers < want) {
        if (Date.now() > until) throw new Error("barrier never arrived");
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

async function until(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition never held");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Wired the way src/controller/run.ts wires it: connect without waiting, publishAll() on every connect. */
function controller(inverters: InverterSnapshot[]) {
  const ctl = mqtt.connect(broker.url, { reconnectPeriod: 50 });
  clients.push(ctl);
  const publisher = new EntityPublisher({
    client: ctl,
    baseTopic: "localecu",
    discoveryPrefix: "homeassistant",
    bridgeId: CTX.bridgeId,
    origin: CTX.origin,
    coordinatorIeee: CTX.coordinatorIeee,
    onCommand: () => ({ ok: true }),
  });
  ctl.on("connect", () => publisher.publishAll());
  for (const s of inverters) publisher.updateInverter(s);
  publisher.updateSite(SITE);
  publisher.start();
  const connected = new Promise<void>((resolve) => ctl.once("connect", () => resolve()));
  return { ctl, publisher, connected };
}

describe("publisher noise on aedes", () => {
  it("sends discovery once at startup, again on Home Assistant online and on a reconnect", async () => {
    const w = await watcher();
    const east = producing("qs1", "Roof east 1");
    const west = producing("yc600", "Roof west 1");
    const { ctl, publisher, connected } = controller([east, west]);
    await connected;
    await w.settle(ctl);
    const discovery = w.seen.filter((m) => m.topic.startsWith("homeassistant/device/")).map((m) => m.topic);
    // bridge, site and two inverters: one config each.
    expect(discovery.sort()).toEqual([
      "homeassistant/device/localecu_408000158215/config",
      "homeassistant/device/localecu_801000085070/config",
      "homeassistant/device/localecu_bridge_d8a3011b9780/config",
      "homeassistant/device/localecu_site_d8a3011b9780/config",
    ]);
    for (const t of [
      "localecu/bridge/devices",
      "localecu/bridge/state",
      "localecu/Roof east 1",
      "localecu/site",
    ])
      expect([t, w.count(t)]).toEqual([t, 1]);

    const ha = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    clients.push(ha);
    await ha.publishAsync("homeassistant/status", "online", { qos: 1 });
    await until(() => w.count(EAST) >= 2);
    await w.settle(ctl);
    expect([w.count(EAST), w.count(WEST), w.count("localecu/Roof east 1")]).toEqual([2, 2, 2]);

    const reconnected = new Promise<void>((resolve) => ctl.once("connect", () => resolve()));
    ctl.stream.destroy();
    await reconnected;
    await w.settle(ctl);
    expect([w.count(EAST), w.count(WEST), w.count("localecu/Roof east 1")]).toEqual([3, 3, 3]);
    publisher.stop();
  });

  it("does not repeat an identical retained state or site message; a changed one goes out", async () => {
    const w = await watcher();
    const east = producing("qs1", "Roof east 1");
    const { ctl, publisher, connected } = controller([east]);
    await connected;
    await w.settle(ctl);
    publisher.updateInverter({ ...east });
    publisher.updateSite({ ...SITE });
    await w.settle(ctl);
    expect([w.count("localecu/Roof east 1"), w.count("localecu/site"), w.count(EAST)]).toEqual([1, 1, 1]);
    expect(w.count("localecu/bridge/devices")).toBe(1);

    publisher.updateInverter({ ...east, todayWh: east.todayWh + 5 });
    publisher.updateSite({ ...SITE, todayWh: SITE.todayWh + 5 });
    await w.settle(ctl);
    expect([w.count("localecu/Roof east 1"), w.count("localecu/site")]).toEqual([2, 2]);
    publisher.stop();
  });

  it("re-sends bridge/devices when an inverter's pairing changes (PENDING → SUCCESSFUL)", async () => {
    const w = await watcher();
    const { shortAddress: _, ...unpairedBase } = producing("qs1", "Roof east 1");
    const unpaired: InverterSnapshot = { ...unpairedBase, status: "unpaired" };
    const { ctl, publisher, connected } = controller([unpaired]);
    await connected;
    await w.settle(ctl);
    const interview = () =>
      (JSON.parse(w.last("localecu/bridge/devices")!) as { friendly_name: string; interview_state: string }[])
        .filter((d) => d.friendly_name === "Roof east 1")
        .map((d) => d.interview_state);
    expect(interview()).toEqual(["PENDING"]);

    publisher.updateInverter(producing("qs1", "Roof east 1"));
    await w.settle(ctl);
    expect(interview()).toEqual(["SUCCESSFUL"]);
    expect(w.count("localecu/bridge/devices")).toBe(2);
    publisher.stop();
  });
});
