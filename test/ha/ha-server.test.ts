/** The test server speaks HA's protocol: checked with a bare websocket, message by message. */
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { HaTestServer } from "../helpers/ha-server.ts";
import { waitFor } from "../helpers/wait.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function client(url: string) {
  const ws = new WebSocket(url);
  const got: unknown[] = [];
  let closed = false;
  ws.on("message", (d) => got.push(JSON.parse(d.toString())));
  ws.on("close", () => {
    closed = true;
  });
  cleanups.push(() => ws.terminate());
  await new Promise((r) => ws.once("open", r));
  return { ws, got, isClosed: () => closed, send: (m: unknown) => ws.send(JSON.stringify(m)) };
}

describe("HA protocol test server", () => {
  it("auth_required → auth_invalid for a wrong token, then closes", async () => {
    const s = await HaTestServer.start({ token: "good", haVersion: "2024.6.0" });
    cleanups.push(() => s.close());
    const c = await client(s.wsUrl);
    await waitFor("auth_required", () => c.got.length === 1);
    expect(c.got[0]).toEqual({ type: "auth_required", ha_version: "2024.6.0" });
    c.send({ type: "auth", access_token: "bad" });
    await waitFor("closed", () => c.isClosed());
    expect(c.got[1]).toEqual({ type: "auth_invalid", message: "Invalid access token or password" });
  });

  it("auth_ok, results, errors, coalesced arrays, compressed entity events and pong", async () => {
    const s = await HaTestServer.start({ token: "good", haVersion: "2024.6.0" });
    cleanups.push(() => s.close());
    s.setState("sensor.a", "1", { unit_of_measurement: "W", icon: "mdi:x" });
    const c = await client(s.wsUrl);
    c.send({ type: "auth", access_token: "good" });
    await waitFor("auth_ok", () => c.got.length === 2);
    expect(c.got[1]).toEqual({ type: "auth_ok", ha_version: "2024.6.0" });

    c.send({ id: 1, type: "ping" });
    await waitFor("pong", () => c.got.length === 3);
    expect(c.got[2]).toEqual({ id: 1, type: "pong" });
    c.send({ id: 1, type: "ping" });
    await waitFor("id_reuse", () => c.got.length === 4);
    expect(c.got[3]).toEqual({
      id: 1,
      type: "result",
      success: false,
      error: { code: "id_reuse", message: "Identifier values have to increase." },
    });
    c.send({ id: 2, type: "get_panels_of_the_future" });
    await waitFor("unknown_command", () => c.got.length === 5);
    expect(c.got[4]).toMatchObject({ id: 2, success: false, error: { code: "unknown_command" } });

    // Without coalescing: result and initial event as two messages.
    c.send({ id: 3, type: "subscribe_entities", entity_ids: ["sensor.a"] });
    await waitFor("result + event", () => c.got.length === 7);
    expect(c.got[5]).toEqual({ id: 3, type: "result", success: true, result: null });
    const add = c.got[6] as {
      id: number;
      type: string;
      event: { a: Record<string, Record<string, unknown>> };
    };
    expect(add.id).toBe(3);
    expect(add.type).toBe("event");
    expect(add.event.a["sensor.a"]).toMatchObject({ s: "1", a: { unit_of_measurement: "W", icon: "mdi:x" } });
    expect(typeof add.event.a["sensor.a"]!.c).toBe("string");
    expect(add.event.a["sensor.a"]!.lc).toBe(s.lastUpdated("sensor.a"));

    c.send({ id: 4, type: "supported_features", features: { coalesce_messages: 1 } });
    await waitFor("features", () => c.got.length === 8);
    // A change: "+" carries the new state and attribute, "-" the attribute that went away.
    s.setState("sensor.a", "2", { unit_of_measurement: "W", friendly_name: "A" });
    const changedAt = s.lastUpdated("sensor.a");
    s.setState("sensor.ignored", "x");
    s.removeEntity("sensor.a");
    await waitFor("coalesced change + removal", () => c.got.length === 9);
    const batch = c.got[8] as { event: Record<string, unknown> }[];
    expect(Array.isArray(batch)).toBe(true);
    expect(batch).toHaveLength(2);
    expect(batch[0]!.event).toEqual({
      c: {
        "sensor.a": {
          "+": {
            s: "2",
            lc: changedAt,
            c: expect.any(String),
            a: { friendly_name: "A" },
          },
          "-": { a: ["icon"] },
        },
      },
    });
    expect(batch[1]!.event).toEqual({ r: ["sensor.a"] });

    c.send({ id: 5, type: "unsubscribe_events", subscription: 3 });
    c.send({ id: 6, type: "unsubscribe_events", subscription: 3 });
    await waitFor("unsubscribe results", () => c.got.length === 10);
    expect(c.got[9]).toEqual([
      { id: 5, type: "result", success: true, result: null },
      {
        id: 6,
        type: "result",
        success: false,
        error: { code: "not_found", message: "Subscription not found." },
      },
    ]);
  });
});
