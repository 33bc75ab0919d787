import { afterEach, describe, expect, it } from "vitest";
import type { HaCredentials } from "../../src/ha/credentials.ts";
import { HaCredentialsError, resolveHaCredentials } from "../../src/ha/credentials.ts";
import { HaLink, type HaLinkOptions } from "../../src/ha/link.ts";
import type { HaEntityState, HaLinkState } from "../../src/ha/types.ts";
import { makeSecretRef } from "../../src/site/config/secret.ts";
import { HaServiceFailure, HaTestServer } from "../helpers/ha-server.ts";
import { captureLogger } from "../helpers/log-capture.ts";
import { waitFor } from "../helpers/wait.ts";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.test-token.sig";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(): Promise<HaTestServer> {
  const s = await HaTestServer.start({ token: TOKEN });
  cleanups.push(() => s.close());
  return s;
}

function credsFor(
  s: HaTestServer,
  env: Record<string, string> = { HA_TEST_TOKEN: TOKEN },
): () => HaCredentials {
  return () =>
    resolveHaCredentials({ url: s.httpUrl, token: makeSecretRef(undefined, "HA_TEST_TOKEN") }, env)!;
}

function link(o: Partial<HaLinkOptions> & Pick<HaLinkOptions, "credentials">) {
  const log = captureLogger();
  const states: HaLinkState[] = [];
  const l = new HaLink({
    logger: log.logger,
    backoff: { initialMs: 20, maxMs: 200 },
    random: () => 0.5,
    ...o,
  });
  l.onLinkState((s) => states.push(s));
  cleanups.push(() => l.stop());
  return { link: l, log, states };
}

function watch(l: HaLink, id: string) {
  const seen: (HaEntityState | undefined)[] = [];
  const off = l.watchEntity(id, (s) => seen.push(s));
  return { seen, off };
}

