import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LinkStateEvent } from "../../src/radio/events.ts";
import { Stick } from "../../src/radio/stick.ts";
import type { Transport } from "../../src/radio/transport/index.ts";
import { ReconnectingTransport } from "../../src/radio/transport/reconnect.ts";
import { FakeStick, type FakeTransport } from "./fake-stick.ts";
import { ECU_ID, YC600 } from "./harness.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function reconnecting(fake: FakeStick, o: { failOpen?: boolean } = {}) {
  const made: FakeTransport[] = [];
  const t = new ReconnectingTransport(
    "fake://stick",
    (): Transport => {
      const x = fake.asTransport(o);
      made.push(x);
      return x;
    },
    { random: () => 0.5, backoff: { initialMs: 1000, maxMs: 8000 } },
  );
  return { t, made };
}

function stickOn(port: Transport, extra: Partial<ConstructorParameters<typeof Stick>[0]> = {}) {
  const stick = new Stick({
    port,
    ecuId: ECU_ID,
    random: () => 0.5,
    coordinator: { healthIntervalMs: 0, resetTimeoutMs: 500, startTimeoutMs: 1000 },
    ...extra,
  });
  const states: LinkStateEvent[] = [];
  stick.events.onLinkState((s) => states.push(s));
  return { stick, states };
}

describe("Stick", () => {
  it("reports connecting → bringing-up → ready and answers for the configured ECU id", async () => {
    const fake = new FakeStick();
    const { t } = reconnecting(fake);
    const { stick, states } = stickOn(t, { polling: false });
    const info = await stick.start();
    expect(info.ieee).toBe("0xd8a3011b9780ffff");
    expect(states.map((s) => s.state)).toEqual(["connecting", "bringing-up", "ready"]);
    expect(stick.ready).toBe(true);
    await stick.stop();
    expect(stick.linkState.state).toBe("closed");
  });

  it("rejects start() as unreachable when the port cannot be opened, and keeps retrying", async () => {
    const fake = new FakeStick();
    const { t, made } = reconnecting(fake, { failOpen: true });
    const { stick, states } = stickOn(t);
    await expect(stick.start()).rejects.toThrow(/ENOENT/);
    expect(states.at(-1)).toMatchObject({ state: "reconnecting", attempt: 1, retryInMs: 1000 });
    await vi.advanceTimersByTimeAsync(3000);
    expect(made.length).toBe(3);
    await stick.stop();
  });

  it("starts polling once a stick that was missing at start() appears", async () => {
    const fake = new FakeStick();
    fake.addInverter(YC600, 0x103a);
    let opens = 0;
    const t = new ReconnectingTransport("fake://stick", () => fake.asTransport({ failOpen: opens++ < 2 }), {
      random: () => 0.5,
      backoff: { initialMs: 1000, maxMs: 8000 },
    });
    const { stick } = stickOn(t, { poll: { intervalMs: 300_000, retryMs: 30_000 } });
    stick.addInverter({ serial: YC600, shortAddress: 0x103a });
    const readings: string[] = [];
    stick.events.onReading((r) => readings.push(r.serial));
    await expect(stick.start()).rejects.toThrow(/ENOENT/);
    await vi.advanceTimersByTimeAsync(3000 + 100);
    expect(stick.ready).toBe(true);
    expect(readings).toEqual([YC600]);
    await stick.stop();
  });

  it("rejects start() as no-answer when the stick stays silent", async () => {
    const { stick, states } = stickOn(new FakeStick({ mute: true }).asTransport(), {
      srspTimeoutMs: 200,
    });
    const p = stick.start();
    const check = expect(p).rejects.toMatchObject({ code: "no-answer" });
    await vi.advanceTimersByTimeAsync(1000);
    await check;
    expect(states.at(-1)).toMatchObject({ state: "no-answer" });
    await stick.stop();
  });

  it("recovers from a pulled cable: reconnects, brings the coordinator up again and polls on", async () => {
    const fake = new FakeStick();
    fake.addInverter(YC600, 0x103a);
    const { t, made } = reconnecting(fake);
    const { stick, states } = stickOn(t, { poll: { intervalMs: 60_000 } });
    stick.addInverter({ serial: YC600, shortAddress: 0x103a });
    const readings: number[] = [];
    stick.events.onReading((r) => readings.push(r.at));
    await stick.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(readings).toHaveLength(1);
    made[0]!.drop();
    expect(states.at(-1)).toMatchObject({ state: "reconnecting", reason: "device disconnected" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(stick.ready).toBe(true);
    expect(fake.sent("ZB_START_REQUEST")).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(readings.length).toBeGreaterThanOrEqual(2);
    expect(stick.inverters()[0]).toMatchObject({ state: "awake", errors: 0 });
    await stick.stop();
  });

  it("refuses to pair before the stick is ready", async () => {
    const { stick } = stickOn(new FakeStick().asTransport());
    await expect(stick.pair(YC600)).rejects.toMatchObject({ code: "not-ready" });
  });

  it("derives a stable ECU id when none is configured", () => {
    const a = new Stick({ port: new FakeStick().asTransport(), stableId: "roof" });
    const b = new Stick({ port: new FakeStick().asTransport(), stableId: "roof" });
    expect([...a.ecuId]).toEqual([...b.ecuId]);
  });
});
