/**
 * The driver against the stick emulator in-process (a Duplex per connection, one stick core behind
 * them), with the demo site's inverter physics. vitest's fake timers drive both sides: the emulator's
 * reply delays, the driver's timeouts and the simulated clock (Date.now).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { qs1LimitRaw, qs1LimitWatts, type Telemetry } from "../../src/protocol/index.ts";
import { Stick } from "../../src/radio/stick.ts";
import { openStreamTransport } from "../../src/radio/transport-url.ts";
import { createDemoSite, DEMO_SERIALS } from "../../src/sim/demo-site.ts";
import type { TelemetryEmitted } from "../../src/sim/emulator-types.ts";
import { type LineFaultOptions, LineFaults } from "../../src/sim/line-faults.ts";
import { StickCore, StickEmulator } from "../../src/sim/stick-emulator.ts";
import { ECU, expectMatchesTruth, lastTruth, MIDDAY, NIGHT } from "./e2e-helpers.ts";

const [A, B] = DEMO_SERIALS;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function rig(startMs: number, faults: LineFaultOptions = {}) {
  vi.setSystemTime(startMs);
  const site = createDemoSite({ clearSky: true });
  const emitted: TelemetryEmitted[] = [];
  const core = new StickCore({
    inverters: site.inverters,
    now: () => Date.now(),
    onTelemetry: (e) => emitted.push(e),
  });
  const lines: LineFaults[] = [];
  const transport = openStreamTransport(
    () => {
      const line = new LineFaults(new StickEmulator({ core }), faults);
      lines.push(line);
      return line;
    },
    { url: "stream://emulator", random: () => 0.5 },
  );
  const stick = new Stick({
    port: transport,
    ecuId: ECU,
    random: () => 0.5,
    polling: false,
    coordinator: { healthIntervalMs: 0 },
  });
  return { site, core, emitted, lines, stick };
}

/** Lets fake time run while `p` settles (pairing and read-backs wait seconds on the driver's clock). */
async function run<T>(p: Promise<T>, ms = 60_000): Promise<T> {
  await vi.advanceTimersByTimeAsync(ms);
  return p;
}

describe("driver ↔ stick emulator, in-process stream", () => {
  it("brings up, pairs, polls, sets a limit and reads it back, matching the emulator's truth", async () => {
    const { core, emitted, stick } = rig(MIDDAY);
    const info = await run(stick.start(), 5000);
    expect(info).toMatchObject({ deviceState: 9, ieee: "0xd8a3011b9780ffff" });

    for (const serial of [A, B]) {
      const paired = await run(stick.pair(serial));
      expect(paired).toEqual({ serial, shortAddress: core.air.shortFor(serial) });
      stick.addInverter(paired);
    }

    for (const serial of [A, B]) {
      const out = await run(stick.poll(serial), 5000);
      expect(out.kind).toBe("reading");
      if (out.kind !== "reading") return;
      const t = out.reading.reply as Telemetry;
      expect(t).toMatchObject({ kind: "telemetry", model: "QS1" });
      expect(t.acPowerW).toBeGreaterThan(50);
      expectMatchesTruth(t, lastTruth(emitted, serial));
    }

    const set = await run(stick.setMaxPower(A, 250));
    expect(set).toMatchObject({ outcome: "applied", control: "confirmed", requestedRaw: qs1LimitRaw(250) });
    const q = await run(stick.queryLimit(A));
    expect(q.outcome).toBe("read");
    expect(q.limit!.limitW).toBeCloseTo(qs1LimitWatts(qs1LimitRaw(250)), 9);
    expect(Math.abs(q.limit!.limitW - 250)).toBeLessThan(256 / 7395);
    // The inverter's own stored limit (the emulator's truth) is that wire value.
    await run(stick.poll(A), 5000);
    expect(lastTruth(emitted, A).truth.limitW).toBeCloseTo(q.limit!.limitW, 9);
    // Same value again: nothing is written.
    expect(await run(stick.setMaxPower(A, 250))).toMatchObject({ outcome: "unchanged", writes: 0 });
    await stick.stop();
  });

  it("decodes through garbage, stray F8 and split frames on the line", async () => {
    const { emitted, lines, stick } = rig(MIDDAY, { seed: 7, garbage: 0.3, strayF8: 0.5, split: 0.5 });
    await run(stick.start(), 5000);
    stick.addInverter(await run(stick.pair(A)));
    for (let i = 0; i < 5; i++) {
      const out = await run(stick.poll(A), 400_000);
      expect(out.kind).toBe("reading");
      if (out.kind === "reading") expectMatchesTruth(out.reading.reply as Telemetry, lastTruth(emitted, A));
    }
    expect(lines[0]!.stats.split + lines[0]!.stats.strayF8 + lines[0]!.stats.garbageBytes).toBeGreaterThan(0);
    await stick.stop();
  });

  it("counts a dropped reply as no-reply, then reads again", async () => {
    const { emitted, lines, stick } = rig(MIDDAY);
    await run(stick.start(), 5000);
    stick.addInverter(await run(stick.pair(A)));
    lines[0]!.dropNext(1);
    expect(await run(stick.poll(A), 10_000)).toMatchObject({ kind: "no-reply" });
    const out = await run(stick.poll(A), 10_000);
    expect(out.kind).toBe("reading");
    if (out.kind === "reading") expectMatchesTruth(out.reading.reply as Telemetry, lastTruth(emitted, A));
    expect(stick.inverters()[0]).toMatchObject({ noReply: 1, replies: 1 });
    await stick.stop();
  });

  it("recovers from a disconnect: reconnects, brings the coordinator up again, keeps the pairing", async () => {
    const { emitted, lines, stick } = rig(MIDDAY);
    const states: string[] = [];
    stick.events.onLinkState((s) => states.push(s.state));
    await run(stick.start(), 5000);
    const paired = await run(stick.pair(A));
    stick.addInverter(paired);
    lines[0]!.disconnect();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(stick.ready).toBe(true);
    expect(lines).toHaveLength(2);
    expect(states).toEqual([
      "connecting",
      "bringing-up",
      "ready",
      "reconnecting",
      "connecting",
      "bringing-up",
      "ready",
    ]);
    const out = await run(stick.poll(A), 5000);
    expect(out.kind).toBe("reading");
    if (out.kind === "reading") expectMatchesTruth(out.reading.reply as Telemetry, lastTruth(emitted, A));
    await stick.stop();
  });

  it("handles no route: an unpaired inverter's address gets 0xCD, and it reads as sleeping when all are silent", async () => {
    const { core, stick } = rig(MIDDAY);
    await run(stick.start(), 5000);
    stick.addInverter({ serial: B, shortAddress: core.air.shortFor(B)! }); // never paired: no bond
    const out = await run(stick.poll(B), 5000);
    expect(out).toMatchObject({ kind: "no-route", status: 0xcd, state: "sleeping" });
    expect(stick.inverters()[0]).toMatchObject({ noRoute: 1, errors: 0 });
    await stick.stop();
  });

  it("cannot pair at night and says why", async () => {
    const { stick } = rig(NIGHT);
    await run(stick.start(), 5000);
    const p = stick.pair(A);
    const check = expect(p).rejects.toMatchObject({ code: "pairing-timeout" });
    await vi.advanceTimersByTimeAsync(120_000);
    await check;
    await stick.stop();
  });
});
