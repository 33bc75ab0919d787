/**
 * Reading grid-protection settings end to end: the real stick driver against the stick emulator, over the
 * in-process stream (fake timers) and over TCP (real timers). The expected values are the emulated
 * inverters' own settings (their truth, in V / Hz / s), which the emulator puts on the wire with its own
 * encoder (src/sim/wire/protection.ts) into the captured pages.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ProtectionReading } from "../../src/protocol/index.ts";
import { RadioError } from "../../src/radio/errors.ts";
import { Stick } from "../../src/radio/stick.ts";
import { openStreamTransport } from "../../src/radio/transport/url.ts";
import { SimClock } from "../../src/sim/clock.ts";
import { createDemoSite, DEMO_LOCATION, DEMO_MODULE, DEMO_SERIALS } from "../../src/sim/demo-site.ts";
import { type EmulatorServer, serveEmulator } from "../../src/sim/emulator/server.ts";
import { StickCore, StickEmulator } from "../../src/sim/emulator/stick.ts";
import { SIM_VDE_AR_N_4105, type SimGridSettings } from "../../src/sim/grid-profile.ts";
import { LineFaults } from "../../src/sim/line-faults.ts";
import { SimSite } from "../../src/sim/site.ts";
import { ECU, MIDDAY, NIGHT } from "./e2e-helpers.ts";

/** Wire resolution of what the emulator writes (grid-protection.md §3, §5): whole volts, a 24-bit period. */
const QS1_HZ_TOL = 1e-4;
/** QS1/QS1A page A slots that hold firmware defaults whatever was written (§3.3). */
const QS1_NOT_READABLE = ["BB", "BC", "BD", "BE", "BH", "BI", "BJ", "AH", "AI"] as const;
const QS1_READ = [
  "AQ",
  "AD",
  "AC",
  "AY",
  "AE",
  "AJ",
  "AF",
  "AK",
  "BK",
  "AG",
  "AS",
  "BN",
  "BO",
  "BP",
  "BQ",
  "AB",
] as const;

function expectQs1Reading(r: ProtectionReading, truth: Readonly<SimGridSettings>, limitW: number): void {
  expect(r.pages).toEqual(["A", "B", "C"]);
  for (const code of QS1_READ) {
    const v = r.settings[code];
    const want = truth[code];
    expect(v?.kind, code).toBe("value");
    if (v?.kind === "value" && want !== undefined) {
      expect(
        Math.abs(v.value - want),
        `${code}: read ${v.value}, inverter holds ${want}`,
      ).toBeLessThanOrEqual(v.unit === "Hz" ? QS1_HZ_TOL : 1e-9);
    }
  }
  for (const code of QS1_NOT_READABLE) expect(r.settings[code]?.kind, code).toBe("not-readable");
  const da = r.settings.DA;
  // The stored limit per panel, in (W · 7395) >> 8 steps of 256/7395 ≈ 0.035 W.
  expect(da?.kind === "value" && Math.abs(da.value - limitW)).toBeLessThan(0.035);
}

