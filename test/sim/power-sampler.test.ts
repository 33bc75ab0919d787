/**
 * The test rig's truth: each inverter's true AC output and what it could give unlimited, sampled every
 * simulated second. Checked against physics stated here, not against the simulator's constants.
 */
import { describe, expect, it } from "vitest";
import { type PowerSample, PowerSampler, powerLogLine } from "../../src/sim/power-sampler.ts";
import { HOUR, JUNE_21, MODULE_400, oneInverterSite } from "./fixtures.ts";

const QS1 = "801000085070";
const DS3 = "703000000001";

function collect(sampler: PowerSampler): PowerSample[] {
  const got: PowerSample[] = [];
  sampler.onSample((s) => got.push(s));
  return got;
}

describe("PowerSampler", () => {
  it("at night every inverter gives 0 W, true and available", () => {
    // 21 June, 00:00–00:02 UTC: near solar midnight at 52°N 5°E (sunset ~20:00 UTC; the sun is ~14° below the horizon).
    const site = oneInverterSite(QS1, [MODULE_400, MODULE_400, MODULE_400, MODULE_400]);
    const sampler = new PowerSampler(site.inverters, 1000, JUNE_21);
    const got = collect(sampler);
    sampler.sampleUntil(JUNE_21 + 120_000);
    expect(got).toHaveLength(121);
    for (const s of got) {
      expect([s.acPowerW, s.availableAcW]).toEqual([0, 0]);
      expect(s.inverters[0]).toMatchObject({ acPowerW: 0, availableAcW: 0, awake: false });
    }
  });

  it("samples each period once, in order, on multiples of the period, however the calls are spread", () => {
    const site = oneInverterSite(QS1, [MODULE_400]);
    const start = JUNE_21 + 10 * HOUR + 400; // not on a whole second
    const sampler = new PowerSampler(site.inverters, 1000, start);
    const got = collect(sampler);
    for (const t of [start, start + 300, start + 600, start + 5_700, start + 5_700, start + 9_999]) {
      sampler.sampleUntil(t);
    }
    expect(got.map((s) => s.tMs - (JUNE_21 + 10 * HOUR))).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((s) => s * 1000),
    );
    expect(() => new PowerSampler(site.inverters, 0.5, start)).toThrow(/whole number of ms > 0/);
  });

  it("after a max-power command of 100 W per panel, a QS1 in full sun gives ≤ 4 × 100 W while it could give more", () => {
    // 21 June, 11:40 UTC (solar noon at 4.9° E), clear sky, four 400 Wp modules facing south at 35°: the
    // sun is ~61° high, nearly square to the panels, so each module sees ~1000 W/m² and gives ~340 W DC —
    // far above 100 W per panel. Before the command (limit 500 W per panel, above any panel's output), true
    // and available output are the same.
    const noon = JUNE_21 + 11 * HOUR + 40 * 60_000;
    const site = oneInverterSite(QS1, [MODULE_400, MODULE_400, MODULE_400, MODULE_400]);
    const inv = site.inverter(QS1)!;
    const sampler = new PowerSampler(site.inverters, 1000, noon);
    const got = collect(sampler);
    sampler.sampleUntil(noon);
    const before = got[0]!;
    expect(before.inverters[0]).toMatchObject({ limitW: 500, limitPer: "panel", on: true, awake: true });
    expect(before.acPowerW).toBeGreaterThan(1000);
    expect(before.acPowerW).toBeLessThanOrEqual(1200); // QS1 rating
    expect(before.acPowerW).toBe(before.availableAcW);

    expect(inv.setMaxPower(100, noon)).toBe(true);
    // A command takes effect within seconds and ramps (InverterSim tests): a minute is ample.
    sampler.sampleUntil(noon + 60_000);
    const settled = got.filter((s) => s.tMs >= noon + 30_000);
    expect(settled).toHaveLength(31);
    for (const s of settled) {
      expect(s.inverters[0]!.limitW).toBe(100);
      expect(s.acPowerW).toBeLessThanOrEqual(4 * 100 + 1e-6);
      expect(s.acPowerW).toBeGreaterThan(4 * 100 - 4); // the panels could give more: the limit binds
      expect(s.availableAcW).toBeGreaterThan(1000);
    }
    // And the log line says the same in the documented keys.
    const line = powerLogLine(settled[0]!);
    expect(line).toMatchObject({
      time: new Date(noon + 30_000).toISOString(),
      t_ms: noon + 30_000,
      inverters: [{ serial: QS1, limit_w: 100, limit_per: "panel", on: true, awake: true }],
    });
    expect(line.ac_power_w).toBe(settled[0]!.acPowerW);
  });

  it("switched off: true output 0 W, available unchanged", () => {
    const noon = JUNE_21 + 11 * HOUR + 40 * 60_000;
    const site = oneInverterSite(DS3, [MODULE_400, MODULE_400]);
    const sampler = new PowerSampler(site.inverters, 1000, noon);
    const got = collect(sampler);
    sampler.sampleUntil(noon);
    site.inverter(DS3)!.setOn(false, noon);
    sampler.sampleUntil(noon + 5_000);
    const off = got.at(-1)!;
    expect(off.inverters[0]).toMatchObject({ acPowerW: 0, on: false, limitPer: "inverter" });
    // Two 400 Wp modules at noon: ~680 W DC × 0.95 — under the DS3's 880 W rating.
    expect(off.availableAcW).toBeGreaterThan(500);
    expect(off.availableAcW).toBeCloseTo(got[0]!.availableAcW, -1);
  });

  it("agrees with what the inverter puts in its replies at the same instant", () => {
    const start = JUNE_21 + 8 * HOUR;
    const site = oneInverterSite(QS1, [MODULE_400, MODULE_400, MODULE_400, MODULE_400], { clearSky: false });
    const inv = site.inverter(QS1)!;
    const sampler = new PowerSampler(site.inverters, 1000, start);
    const got = collect(sampler);
    // The sampler must see a time before anyone moves the inverter to it (physics only goes forward).
    sampler.sampleUntil(start + 500);
    inv.setMaxPower(150, start + 500);
    for (let k = 1; k <= 40; k++) {
      const t = start + k * 1000;
      sampler.sampleUntil(t);
      const reply = inv.reply(t)!;
      expect(got.at(-1)!.tMs).toBe(t);
      // The reply's per-channel AC shares (V × I × 0.95) sum to the same true output.
      expect(got.at(-1)!.acPowerW).toBe(reply.acPowerW);
      const fromChannels = reply.channels.reduce((s, c) => s + c.voltageV * c.currentA * 0.95, 0);
      expect(got.at(-1)!.acPowerW).toBeCloseTo(fromChannels, 6);
      expect(got.at(-1)!.inverters[0]!.limitW).toBe(reply.limitW);
    }
  });
});
