import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { InverterStateEvent, ReadingEvent } from "../../src/radio/events.ts";
import { QS1, startedStick, YC600 } from "./harness.ts";

const MIN = 60_000;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function site(poll: Record<string, unknown> = {}) {
  const h = await startedStick({
    inverters: [
      [YC600, 0x103a],
      [QS1, 0x05c0],
    ],
    stick: { polling: true, poll: { intervalMs: 5 * MIN, sleepingIntervalMs: 30 * MIN, ...poll } },
  });
  const readings: ReadingEvent[] = [];
  const states: InverterStateEvent[] = [];
  h.stick.events.onReading((r) => readings.push(r));
  h.stick.events.onInverterState((s) => states.push(s));
  h.stick.addInverter({ serial: YC600, shortAddress: 0x103a });
  h.stick.addInverter({ serial: QS1, shortAddress: 0x05c0 });
  return { ...h, readings, states };
}

const polls = (fake: Awaited<ReturnType<typeof site>>["fake"], short: number) =>
  fake.sent("AF_DATA_REQUEST").filter((f) => (f.data[0]! | (f.data[1]! << 8)) === short).length;

describe("PollScheduler", () => {
  it("polls every inverter once per interval and emits decoded readings with link quality", async () => {
    const { fake, readings, stick } = await site();
    await vi.advanceTimersByTimeAsync(1000);
    expect(readings.map((r) => r.serial).sort()).toEqual([QS1, YC600].sort());
    const yc = readings.find((r) => r.serial === YC600)!;
    expect(yc).toMatchObject({
      shortAddress: 0x103a,
      linkQuality: 180,
      reply: { kind: "telemetry", model: "YC600" },
    });
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(polls(fake, 0x103a)).toBe(2);
    expect(polls(fake, 0x05c0)).toBe(2);
    expect(stick.inverters().map((s) => s.state)).toEqual(["awake", "awake"]);
  });

  it("calls an inverter sleeping, not failed, when every inverter goes silent at night", async () => {
    const { fake, states, stick } = await site();
    await vi.advanceTimersByTimeAsync(1000);
    fake.inverter(YC600).mode = "silent";
    fake.inverter(QS1).mode = "no-route";
    await vi.advanceTimersByTimeAsync(15 * MIN);
    const status = stick.inverters();
    expect(status.map((s) => s.state)).toEqual(["sleeping", "sleeping"]);
    expect(status.find((s) => s.serial === YC600)!.noReply).toBeGreaterThan(0);
    expect(status.find((s) => s.serial === QS1)!.noRoute).toBeGreaterThan(0);
    expect(states.some((s) => s.state === "unreachable")).toBe(false);
    // Sleeping inverters are polled every 30 min, not every 5.
    const before = polls(fake, 0x103a);
    await vi.advanceTimersByTimeAsync(60 * MIN);
    expect(polls(fake, 0x103a) - before).toBe(2);
  });

  it("calls an inverter unreachable when it stays silent while another answers", async () => {
    const { fake, states, stick } = await site({ unreachableAfter: 3 });
    await vi.advanceTimersByTimeAsync(1000);
    fake.inverter(QS1).mode = "silent";
    await vi.advanceTimersByTimeAsync(11 * MIN);
    expect(stick.inverters().find((s) => s.serial === QS1)!.state).toBe("awake");
    await vi.advanceTimersByTimeAsync(5 * MIN);
    const qs1 = stick.inverters().find((s) => s.serial === QS1)!;
    expect(qs1).toMatchObject({ state: "unreachable", consecutiveFailures: 3, noReply: 3 });
    expect(states.at(-1)).toMatchObject({ serial: QS1, state: "unreachable", previous: "awake" });
  });

  it("treats silence outside daylight as sleep even when others still answer", async () => {
    const { fake, stick } = await site({ isDaylight: () => false });
    await vi.advanceTimersByTimeAsync(1000);
    fake.inverter(QS1).mode = "silent";
    await vi.advanceTimersByTimeAsync(6 * MIN);
    expect(stick.inverters().find((s) => s.serial === QS1)!.state).toBe("sleeping");
  });

  it("with a sun model, a whole site silent in daylight is unreachable, not asleep (lost pairing)", async () => {
    const { fake, stick } = await site({ isDaylight: () => true, unreachableAfter: 3 });
    await vi.advanceTimersByTimeAsync(1000);
    fake.inverter(YC600).mode = "no-route";
    fake.inverter(QS1).mode = "no-route";
    await vi.advanceTimersByTimeAsync(16 * MIN);
    expect(stick.inverters().map((s) => s.state)).toEqual(["unreachable", "unreachable"]);
  });

  it("polls sleeping inverters at once when the site answers again in the morning", async () => {
    const { fake, stick } = await site();
    await vi.advanceTimersByTimeAsync(1000);
    fake.inverter(YC600).mode = "silent";
    fake.inverter(QS1).mode = "silent";
    await vi.advanceTimersByTimeAsync(11 * MIN);
    expect(stick.inverters().map((s) => s.state)).toEqual(["sleeping", "sleeping"]);
    fake.inverter(YC600).mode = "awake";
    fake.inverter(QS1).mode = "awake";
    await stick.poll(YC600); // the YC600 wakes first
    await vi.advanceTimersByTimeAsync(1000);
    expect(stick.inverters().map((s) => s.state)).toEqual(["awake", "awake"]);
  });

  it("marks an AES-paired inverter encrypted and still reports it", async () => {
    const { fake, readings, stick } = await site();
    fake.inverter(QS1).mode = "encrypted";
    await vi.advanceTimersByTimeAsync(1000);
    expect(stick.inverters().find((s) => s.serial === QS1)!.state).toBe("encrypted");
    expect(readings.find((r) => r.serial === QS1)!.reply).toMatchObject({ kind: "encrypted" });
  });

  it("counts a reply carrying another serial as an error (stale short address)", async () => {
    const { stick } = await site();
    stick.addInverter({ serial: "408000999999", shortAddress: 0x103a });
    const out = await stick.poll("408000999999");
    expect(out).toMatchObject({ kind: "error" });
    if (out.kind === "error") expect(out.error.message).toMatch(/stale.*pair 408000999999 again/);
  });

  it("postpones polls while the stick is down without charging the inverter", async () => {
    const { transport, stick } = await site();
    await vi.advanceTimersByTimeAsync(1000);
    transport.drop();
    await vi.advanceTimersByTimeAsync(20 * MIN);
    expect(stick.inverters().map((s) => [s.state, s.errors, s.consecutiveFailures])).toEqual([
      ["awake", 0, 0],
      ["awake", 0, 0],
    ]);
  });
});