describe("protection read, in-process stream", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function rig(startMs: number, site: SimSite = createDemoSite({ clearSky: true })) {
    vi.setSystemTime(startMs);
    const core = new StickCore({ inverters: site.inverters, now: () => Date.now() });
    const lines: LineFaults[] = [];
    const transport = openStreamTransport(
      () => {
        const line = new LineFaults(new StickEmulator({ core }), {});
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
    return { site, core, lines, stick };
  }

  async function run<T>(p: Promise<T>, ms = 60_000): Promise<T> {
    await vi.advanceTimersByTimeAsync(ms);
    return p;
  }

  it("reads every demo inverter's pages A, B and C: the settings each emulated QS1 holds", async () => {
    const { site, stick } = rig(MIDDAY);
    await run(stick.start(), 5000);
    for (const serial of DEMO_SERIALS) stick.addInverter(await run(stick.pair(serial)));
    const events: string[] = [];
    stick.events.onProtectionRead((e) => events.push(e.reading.serial));
    for (const serial of DEMO_SERIALS) {
      const r = await run(stick.readProtection(serial));
      expect(r).toMatchObject({ serial, model: "QS1" });
      const inv = site.inverter(serial)!;
      expectQs1Reading(r, inv.gridSettings(), inv.limitW());
      // The demo site runs APsystems' EN50549-1 profile (§6.1): AC 196 V, AE 47.5 Hz, AG 60 s.
      expect(r.settings.AC).toEqual({ kind: "value", value: 196, unit: "V" });
      expect(r.settings.AG).toEqual({ kind: "value", value: 60, unit: "s" });
      expect(r.raw?.A).toMatch(/^fbfb3fdb/);
    }
    expect(events).toEqual([...DEMO_SERIALS]);
    await stick.stop();
  });

  it("reads back a planted deviation: one inverter's AC, another on the VDE-AR-N 4105 profile", async () => {
    const { site, stick } = rig(MIDDAY);
    const [a, b, c] = DEMO_SERIALS;
    site.inverter(b)!.setGridSettings({ AC: 183 });
    site.inverter(c)!.setGridSettings(SIM_VDE_AR_N_4105);
    await run(stick.start(), 5000);
    for (const serial of [a, b, c]) stick.addInverter(await run(stick.pair(serial)));
    const ra = await run(stick.readProtection(a));
    const rb = await run(stick.readProtection(b));
    const rc = await run(stick.readProtection(c));
    expect(ra.settings.AC).toMatchObject({ value: 196 });
    expect(rb.settings.AC).toMatchObject({ value: 183 });
    expect(rb.settings.AD).toMatchObject({ value: 264 }); // the rest unchanged
    expect(rc.settings.AF).toMatchObject({ value: expect.closeTo(51.5, 3) });
    expect(rc.settings.AK).toMatchObject({ value: expect.closeTo(50.5, 3) });
    expect(rc.settings.AG).toMatchObject({ value: 80 });
    expect(rc.settings.BP).toMatchObject({ value: expect.closeTo(47.5, 3) });
    expectQs1Reading(rc, site.inverter(c)!.gridSettings(), site.inverter(c)!.limitW());
    await stick.stop();
  });

  it("a page lost on the air is asked again in the second pass", async () => {
    const { stick, lines } = rig(MIDDAY);
    const [a] = DEMO_SERIALS;
    await run(stick.start(), 5000);
    stick.addInverter(await run(stick.pair(a)));
    lines[0]!.dropNext(1); // page A's answer
    const r = await run(stick.readProtection(a));
    expect(lines[0]!.stats.dropped).toBe(1);
    expect(r.pages).toEqual(["A", "B", "C"]);
    expect(r.settings.AC).toMatchObject({ value: 196 });
    await stick.stop();
  });

  it("DS3 and YC600: the pages each model answers, with what can and cannot be trusted", async () => {
    const panel = { ...DEMO_MODULE, tiltDeg: 35, azimuthDeg: 180 };
    const ds3 = "703000054321";
    const yc600 = "408000054321";
    const site = new SimSite({
      ...DEMO_LOCATION,
      seed: 11,
      clearSky: true,
      inverters: [
        { serial: ds3, panels: [panel, panel] },
        { serial: yc600, panels: [panel, panel] },
      ],
    });
    const { stick } = rig(MIDDAY, site);
    await run(stick.start(), 5000);
    for (const serial of [ds3, yc600]) stick.addInverter(await run(stick.pair(serial)));

    const d = await run(stick.readProtection(ds3));
    expect(d.pages).toEqual(["A", "B"]);
    // EN50549-1 as a DS3 reports it: whole volts, Hz in 0.01 steps, BD/BC one count below the written 1.2 / 0.1 s.
    expect(d.settings).toMatchObject({
      AC: { value: 196 },
      AD: { value: 264 },
      AE: { value: expect.closeTo(47.5, 6) },
      BB: { value: expect.closeTo(0.02, 6) },
      BD: { value: expect.closeTo(1.19, 6) },
      BC: { value: expect.closeTo(0.09, 6) },
      AG: { value: 60 },
    });
    const dsDa = d.settings.DA;
    expect(dsDa?.kind === "value" && Math.abs(dsDa.value - site.inverter(ds3)!.limitW())).toBeLessThan(0.031);

    const y = await run(stick.readProtection(yc600));
    expect(y.pages).toEqual(["A", "B"]);
    expect(y.settings.DA).toMatchObject({ kind: "value" });
    expect(y.settings.BN).toMatchObject({ kind: "not-readable" });
    expect(y.settings.AC).toMatchObject({
      kind: "not-readable",
      why: expect.stringMatching(/would read 196 V/),
    });
    await stick.stop();
  });

  it("says why when nothing answers (night) or the inverter is not paired", async () => {
    const { stick } = rig(NIGHT);
    await run(stick.start(), 5000);
    const [a, b] = DEMO_SERIALS;
    stick.addInverter({ serial: a, shortAddress: 0x1234 });
    const night = stick.readProtection(a).catch((e: unknown) => e);
    const err = await run(night);
    expect(err).toBeInstanceOf(RadioError);
    expect(err).toMatchObject({ code: "no-reply" });
    expect((err as Error).message).toMatch(/801000012345 answered no protection page in 2 passes \(page A: /);
    await expect(stick.readProtection(b)).rejects.toMatchObject({ code: "unknown-inverter" });
    await stick.stop();
  });
});

describe("protection read over TCP", () => {
  let server: EmulatorServer | undefined;
  let stick: Stick | undefined;
  afterEach(async () => {
    await stick?.stop();
    await server?.close();
    stick = server = undefined;
  });

  it("reads every demo inverter and a deviation planted while the emulator runs", async () => {
    const clock = new SimClock({ startMs: MIDDAY, speed: 1000 });
    const site = createDemoSite({ clearSky: true });
    server = await serveEmulator({ port: 0, inverters: site.inverters, now: () => clock.now() });
    stick = new Stick({
      port: server.url,
      ecuId: ECU,
      polling: false,
      coordinator: { healthIntervalMs: 0 },
      transport: { backoff: { initialMs: 50, maxMs: 500 } },
      pairing: { stepMs: 20, replyTimeoutMs: 2000 },
      protection: { pageGapMs: 20, inverterGapMs: 20, replyTimeoutMs: 2000 },
    });
    await stick.start();
    for (const serial of DEMO_SERIALS) stick.addInverter(await stick.pair(serial));
    for (const serial of DEMO_SERIALS) {
      const inv = site.inverter(serial)!;
      expectQs1Reading(await stick.readProtection(serial), inv.gridSettings(), inv.limitW());
    }
    const last = DEMO_SERIALS[3];
    site.inverter(last)!.setGridSettings({ AE: 49.8, BO: 262 });
    const r = await stick.readProtection(last);
    expect(r.settings.AE).toMatchObject({ value: expect.closeTo(49.8, 3) });
    expect(r.settings.BO).toMatchObject({ value: 262 });
  });
});
