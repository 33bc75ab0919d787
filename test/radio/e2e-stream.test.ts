/**
 * The driver against the stick emulator in-process (a Duplex per connection, one stick core behind
 * them), with the demo site's inverter physics. vitest's fake timers drive both sides: the emulator's
 * reply delays, the driver's timeouts and the simulated clock (Date.now).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Telemetry } from "../../src/protocol/index.ts";
import { Stick } from "../../src/radio/stick.ts";
import { openStreamTransport } from "../../src/radio/transport/url.ts";
import { createDemoSite, DEMO_LOCATION, DEMO_MODULE, DEMO_SERIALS } from "../../src/sim/demo-site.ts";
import { StickCore, StickEmulator } from "../../src/sim/emulator/stick.ts";
import type { TelemetryEmitted } from "../../src/sim/emulator/types.ts";
import { type LineFaultOptions, LineFaults } from "../../src/sim/line-faults.ts";
import { SimSite } from "../../src/sim/site.ts";
import { ECU, expectMatchesTruth, lastTruth, MIDDAY, NIGHT } from "./e2e-helpers.ts";

const [A, B] = DEMO_SERIALS;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/**
 * Max-power words worked out from DESIGN.md §2, not with the codec's functions:
 * QS1 250 W → (250 · 7395) >> 8 = 1 848 750 >> 8 = 7221 (0x1C35) → back 7221 · 256 / 7395 = 249.9765 W.
 * DS3 600 W → round(600 / 0.06027) = round(9955.20) = 9955 → 9955 · 0.06027 = 599.98785 W;
 * DS3 1100 W (top of its range) → round(18251.20) = 18251, under openaps' cap 0x474C = 18252 → 1099.98777 W.
 */
const QS1_250W_WORD = 7221;
const QS1_250W_BACK = 249.9765;
const DS3_600W_BACK = 599.98785;
const DS3_1100W_BACK = 1099.98777;

/** One of each model family on the demo roof: QS1 (4 inputs), YC600 (2), DS3 (2). */
const MIXED = { qs1: "801000054321", yc600: "408000054321", ds3: "703000054321" } as const;
function mixedSite(): SimSite {
  const panel = { ...DEMO_MODULE, tiltDeg: 35, azimuthDeg: 180 };
  return new SimSite({
    ...DEMO_LOCATION,
    seed: 11,
    clearSky: true,
    inverters: [
      { serial: MIXED.qs1, panels: [panel, panel, panel, panel] },
      { serial: MIXED.yc600, panels: [panel, panel] },
      { serial: MIXED.ds3, panels: [panel, panel] },
    ],
  });
}

function rig(
  startMs: number,
  faults: LineFaultOptions = {},
  site: SimSite = createDemoSite({ clearSky: true }),
) {
  vi.setSystemTime(startMs);
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
    expect(set).toMatchObject({ outcome: "applied", control: "confirmed", requestedRaw: QS1_250W_WORD });
    const q = await run(stick.queryLimit(A));
    expect(q.outcome).toBe("read");
    expect(q.limit!.limitW).toBeCloseTo(QS1_250W_BACK, 4);
    // The inverter's own stored limit (the emulator's truth) is that wire value.
    await run(stick.poll(A), 5000);
    expect(lastTruth(emitted, A).truth.limitW).toBeCloseTo(QS1_250W_BACK, 4);
    // Same value again: nothing is written.
    expect(await run(stick.setMaxPower(A, 250))).toMatchObject({ outcome: "unchanged", writes: 0 });
    await stick.stop();
  });

  it("QS1, YC600 and DS3 side by side: every field equals the truth, DS3 limits land in the inverter", async () => {
    const { emitted, stick, site } = rig(MIDDAY, {}, mixedSite());
    await run(stick.start(), 5000);
    for (const serial of Object.values(MIXED)) stick.addInverter(await run(stick.pair(serial)));
    for (const [family, serial] of Object.entries(MIXED)) {
      const out = await run(stick.poll(serial), 5000);
      expect(out.kind, family).toBe("reading");
      if (out.kind !== "reading") return;
      const t = out.reading.reply as Telemetry;
      expect(t.family).toBe(family);
      expect(t.acPowerW).toBeGreaterThan(50);
      expectMatchesTruth(t, lastTruth(emitted, serial));
    }
    // DS3 limits are per inverter, in 0.06027 W steps; the emulated inverter stores what the word says.
    for (const [watts, back] of [
      [600, DS3_600W_BACK],
      [1100, DS3_1100W_BACK],
    ] as const) {
      const set = await run(stick.setMaxPower(MIXED.ds3, watts));
      expect(set, `${watts} W`).toMatchObject({ outcome: "applied" });
      expect(site.inverter(MIXED.ds3)!.limitW()).toBeCloseTo(back, 4);
      const q = await run(stick.queryLimit(MIXED.ds3));
      expect(q.limit!.limitW).toBeCloseTo(back, 4);
    }
    // YC600 limits are per panel, like QS1.
    await run(stick.setMaxPower(MIXED.yc600, 250));
    expect(site.inverter(MIXED.yc600)!.limitW()).toBeCloseTo(QS1_250W_BACK, 4);
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