describe("HaLink against the HA protocol server", () => {
  it("connects, authenticates, announces coalescing; subscribes to the watched entities only", async () => {
    const s = await server();
    s.setState("sensor.grid_power", "5");
    s.setState("sensor.unwatched", "1");
    const { link: l, states, log } = link({ credentials: credsFor(s) });
    l.start();
    await waitFor("link up", () => l.linkState.state === "up");
    expect(states.map((x) => x.state)).toEqual(["connecting", "up"]);
    expect(states[1]!.detail).toBe(`connected to ${s.wsUrl} (Home Assistant 2025.11.1)`);
    const first = await waitFor("the first command", () => s.received[0]);
    expect(first).toEqual({ type: "supported_features", id: 1, features: { coalesce_messages: 1 } });

    // Nothing watched: nothing subscribed. Then one subscription with exactly the watched ids.
    const grid = watch(l, "sensor.grid_power");
    const price = watch(l, "sensor.price");
    await waitFor("both answered", () => grid.seen.length === 1 && price.seen.length === 1);
    const subs = () => s.received.filter((m) => m.type === "subscribe_entities");
    expect(subs().map((m) => m.entity_ids)).toEqual([["sensor.grid_power", "sensor.price"]]);
    expect(grid.seen[0]?.state).toBe("5");
    expect(price.seen).toEqual([undefined]);

    // Dropping a watch narrows the subscription: a new one, and the old one is unsubscribed.
    price.off();
    await waitFor("narrowed", () => s.received.some((m) => m.type === "unsubscribe_events"));
    expect(subs().map((m) => m.entity_ids)).toEqual([
      ["sensor.grid_power", "sensor.price"],
      ["sensor.grid_power"],
    ]);
    expect(s.received.find((m) => m.type === "unsubscribe_events")?.subscription).toBe(subs()[0]!.id);
    await waitFor("one live subscription", () => s.entitySubscriptions === 1);
    // The narrowed subscription re-sends the grid state; unchanged, it is not delivered again.
    s.setState("sensor.grid_power", "6");
    await waitFor("grid update", () => grid.seen.length === 2);
    expect(grid.seen.map((x) => x?.state)).toEqual(["5", "6"]);

    // One log line per state change, and never the token.
    const lines = log.records.filter((r) => String(r.msg).startsWith("Home Assistant link"));
    expect(lines.map((r) => [r.level, r.msg])).toEqual([
      [30, "Home Assistant link connecting"],
      [30, "Home Assistant link up"],
    ]);
    expect(log.text()).not.toContain(TOKEN);
    await l.stop();
    expect(l.linkState).toEqual({ state: "off", detail: "stopped" });
  });

  it("a refused token: auth_failed naming the setting, no retry, no token anywhere", async () => {
    const s = await server();
    const env = { HA_TEST_TOKEN: "wrong-token-1234567890" };
    const { link: l, states, log } = link({ credentials: credsFor(s, env) });
    l.start();
    await waitFor("auth_failed", () => l.linkState.state === "auth_failed");
    expect(states.map((x) => x.state)).toEqual(["connecting", "auth_failed"]);
    const detail = l.linkState.detail!;
    expect(detail).toContain("refused the token from homeassistant.token_env (HA_TEST_TOKEN)");
    expect(detail).toContain("Invalid access token or password");
    expect(detail).toContain("long-lived access token");
    expect(s.authAttempts).toBe(1);
    expect(s.authFailures).toBe(1);
    // No retry was even scheduled: every retry is announced at debug level before it is armed.
    expect(log.records.filter((r) => r.msg === "Home Assistant: next connection attempt")).toEqual([]);
    const error = log.records.find((r) => r.level === 50)!;
    expect(error.msg).toBe("Home Assistant link auth_failed");
    expect(log.text()).not.toContain("wrong-token-1234567890");
    expect(detail).not.toContain("wrong-token-1234567890");
    await expect(l.callService("light", "turn_on")).rejects.toThrow(
      /service light\.turn_on not called: the link is auth_failed/,
    );
  });

  it("an unreadable token setting is auth_failed with the setting's message, without connecting", async () => {
    const s = await server();
    const { link: l } = link({ credentials: credsFor(s, {}) });
    l.start();
    expect(l.linkState.state).toBe("auth_failed");
    expect(l.linkState.detail).toMatch(/homeassistant\.token_env \(HA_TEST_TOKEN\): environment variable/);
    expect(s.connections).toBe(0);
    const thrower = link({
      credentials: () => {
        throw new HaCredentialsError("homeassistant.url is not set");
      },
    });
    thrower.link.start();
    expect(thrower.link.linkState).toEqual({ state: "auth_failed", detail: "homeassistant.url is not set" });
  });

  it("watchEntity: initial state, changes (state, attributes added and removed), removal, absence", async () => {
    const s = await server();
    s.setState("sensor.grid_power", "-312.5", { unit_of_measurement: "W", friendly_name: "Grid" });
    const { link: l } = link({ credentials: credsFor(s) });
    const grid = watch(l, "sensor.grid_power");
    const missing = watch(l, "sensor.not_there");
    l.start();
    await waitFor("initial grid state", () => grid.seen.length === 1);
    expect(grid.seen[0]).toMatchObject({
      entityId: "sensor.grid_power",
      state: "-312.5",
      attributes: { unit_of_measurement: "W", friendly_name: "Grid" },
    });
    // HA sends seconds with a fraction; the link reports epoch ms (the ISO string keeps whole ms).
    expect(grid.seen[0]!.lastUpdatedMs).toBe(Math.floor(s.lastUpdated("sensor.grid_power")! * 1000));
    await waitFor("absent entity reported", () => missing.seen.length === 1);
    expect(missing.seen).toEqual([undefined]);

    s.setState("sensor.grid_power", "0.41", { unit_of_measurement: "kW", state_class: "measurement" });
    await waitFor("change", () => grid.seen.length === 2);
    expect(grid.seen[1]).toMatchObject({
      state: "0.41",
      attributes: { unit_of_measurement: "kW", state_class: "measurement" },
    });
    expect(grid.seen[1]!.attributes).not.toHaveProperty("friendly_name");

    // An unrelated entity changing does not call the grid watcher.
    s.setState("sensor.other", "1");
    s.setState("sensor.not_there", "on");
    await waitFor("added entity", () => missing.seen.length === 2);
    expect(missing.seen[1]).toMatchObject({ state: "on" });
    expect(grid.seen).toHaveLength(2);

    s.removeEntity("sensor.grid_power");
    await waitFor("removal", () => grid.seen.length === 3);
    expect(grid.seen[2]).toBeUndefined();

    // A late watcher gets the current state right away; unsubscribing stops the calls.
    const late = watch(l, "sensor.not_there");
    await waitFor("late watcher", () => late.seen.length === 1);
    expect(late.seen[0]).toMatchObject({ state: "on" });
    late.off();
    s.setState("sensor.not_there", "off");
    await waitFor("the other watcher", () => missing.seen.length === 3);
    expect(late.seen).toHaveLength(1);

    // Unwatching and watching again in one tick (an automation restarting) keeps the state known.
    const other = watch(l, "sensor.other");
    await waitFor("other", () => other.seen.length === 1);
    other.off();
    const again = watch(l, "sensor.other");
    await waitFor("watched again", () => again.seen.length === 1);
    expect(again.seen[0]).toMatchObject({ entityId: "sensor.other", state: "1" });
  });

  it("resubscribes after an HA restart with capped, jittered backoff; updates flow again", async () => {
    const s = await server();
    s.setState("sensor.grid_power", "100", { unit_of_measurement: "W" });
    const { link: l, states, log } = link({ credentials: credsFor(s) });
    const grid = watch(l, "sensor.grid_power");
    l.start();
    await waitFor("initial", () => grid.seen.length === 1);

    await s.goDown();
    await waitFor("down", () => l.linkState.state === "down");
    const attempts = () => log.records.filter((r) => r.msg === "Home Assistant: next connection attempt");
    await waitFor("five retries", () => attempts().length >= 5);
    // Worked example: initial 20 ms, cap 200 ms, random 0.5 → 0.75 × min(200, 20 × 2^n).
    expect(
      attempts()
        .slice(0, 5)
        .map((r) => r.delayMs),
    ).toEqual([15, 30, 60, 120, 150]);
    expect(l.linkState.detail).toMatch(
      /cannot reach Home Assistant at ws:\/\/127\.0\.0\.1:\d+\/api\/websocket: .*retrying/,
    );

    s.setState("sensor.grid_power", "-50", { unit_of_measurement: "W" }); // changed while we were away
    await s.comeBack();
    await waitFor("up again", () => l.linkState.state === "up");
    await waitFor("state after restart", () => grid.seen.at(-1)?.state === "-50");
    s.setState("sensor.grid_power", "-75", { unit_of_measurement: "W" });
    await waitFor("updates flow again", () => grid.seen.at(-1)?.state === "-75");
    expect(s.entitySubscribers).toBe(1);
    const names = states.map((x) => x.state);
    expect(names.slice(0, 3)).toEqual(["connecting", "up", "down"]);
    expect(names.at(-1)).toBe("up");
    expect(names.filter((n) => n === "up")).toHaveLength(2);
    // State lines, not retry lines, at info/warn: one per change.
    const warns = log.records.filter((r) => r.level === 40);
    expect(warns.length).toBeLessThanOrEqual(2);
    expect(log.text()).not.toContain(TOKEN);
  });

  it("closing the sockets mid-subscription: reconnects and resubscribes on the same server", async () => {
    const s = await server();
    s.setState("sensor.grid_power", "1");
    const { link: l } = link({ credentials: credsFor(s) });
    const grid = watch(l, "sensor.grid_power");
    l.start();
    await waitFor("initial", () => grid.seen.length === 1);
    s.dropConnections();
    await waitFor("second connection", () => s.connections === 2 && s.entitySubscribers === 1);
    await waitFor("up", () => l.linkState.state === "up");
    s.setState("sensor.grid_power", "2");
    await waitFor("update", () => grid.seen.at(-1)?.state === "2");
  });

  it("callService: result, HA's errors naming the service, and refusal while down", async () => {
    const s = await server();
    s.registerService("notify", "persistent_notification");
    s.registerService("number", "set_value", () => {
      throw new HaServiceFailure("Value 900 for number.limit is outside valid range 0 - 800");
    });
    const { link: l } = link({ credentials: credsFor(s) });
    await expect(l.callService("notify", "persistent_notification")).rejects.toThrow(
      "Home Assistant service notify.persistent_notification not called: the link is off (not started)",
    );
    l.start();
    await waitFor("up", () => l.linkState.state === "up");
    const r = (await l.callService("notify", "persistent_notification", { message: "hello" })) as {
      context: { id: string };
    };
    expect(r.context.id).toMatch(/^[0-9a-f]{32}$/);
    expect(s.serviceCalls[0]).toEqual({
      domain: "notify",
      service: "persistent_notification",
      serviceData: { message: "hello" },
    });
    await l.callService("notify", "persistent_notification", undefined, { entity_id: "notify.x" });
    expect(s.serviceCalls[1]).toEqual({
      domain: "notify",
      service: "persistent_notification",
      target: { entity_id: "notify.x" },
    });
    await expect(l.callService("light", "turn_on")).rejects.toThrow(
      "Home Assistant service light.turn_on failed: not_found: Service light.turn_on not found.",
    );
    await expect(l.callService("number", "set_value", { value: 900 })).rejects.toThrow(
      "Home Assistant service number.set_value failed: home_assistant_error: Value 900 for number.limit is outside valid range 0 - 800",
    );
  });

  it("keepalive: pings while up; an unanswered ping drops the connection and it comes back", async () => {
    const s = await server();
    const { link: l } = link({ credentials: credsFor(s), keepaliveMs: 20, pongTimeoutMs: 50 });
    l.start();
    await waitFor("pings answered", () => s.received.filter((m) => m.type === "ping").length >= 2);
    expect(l.linkState.state).toBe("up");
    expect(s.connections).toBe(1);
    s.answerPings = false;
    await waitFor("reconnected after a lost pong", () => s.connections >= 2);
    s.answerPings = true;
    await waitFor("up again", () => l.linkState.state === "up" && s.openConnections === 1);
  });

  // Found by the HA websocket fuzz: the library parses frames in its socket listener without a try, so a
  // frame that was not JSON threw out of the socket's data handler (an uncaught SyntaxError ends the
  // process); and a state of [5] was read as "5".
  it("a frame that is not JSON, or JSON that is no message, is dropped with a warning; the link stays up", async () => {
    const s = await server();
    s.setState("sensor.grid_power", "100", { unit_of_measurement: "W" });
    const { link: l, log, states } = link({ credentials: credsFor(s) });
    const grid = watch(l, "sensor.grid_power");
    l.start();
    await waitFor("the first state", () => grid.seen.length === 1);
    s.sendRaw("not json");
    s.sendRaw("[null]");
    s.setState("sensor.grid_power", "101", { unit_of_measurement: "W" });
    await waitFor("the next state", () => grid.seen.length === 2);
    expect(grid.seen.map((x) => x?.state)).toEqual(["100", "101"]);
    expect(states.map((x) => x.state)).toEqual(["connecting", "up"]);
    const warned = log.records.filter((r) => r.level === 40).map((r) => r.msg);
    expect(warned).toEqual([
      `Home Assistant sent a frame that is not JSON (not json) — dropped; if this repeats, check that ${s.wsUrl} is Home Assistant`,
      `Home Assistant sent a frame that is not a message object ([null]) — dropped; if this repeats, check that ${s.wsUrl} is Home Assistant`,
    ]);
  });

  it("an entity state that is not text ([5]) is ignored with a warning: the watcher keeps the last state", async () => {
    const s = await server();
    s.setState("sensor.grid_power", "100", { unit_of_measurement: "W" });
    const { link: l, log } = link({ credentials: credsFor(s) });
    const grid = watch(l, "sensor.grid_power");
    l.start();
    await waitFor("the first state", () => grid.seen.length === 1);
    s.sendEntityEvent({ c: { "sensor.grid_power": { "+": { s: [5] } } } });
    s.setState("sensor.grid_power", "101", { unit_of_measurement: "W" });
    await waitFor("the next state", () => grid.seen.length === 2);
    expect(grid.seen.map((x) => x?.state)).toEqual(["100", "101"]);
    expect(log.records.filter((r) => r.level === 40).map((r) => r.msg)).toEqual([
      "Home Assistant sent an entity state we cannot read: sensor.grid_power: a state value that is not text ([5]) — ignored, the entity keeps its last state",
    ]);
  });

  it("a second result for the live subscription is dropped with a warning: the link does not go deaf", async () => {
    // The library would take it as the subscription failing, forget it and unsubscribe: up, but no updates.
    const s = await server();
    s.setState("sensor.grid_power", "100", { unit_of_measurement: "W" });
    const { link: l, log } = link({ credentials: credsFor(s) });
    const grid = watch(l, "sensor.grid_power");
    l.start();
    await waitFor("the first state", () => grid.seen.length === 1);
    const id = s.entitySubscriptionIds[0]!;
    const bogus = { id, type: "result", success: false, error: { code: "x", message: "y" } };
    s.sendRaw(JSON.stringify(bogus));
    s.setState("sensor.grid_power", "101", { unit_of_measurement: "W" });
    await waitFor("the next state", () => grid.seen.length === 2);
    expect(grid.seen.map((x) => x?.state)).toEqual(["100", "101"]);
    expect(s.entitySubscriptions).toBe(1);
    expect(log.records.filter((r) => r.level === 40).map((r) => r.msg)).toEqual([
      `Home Assistant sent a second result for live subscription ${id} (${JSON.stringify(bogus).slice(0, 57)}…) — dropped; if this repeats, check that ${s.wsUrl} is Home Assistant`,
    ]);
  });
});
