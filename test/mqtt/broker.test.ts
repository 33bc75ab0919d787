/**
 * The embedded broker refuses oversized publishes (and disconnects the sender) but keeps serving everyone
 * else; a port already taken is one clear error.
 */
import { connect, createServer } from "node:net";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { bridgeDevices } from "../../src/entities/bridge.ts";
import {
  BrokerStartError,
  type EmbeddedBroker,
  payloadCapFor,
  startEmbeddedBroker,
} from "../../src/mqtt/broker.ts";
import { producing } from "../entities/fixtures.ts";

const KIB = 1024;
let broker: EmbeddedBroker | undefined;
const clients: MqttClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.endAsync(true);
  await broker?.close();
  broker = undefined;
});

async function client(url: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  clients.push(c);
  return c;
}

/** Publishes `bytes` from a fresh client; resolves with whether it was delivered and the sender dropped. */
async function tryPublish(url: string, listener: MqttClient, topic: string, bytes: number) {
  const got: number[] = [];
  const onMessage = (t: string, p: Buffer) => {
    if (t === topic) got.push(p.length);
  };
  listener.on("message", onMessage);
  await listener.subscribeAsync(topic);
  const sender = await client(url);
  const closed = new Promise<boolean>((resolve) => {
    sender.once("close", () => resolve(true));
    setTimeout(() => resolve(false), 1000);
  });
  sender.publish(topic, Buffer.alloc(bytes, 0x41), { qos: 0 });
  // Delivery, if any, follows well within this; a refused one never comes.
  const wasClosed = await closed;
  await new Promise((r) => setTimeout(r, 200));
  listener.off("message", onMessage);
  return { delivered: got, senderClosed: wasClosed };
}

describe("embedded broker", () => {
  it("delivers a 64 KiB payload and refuses 64 KiB + 1 and 5 MiB, disconnecting the sender", async () => {
    broker = await startEmbeddedBroker({ port: 0 });
    const listener = await client(broker.url);

    const ok = await tryPublish(broker.url, listener, "t/ok", 64 * KIB);
    expect(ok).toEqual({ delivered: [64 * KIB], senderClosed: false });

    const over = await tryPublish(broker.url, listener, "t/over", 64 * KIB + 1);
    expect(over).toEqual({ delivered: [], senderClosed: true });

    const huge = await tryPublish(broker.url, listener, "t/huge", 5 * KIB * KIB);
    expect(huge).toEqual({ delivered: [], senderClosed: true });

    // Retained too: nothing oversized is kept for later subscribers.
    const late = await client(broker.url);
    const retained: string[] = [];
    late.on("message", (t) => retained.push(t));
    await late.subscribeAsync("t/#");
    await new Promise((r) => setTimeout(r, 200));
    expect(retained).toEqual([]);

    // The broker still serves the clients that behaved.
    const after = await tryPublish(broker.url, listener, "t/after", 10);
    expect(after.delivered).toEqual([10]);
  });

  it("admits a big site's bridge/devices: the cap grows with the inverters, the rest stays refused", async () => {
    // 500 QS1s with 40-character names: zigbee2mqtt's device list the controller publishes, ~10 KB each.
    const name = (i: number) => `Roof section ${String(i).padStart(3, "0")} inverter, east side`;
    const list = bridgeDevices(
      Array.from({ length: 500 }, (_, i) => producing("qs1", name(i), { serial: `801000${100000 + i}` })),
      "0x00124b0012345678",
    );
    const bytes = Buffer.byteLength(JSON.stringify(list));
    expect(bytes).toBeGreaterThan(4 * KIB * KIB); // far beyond the default 64 KiB
    broker = await startEmbeddedBroker({ port: 0, maxPayloadBytes: payloadCapFor(500) });
    const listener = await client(broker.url);
    expect(await tryPublish(broker.url, listener, "localecu/bridge/devices", bytes)).toEqual({
      delivered: [bytes],
      senderClosed: false,
    });
    const over = payloadCapFor(500) + 1;
    expect(await tryPublish(broker.url, listener, "t/over", over)).toEqual({
      delivered: [],
      senderClosed: true,
    });
  });

  it("cuts a connection off when a packet header announces more than it accepts, before the body", async () => {
    broker = await startEmbeddedBroker({ port: 0 });
    const { connect } = await import("node:net");
    const raw = connect(broker.port, "127.0.0.1");
    await new Promise<void>((r) => raw.once("connect", () => r()));
    const closed = new Promise<boolean>((resolve) => {
      raw.once("close", () => resolve(true));
      setTimeout(() => resolve(false), 2000);
    });
    raw.on("error", () => undefined);
    // PUBLISH (0x30), remaining length 5 MiB = 5 242 880 = 0x500000 → 7-bit groups 0x00 0x00 0x40 → 80 80 C0 02.
    raw.write(Buffer.from([0x30, 0x80, 0x80, 0xc0, 0x02]));
    const wasClosed = await closed;
    raw.destroy();
    expect(wasClosed).toBe(true);
  });

  it("says which address is taken and how to fix it when the port is in use", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startEmbeddedBroker({ port }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BrokerStartError);
      expect(String((err as Error).message)).toBe(
        `embedded MQTT broker: 127.0.0.1:${port} is already in use (another broker or demo?): stop it, or choose another port with --mqtt-port / LOCALECU_MQTT_PORT (0 picks a free one)`,
      );
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it("listens on 127.0.0.1 only unless told otherwise: another address of this machine is refused", async () => {
    broker = await startEmbeddedBroker({ port: 0 });
    expect(broker.host).toBe("127.0.0.1");
    await client(`mqtt://127.0.0.1:${broker.port}`);
    // Linux routes all of 127/8 to this machine, so 127.0.0.2 stands in for a LAN address: a socket
    // bound to 0.0.0.0 would accept it, one bound to 127.0.0.1 refuses it.
    expect(await tcpOutcome("127.0.0.2", broker.port)).toBe("ECONNREFUSED");
    await broker.close();
    broker = await startEmbeddedBroker({ port: 0, host: "0.0.0.0" });
    expect(await tcpOutcome("127.0.0.2", broker.port)).toBe("connected");
  });
});

function tcpOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    s.once("connect", () => {
      s.destroy();
      resolve("connected");
    });
    s.once("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}
