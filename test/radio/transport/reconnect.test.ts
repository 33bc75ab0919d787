import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffDelay } from "../../../src/radio/rate.ts";
import type { Transport } from "../../../src/radio/transport/index.ts";
import { ReconnectingTransport, type TransportState } from "../../../src/radio/transport/reconnect.ts";
import { FakeStick, type FakeTransport } from "../fake-stick.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A factory whose first `failures` opens fail, like a stick not yet plugged in. */
function flaky(failures: number) {
  const stick = new FakeStick();
  const made: FakeTransport[] = [];
  let n = 0;
  const factory = (): Transport => {
    const t = stick.asTransport({ failOpen: n++ < failures });
    made.push(t);
    return t;
  };
  return { stick, made, factory };
}

describe("ReconnectingTransport", () => {
  it("reports a failed first open and keeps retrying with growing delays until it connects", async () => {
    const { made, factory } = flaky(3);
    const states: TransportState[] = [];
    const t = new ReconnectingTransport("fake://stick", factory, {
      random: () => 0.5,
      backoff: { initialMs: 1000, maxMs: 60_000, jitter: 0.2 },
    });
    t.on("state", (s) => states.push(s));
    let opened = 0;
    t.on("open", () => opened++);
    await expect(t.open()).rejects.toThrow(/ENOENT/);
    expect(states.at(-1)).toMatchObject({ phase: "reconnecting", attempt: 1, retryInMs: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(states.at(-1)).toMatchObject({ phase: "reconnecting", attempt: 2, retryInMs: 2000 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(states.at(-1)).toMatchObject({ phase: "reconnecting", attempt: 3, retryInMs: 4000 });
    await vi.advanceTimersByTimeAsync(4000);
    expect(t.isOpen).toBe(true);
    expect(opened).toBe(1);
    expect(made).toHaveLength(4);
    expect(states.at(-1)).toMatchObject({ phase: "open", attempt: 0 });
  });

  it("turns a lost link into close + reconnecting, then reopens and relays data", async () => {
    const { stick, made, factory } = flaky(0);
    const t = new ReconnectingTransport("fake://stick", factory, { random: () => 0.5 });
    const closes: (Error | undefined)[] = [];
    t.on("close", (e) => closes.push(e));
    await t.open();
    made[0]!.drop();
    expect(closes[0]?.message).toMatch(/disconnected/);
    expect(t.state).toMatchObject({ phase: "reconnecting", reason: "device disconnected" });
    await expect(t.write(Uint8Array.of(1))).rejects.toMatchObject({ code: "link-down" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.isOpen).toBe(true);
    const got: number[] = [];
    t.on("data", (b) => got.push(...b));
    stick.emitRaw([0xfe, 0x00]);
    await vi.advanceTimersByTimeAsync(0);
    expect(got).toEqual([0xfe, 0x00]);
  });

  it("stops retrying once closed", async () => {
    const { made, factory } = flaky(100);
    const t = new ReconnectingTransport("fake://stick", factory, { random: () => 0.5 });
    await t.open().catch(() => undefined);
    await t.close();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(made).toHaveLength(1);
    expect(t.state.phase).toBe("closed");
  });
});

describe("backoffDelay", () => {
  it.each([
    [1, 0.5, 1000],
    [2, 0.5, 2000],
    [5, 0.5, 16_000],
    [10, 0.5, 30_000], // capped
    [1, 0, 800], // −20 % jitter
    [1, 1, 1200], // +20 % jitter
    [10, 1, 30_000], // jitter never exceeds the cap
  ])("attempt %i with random %s waits %i ms", (attempt, r, ms) => {
    expect(backoffDelay(attempt, { initialMs: 1000, maxMs: 30_000, jitter: 0.2 }, () => r)).toBe(ms);
  });
});
