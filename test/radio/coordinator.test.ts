import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { encodeZnpFrame, fromHex, parseEcuId, toHex } from "../../src/protocol/index.ts";
import { Coordinator, type CoordinatorStateChange } from "../../src/radio/coordinator.ts";
import { ZnpLink } from "../../src/radio/znp-link.ts";
import { bringUpTrace } from "../fixtures/captures.ts";
import { FakeStick } from "./fake-stick.ts";

const ECU = parseEcuId("D8A3011B9780");

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function setup(stick = new FakeStick(), opts: ConstructorParameters<typeof Coordinator>[3] = {}) {
  const t = stick.asTransport();
  await t.open();
  const link = new ZnpLink(t, { srspTimeoutMs: 1000 });
  const states: CoordinatorStateChange[] = [];
  const c = new Coordinator(link, ECU, (s) => states.push(s), {
    resetTimeoutMs: 1000,
    startTimeoutMs: 2000,
    healthIntervalMs: 0,
    random: () => 0.5,
    ...opts,
  });
  c.start();
  return { stick, t, link, c, states };
}

const sentHex = (s: FakeStick) => s.received.map((f) => toHex(encodeZnpFrame(f)).toUpperCase());

describe("Coordinator bring-up", () => {
  it("sends the traced ESP-ECU sequence byte for byte, then the health check", async () => {
    const { stick, c } = await setup();
    const info = await c.bringUp();
    const trace = bringUpTrace().map((s) => s.sent);
    expect(sentHex(stick)).toEqual([...trace.slice(0, 8), "FE00270027"]);
    expect(info).toMatchObject({ deviceState: 9, ieee: "0xd8a3011b9780ffff" });
    expect(c.state).toBe("ready");
  });

  it("comes up on the stick's traced answers, stray bytes included", async () => {
    // Replay: answer each request with exactly what the traced stick sent back.
    const trace = bringUpTrace();
    const answers = new Map(trace.map((s) => [s.sent, s.received.join("")]));
    answers.set("FE00260026", "FE00660066FE0145C0088CFE0145C0098D");
    answers.set("FE00270027", "F0F8FE0E670000FFFF80971B01A3D8000007090011");
    const stick = new FakeStick({ mute: true });
    const { c } = await setup(stick);
    const off = stick.onOutput(() => undefined);
    const orig = stick.write.bind(stick);
    stick.write = (bytes) => {
      orig(bytes);
      const reply = answers.get(toHex(bytes).toUpperCase());
      if (reply) stick.emitRaw(fromHex(reply));
    };
    await expect(c.bringUp()).resolves.toMatchObject({ deviceState: 9, shortAddr: 0 });
    off();
  });

  it("reports no-answer when the stick stays silent, and retries later", async () => {
    const stick = new FakeStick({ mute: true });
    const { c, states } = await setup(stick, { retry: { initialMs: 5000, jitter: 0 } });
    const p = c.bringUp();
    const check = expect(p).rejects.toMatchObject({ code: "no-answer" });
    await vi.advanceTimersByTimeAsync(1000);
    await check;
    expect(states.at(-1)).toMatchObject({ state: "no-answer" });
    const before = stick.received.length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(stick.received.length).toBeGreaterThan(before);
  });

  it("fails when the stick does not reach state 9", async () => {
    const { c } = await setup(new FakeStick({ startedState: 0x08 }));
    const p = c.bringUp();
    const check = expect(p).rejects.toThrow(/state 9/);
    await vi.advanceTimersByTimeAsync(2000);
    await check;
  });

  it("brings the coordinator up again after an unsolicited reset", async () => {
    const { stick, c, states } = await setup();
    await c.bringUp();
    const before = stick.sent("ZB_START_REQUEST").length;
    stick.injectReset();
    await vi.advanceTimersByTimeAsync(0);
    await vi.waitFor(() => expect(c.state).toBe("ready"));
    expect(stick.sent("ZB_START_REQUEST").length).toBe(before + 1);
    expect(states.map((s) => s.state)).toEqual(["bringing-up", "ready", "bringing-up", "ready"]);
  });

  it("checks health periodically and re-initialises a stick that left state 9", async () => {
    const stick = new FakeStick();
    const { c } = await setup(stick, { healthIntervalMs: 60_000 });
    await c.bringUp();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(stick.sent("UTIL_GET_DEVICE_INFO").length).toBe(2);
    expect(stick.sent("ZB_START_REQUEST").length).toBe(1);
    // The stick lost its network without telling us (e.g. a watchdog reset whose indication was lost).
    stick.forgetNetwork();
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.waitFor(() => expect(stick.sent("ZB_START_REQUEST").length).toBe(2));
    expect(c.state).toBe("ready");
  });
});
