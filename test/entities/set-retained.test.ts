/**
 * Retained commands on real brokers (aedes, the embedded one, is MQTT 3.1.1 only; mosquitto): refused
 * whether they were on the broker before the controller started, were published retained while it ran
 * (when 3.1.1 brokers deliver them with the retain flag cleared) or come again after a reconnect, and clearing one with an empty retained
 * payload (`mosquitto_pub -r -n`) is silent.
 */
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import type { Command } from "../../src/entities/commands.ts";
import { EntityPublisher } from "../../src/entities/publisher.ts";
import { brokerKinds, type TestBroker } from "../helpers/brokers.ts";
import { CTX, producing } from "./fixtures.ts";

const SET = "localecu/Roof east 1/set";
const RESULT = `${SET}/result`;
const CLEAR_HINT = `clear it with: mosquitto_pub -r -n -t '${SET}'`;

let broker: TestBroker | undefined;
const clients: MqttClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await broker?.stop();
  broker = undefined;
});

async function connect(): Promise<MqttClient> {
  const c = await mqtt.connectAsync(broker!.url, { reconnectPeriod: 0 });
  clients.push(c);
  return c;
}

/** Results in arrival order; `next(n)` waits until n have arrived. */
async function results(): Promise<{ all: Record<string, unknown>[]; next(n: number): Promise<void> }> {
  const watch = await connect();
  const all: Record<string, unknown>[] = [];
  watch.on("message", (_t, p) => all.push(JSON.parse(p.toString())));
  await watch.subscribeAsync(RESULT, { qos: 1 });
  return {
    all,
    async next(n: number) {
      const until = Date.now() + 10_000;
      while (all.length < n) {
        if (Date.now() > until) throw new Error(`only ${all.length} of ${n} results: ${JSON.stringify(all)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

async function startController(ctl?: MqttClient) {
  ctl ??= await connect();
  const commands: Command[] = [];
  const warnings: string[] = [];
  const debug: string[] = [];
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
    log: {
      info() {},
      warn: (m) => warnings.push(m),
      error: (m) => warnings.push(m),
      debug: (m) => debug.push(m),
    },
  });
  publisher.updateInverter(producing("qs1", "Roof east 1"));
  publisher.start();
  // The subscriptions are in place once the broker has answered a round trip after start().
  await ctl.publishAsync("localecu/test/barrier", "", { qos: 1 });
  return { publisher, commands, warnings, debug };
}

describe.each(brokerKinds().map((k) => [k.name, k] as const))("retained commands on %s", (_name, kind) => {
  it("a retained command left before the start is refused, with how to clear it", async () => {
    broker = await kind.start();
    const user = await connect();
    await user.publishAsync(SET, '{"state": "OFF"}', { retain: true, qos: 1 });
    const seen = await results();
    const ctl = await startController();
    await seen.next(1);
    expect(seen.all[0]).toMatchObject({ ok: false, error: expect.stringContaining(CLEAR_HINT) });
    expect(ctl.commands).toEqual([]);
    ctl.publisher.stop();
  });

  it("a command published retained while running is refused; once cleared (-r -n, silently) it runs", async () => {
    broker = await kind.start();
    const seen = await results();
    const ctl = await startController();
    const user = await connect();

    await user.publishAsync(SET, '{"state": "OFF", "transaction": "retained"}', { retain: true, qos: 1 });
    await seen.next(1);
    expect(seen.all[0]).toMatchObject({
      ok: false,
      transaction: "retained",
      error: expect.stringContaining("refused a retained command"),
    });
    expect(seen.all[0]!.error).toContain(CLEAR_HINT);
    expect(ctl.commands).toEqual([]);

    // A live command on the same topic still runs while the retained one sits on the broker.
    await user.publishAsync(SET, '{"poll": true, "transaction": "live"}', { qos: 1 });
    await seen.next(2);
    expect(seen.all[1]).toMatchObject({ ok: true, transaction: "live" });

    // Clearing: an empty retained payload. No result, no warning; the same command then runs live.
    const warningsBefore = ctl.warnings.length;
    await user.publishAsync(SET, "", { retain: true, qos: 1 });
    await user.publishAsync(SET, '{"state": "OFF", "transaction": "retained"}', { qos: 1 });
    await seen.next(3);
    expect(seen.all).toHaveLength(3);
    expect(seen.all[2]).toMatchObject({
      ok: true,
      transaction: "retained",
      command: { kind: "on_off", on: false },
    });
    expect(ctl.commands).toEqual([{ kind: "poll" }, { kind: "on_off", on: false }]);
    expect(ctl.warnings.slice(warningsBefore)).toEqual([]);
    expect(ctl.debug.some((m) => m.includes("empty payload"))).toBe(true);
    ctl.publisher.stop();
  });

  it("clearing a retained bare-value command on set/<key> is silent too", async () => {
    broker = await kind.start();
    const seen = await results();
    const ctl = await startController();
    const user = await connect();
    await user.publishAsync(`${SET}/max_power`, "", { retain: true, qos: 1 });
    await user.publishAsync(`${SET}/max_power`, "300", { qos: 1 });
    await seen.next(1);
    expect(seen.all).toEqual([{ ok: true, command: { kind: "max_power", watts: 300, per: "panel" } }]);
    expect(ctl.warnings).toEqual([]);
    ctl.publisher.stop();
  });

  it("a retained command on the broker is not run when the connection comes back (the broker sends it again on resubscribe)", async () => {
    broker = await kind.start();
    const seen = await results();
    // The controller's client reconnects by itself, as the controller's does (src/controller/mqtt.ts).
    const clientId = "localecu-retained-reconnect";
    const ctlClient = await mqtt.connectAsync(broker.url, { clientId, reconnectPeriod: 100 });
    clients.push(ctlClient);
    let connects = 1;
    ctlClient.on("connect", () => connects++);
    const ctl = await startController(ctlClient);
    const user = await connect();
    await user.publishAsync(SET, '{"state": "OFF", "transaction": "left"}', { retain: true, qos: 1 });
    await seen.next(1);
    expect(seen.all[0]).toMatchObject({ ok: false, transaction: "left" });

    // Another client with the same id takes the session over: the broker drops ours, it reconnects and
    // subscribes again, and the broker delivers the retained command once more, now with its flag set.
    const usurper = await mqtt.connectAsync(broker.url, { clientId, reconnectPeriod: 0 });
    await usurper.endAsync(true);
    const until = Date.now() + 10_000;
    while (connects < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(connects).toBeGreaterThanOrEqual(2);
    await seen.next(2);
    // As at startup: a message with the retain flag is refused before its payload is read.
    expect(seen.all[1]).toMatchObject({ ok: false, error: expect.stringContaining(CLEAR_HINT) });
    // Refused both times: never run.
    expect(ctl.commands).toEqual([]);
    ctl.publisher.stop();
  });
});
