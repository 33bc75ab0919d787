/**
 * EntityPublisher on a real broker (the embedded aedes) through a real mqtt.js client, watched by a second
 * client that subscribes like Home Assistant does.
 */
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Command } from "../../src/entities/commands.ts";
import { EntityPublisher } from "../../src/entities/publisher.ts";
import { bridgeWill } from "../../src/entities/topics.ts";
import { type EmbeddedBroker, startEmbeddedBroker } from "../../src/mqtt/broker.ts";
import { checkDeviceDiscovery } from "../helpers/ha-discovery-schema.ts";
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

async function connect(opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const c = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0, ...opts });
  clients.push(c);
  return c;
}

/** Collects messages until `done` says enough (or fails after a generous deadline). */
function collect(
  c: MqttClient,
  done: (msgs: Map<string, string[]>) => boolean,
): Promise<Map<string, string[]>> {
  const msgs = new Map<string, string[]>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gave up waiting; saw ${[...msgs.keys()].join(", ")}`)),
      10_000,
    );
    c.on("message", (topic, payload) => {
      msgs.set(topic, [...(msgs.get(topic) ?? []), payload.toString()]);
      if (done(msgs)) {
        clearTimeout(timer);
        resolve(msgs);
      }
    });
  });
}

describe("EntityPublisher over aedes with mqtt.js", () => {
  it("Home Assistant sees valid discovery and state, and its commands come back with a result", async () => {
    const commands: [string, Command][] = [];
    const ctl = await connect({
      will: { ...bridgeWill("localecu"), payload: Buffer.from(bridgeWill("localecu").payload) },
    });
    const publisher = new EntityPublisher({
      client: ctl,
      baseTopic: "localecu",
      discoveryPrefix: "homeassistant",
      bridgeId: CTX.bridgeId,
      origin: CTX.origin,
      onCommand: (serial, command) => {
        commands.push([serial, command]);
        return { ok: true, detail: { verified: true } };
      },
    });
    publisher.updateInverter(producing("qs1", "Roof east 1"));
    publisher.updateSite(SITE);
    publisher.start();

    const ha = await connect();
    const seen = collect(
      ha,
      (m) => m.has("localecu/Roof east 1") && m.has("homeassistant/device/localecu_801000085070/config"),
    );
    await ha.subscribeAsync(["homeassistant/device/+/config", "localecu/#"]);
    const retained = await seen;
    for (const [topic, [text]] of retained) {
      if (topic.startsWith("homeassistant/device/"))
        expect([topic, checkDeviceDiscovery(topic, text!)]).toEqual([topic, []]);
    }
    expect(JSON.parse(retained.get("localecu/bridge/state")![0]!)).toEqual({ state: "online" });

    const result = collect(ha, (m) => m.has("localecu/Roof east 1/set/result"));
    await ha.publishAsync("localecu/Roof east 1/set", '{"max_power": 250}');
    const r = JSON.parse((await result).get("localecu/Roof east 1/set/result")![0]!);
    expect(r).toEqual({ ok: true, command: { kind: "max_power", watts: 250, per: "panel" }, verified: true });
    expect(commands).toEqual([["801000085070", { kind: "max_power", watts: 250, per: "panel" }]]);

    const again = collect(ha, (m) => m.has("homeassistant/device/localecu_801000085070/config"));
    await ha.publishAsync("homeassistant/status", "online");
    expect((await again).size).toBeGreaterThan(0);
    publisher.stop();
  });

  it("a retained command left on the broker is refused when the controller starts", async () => {
    const user = await connect();
    await user.publishAsync("localecu/Roof east 1/set", '{"state": "OFF"}', { retain: true });
    const commands: Command[] = [];
    const ctl = await connect();
    const watch = await connect();
    const result = collect(watch, (m) => m.has("localecu/Roof east 1/set/result"));
    await watch.subscribeAsync("localecu/+/set/result");
    const publisher = new EntityPublisher({
      client: ctl,
      baseTopic: "localecu",
      discoveryPrefix: "homeassistant",
      bridgeId: CTX.bridgeId,
      origin: CTX.origin,
      onCommand: (_s, c) => {
        commands.push(c);
        return { ok: true };
      },
    });
    publisher.updateInverter(producing("qs1", "Roof east 1"));
    publisher.start();
    const r = JSON.parse((await result).get("localecu/Roof east 1/set/result")![0]!);
    expect(r.ok).toBe(false);
    expect(r.error).toContain("refused a retained command");
    expect(commands).toEqual([]);
    publisher.stop();
  });
});
