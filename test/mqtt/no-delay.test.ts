/**
 * The controller's MQTT socket sends small packets at once (no Nagle), on the first connection and on each
 * reconnect's new socket — against each real broker.
 */
import { Socket } from "node:net";
import mqtt from "mqtt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sendWithoutDelay } from "../../src/mqtt/no-delay.ts";
import { brokerKinds } from "../helpers/brokers.ts";
import { waitFor } from "../helpers/wait.ts";

afterEach(() => vi.restoreAllMocks());

describe.each(brokerKinds())("MQTT without Nagle's delay on $name", (kind) => {
  it("switches TCP_NODELAY on for the socket of every connection", async () => {
    const broker = await kind.start();
    const spy = vi.spyOn(Socket.prototype, "setNoDelay");
    const client = sendWithoutDelay(mqtt.connect(broker.url, { reconnectPeriod: 100 }));
    try {
      await waitFor("connected", () => client.connected, 10_000);
      const first = client.stream;
      expect(spy.mock.contexts.filter((s) => s === first).length).toBeGreaterThan(0);
      expect(spy.mock.calls.at(-1)).toEqual([true]);

      await broker.restart();
      await waitFor(
        "connected again on a new socket",
        () => client.connected && client.stream !== first,
        20_000,
      );
      await waitFor(
        "its socket switched too",
        () => spy.mock.contexts.includes(client.stream as Socket),
        5_000,
      );
    } finally {
      await client.endAsync(true);
      await broker.stop();
    }
  }, 40_000);
});
