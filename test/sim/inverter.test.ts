import { describe, expect, it } from "vitest";
import { Panel } from "../../src/sim/panel.ts";
import { SimSite } from "../../src/sim/site.ts";
import type { TelemetryTruth } from "../../src/sim/truth.ts";
import {
  AMSTERDAM,
  acShare,
  HOUR,
  JUNE_21,
  MINUTE,
  MODULE_400,
  MODULE_500,
  oneInverterSite,
} from "./fixtures.ts";

/** Wh per energy-counter step on the wire (DESIGN.md §2): QS1/YC600 5-byte, DS3 32-bit. */
const QS1_ENERGY_WH_PER_LSB = 3.756e-8;
const DS3_ENERGY_WH_PER_LSB = 1.674e-5;

const QS1 = "801000085070";
const NOON = JUNE_21 + 11.6 * HOUR;

function mustReply(r: TelemetryTruth | null): TelemetryTruth {
  if (!r) throw new Error("expected the inverter to answer");
  return r;
}

describe("InverterSim day and night", () => {
  it("is silent at night and produces energy at noon on a clear June day at 52°N", () => {
    const inv = oneInverterSite(QS1, [MODULE_400, MODULE_400, MODULE_400, MODULE_400]).inverter(QS1)!;
    expect(inv.reply(JUNE_21 + 1 * HOUR)).toBeNull();
    expect(inv.radioOn(JUNE_21 + 1.5 * HOUR)).toBe(false);
    const r = mustReply(inv.reply(NOON));
    expect(r.serial).toBe(QS1);
    expect(r.model).toBe("QS1");
    expect(r.channels).toHaveLength(4);
    expect(r.acPowerW).toBeGreaterThan(1000);
    for (const ch of r.channels) {
      expect(ch.voltageV).toBeGreaterThan(22);
      expect(ch.voltageV).toBeLessThan(48);
      expect(ch.energyCounter).toBeGreaterThan(0);
    }
    expect(r.uptimeS).toBeGreaterThan(7 * 3600);
    expect(r.statusBytes).toEqual(new Uint8Array(4));
    expect(r.encrypted).toBe(false);
    expect(r.on).toBe(true);
    expect(r.temperatureC).toBeGreaterThan(25);
    expect(r.temperatureC).toBeLessThan(80);
    expect(r.acVoltageV).toBeGreaterThan(184);
    expect(r.frequencyHz).toBeCloseTo(50, 1);
  });

  it("restarts uptime and energy counters after a night", () => {
    const inv = oneInverterSite(QS1, [MODULE_400, MODULE_400]).inverter(QS1)!;
    const evening = mustReply(inv.reply(JUNE_21 + 17 * HOUR));
    const firstUp = inv.poweredUpAtMs!;
    expect(inv.reply(JUNE_21 + 23 * HOUR)).toBeNull();
    expect(inv.poweredUpAtMs).toBeUndefined();
    const morning = mustReply(inv.reply(JUNE_21 + 29 * HOUR));
    const secondUp = inv.poweredUpAtMs!;
    expect(secondUp - firstUp).toBeGreaterThan(20 * HOUR);
    expect(morning.uptimeS).toBe(Math.floor((JUNE_21 + 29 * HOUR - secondUp) / 1000));
    expect(morning.uptimeS).toBeLessThan(evening.uptimeS);
    expect(morning.channels[0]!.energyCounter).toBeLessThan(evening.channels[0]!.energyCounter);
    expect(morning.channels[0]!.energyCounter).toBeGreaterThan(0);
    // Unconnected inputs read nothing.
    expect(morning.channels[3]).toEqual({ voltageV: 0, currentA: 0, energyCounter: 0, energyWh: 0 });
  });

  it("starting mid-day behaves as if up since dawn", () => {
    const site = oneInverterSite(QS1, [MODULE_400]);
    const inv = site.inverter(QS1)!;
    const r = mustReply(inv.reply(NOON));
    const up = inv.poweredUpAtMs!;
    expect(up).toBeGreaterThan(JUNE_21 + 3 * HOUR);
    expect(up).toBeLessThan(JUNE_21 + 4 * HOUR);
    // Just before the power-up the panel could not start it.
    expect(site.env.conditions(up - 60_000).sun.elevationDeg).toBeLessThan(2);
    expect(r.channels[0]!.energyCounter * QS1_ENERGY_WH_PER_LSB).toBeGreaterThan(800);
  });

  it("refuses to go back in time", () => {
    const inv = oneInverterSite(QS1, [MODULE_400]).inverter(QS1)!;
    inv.reply(NOON);
    expect(() => inv.reply(NOON - 1)).toThrow(/time went backwards.*only moves forward/);
  });

  it("rejects serials it cannot simulate and too many panels", () => {
    expect(() => oneInverterSite("501000000001", [])).toThrow(/YC1000/);
    expect(() => oneInverterSite("999000000001", [])).toThrow(/not a known model/);
    expect(() => oneInverterSite("406000000001", [MODULE_400, MODULE_400, MODULE_400])).toThrow(/2 inputs/);
  });
});

describe("InverterSim energy counters", () => {
  it("decode to the Wh integrated from the replies' V·I·0.95", () => {
    const inv = oneInverterSite(QS1, [MODULE_400, { ...MODULE_400, azimuthDeg: 270 }]).inverter(QS1)!;
    const integrated = [0, 0];
    let prev: TelemetryTruth | null = null;
    let last: TelemetryTruth | null = null;
    for (let t = JUNE_21 + 2 * HOUR; t <= JUNE_21 + 20 * HOUR; t += 2 * MINUTE) {
      const r = inv.reply(t);
      if (r && prev) {
        for (const i of [0, 1])
          integrated[i]! += ((acShare(prev.channels[i]!) + acShare(r.channels[i]!)) / 2) * (2 / 60);
      }
      prev = r;
      last = r ?? last;
    }
    const counted = mustReply(last).channels.map((c) => c.energyCounter * QS1_ENERGY_WH_PER_LSB);
    for (const i of [0, 1]) {
      expect(integrated[i]).toBeGreaterThan(1000);
      expect(Math.abs(counted[i]! - integrated[i]!) / integrated[i]!).toBeLessThan(0.01);
    }
    // Quantisation: the counter never claims more than the inverter's own integral.
    inv.energyWh().forEach((wh, i) => {
      expect(counted[i]!).toBeLessThanOrEqual(wh);
      expect(wh - counted[i]!).toBeLessThan(QS1_ENERGY_WH_PER_LSB);
    });
  });

  it("give the AC power as counter delta over uptime delta", () => {
    const inv = oneInverterSite(QS1, [MODULE_400, MODULE_400, MODULE_400]).inverter(QS1)!;
    const a = mustReply(inv.reply(NOON));
    const b = mustReply(inv.reply(NOON + 5 * MINUTE));
    const wh = b.channels.reduce(
      (s, c, i) => s + (c.energyCounter - a.channels[i]!.energyCounter) * QS1_ENERGY_WH_PER_LSB,
      0,
    );
    const avgW = (wh * 3600) / (b.uptimeS - a.uptimeS);
    expect(avgW).toBeCloseTo((a.acPowerW + b.acPowerW) / 2, -1);
  });

  it("count in DS3 units on a DS3", () => {
    const inv = oneInverterSite("703000000001", [MODULE_400, MODULE_400]).inverter("703000000001")!;
    const r = mustReply(inv.reply(NOON));
    expect(r.model).toBe("DS3");
    expect(r.statusBytes).toHaveLength(5);
    expect(r.channels).toHaveLength(2);
    inv.energyWh().forEach((wh, i) => {
      expect(r.channels[i]!.energyCounter).toBe(Math.floor(wh / DS3_ENERGY_WH_PER_LSB));
    });
    expect(r.reactivePowerVar).not.toBe(0);
  });
});

describe("InverterSim clipping", () => {
  it("holds a QS1 with oversized panels at 1200 W, moving inputs off their MPP", () => {
    const site = oneInverterSite(QS1, [MODULE_500, MODULE_500, MODULE_500, MODULE_500]);
    const inv = site.inverter(QS1)!;
    const r = mustReply(inv.reply(NOON));
    expect(r.acPowerW).toBeCloseTo(1200, 3);
    expect(r.channels.reduce((s, c) => s + acShare(c), 0)).toBeCloseTo(1200, 3);
    const c = site.env.conditions(NOON);
    const curve = new Panel(MODULE_500).curve(site.env.poaWm2(NOON, 35, 180), c.ambientC);
    expect(curve.mpp.powerW * 4 * 0.95).toBeGreaterThan(1300);
    for (const ch of r.channels) {
      expect(ch.voltageV).toBeGreaterThan(curve.mpp.voltageV + 1);
      expect(ch.voltageV).toBeLessThan(curve.vocV);
    }
  });

  it("holds a YC600 at 600 W", () => {
    const yc = oneInverterSite("406000000001", [MODULE_500, MODULE_500]).inverter("406000000001")!;
    const r = mustReply(yc.reply(NOON));
    expect(r.model).toBe("YC600");
    expect(r.acPowerW).toBeCloseTo(600, 3);
  });

  it("holds a DS3 at its per-inverter limit, from the start and after a command", () => {
    const site = new SimSite({
      ...AMSTERDAM,
      seed: 1,
      clearSky: true,
      inverters: [{ serial: "703000000001", panels: [MODULE_500, MODULE_500], initialLimitW: 500 }],
    });
    const ds3 = site.inverter("703000000001")!;
    const first = mustReply(ds3.reply(NOON));
    expect(first.limitW).toBe(500);
    expect(first.acPowerW).toBeCloseTo(500, 3);
    expect(ds3.setMaxPower(300, NOON + 1000)).toBe(true);
    const r = mustReply(ds3.reply(NOON + 30_000));
    expect(r.acPowerW).toBeCloseTo(300, 3);
    expect(r.limitW).toBe(300);
  });
});

describe("InverterSim max-power limit", () => {
  it("applies after a 2–5 s delay and ramps down at a bounded rate", () => {
    const inv = oneInverterSite(QS1, [MODULE_400, MODULE_400, MODULE_400, MODULE_400]).inverter(QS1)!;
    const t0 = NOON;
    const before = mustReply(inv.reply(t0));
    const perPanelBefore = acShare(before.channels[0]!);
    expect(perPanelBefore).toBeGreaterThan(250);
    expect(inv.limitW()).toBe(500);
    expect(inv.setMaxPower(100, t0)).toBe(true);

    const samples: { t: number; w: number; limit: number }[] = [];
    for (let t = t0 + 100; t <= t0 + 30_000; t += 100) {
      const r = mustReply(inv.reply(t));
      samples.push({ t: t - t0, w: Math.max(...r.channels.map(acShare)), limit: r.limitW });
    }
    const firstDrop = samples.find((s) => s.w < perPanelBefore - 2)!;
    expect(firstDrop.t).toBeGreaterThanOrEqual(2000);
    expect(firstDrop.t).toBeLessThanOrEqual(5100);
    expect(samples.filter((s) => s.t < 2000).every((s) => s.limit === 500)).toBe(true);
    expect(samples.filter((s) => s.t > 5000).every((s) => s.limit === 100)).toBe(true);
    // Ramp: 10 %/s of a panel's 300 W share = 30 W/s → at most ~3 W per 100 ms.
    for (let i = 1; i < samples.length; i++) expect(samples[i - 1]!.w - samples[i]!.w).toBeLessThan(3.5);
    const settled = samples.filter((s) => s.t > firstDrop.t + 8000);
    expect(settled.length).toBeGreaterThan(10);
    for (const s of settled) {
      expect(s.w).toBeLessThanOrEqual(100 + 1e-6);
      expect(s.w).toBeGreaterThan(99);
    }
  });

  it("is not heard while the inverter sleeps and rejects values outside the model's range", () => {
    const inv = oneInverterSite(QS1, [MODULE_400]).inverter(QS1)!;
    expect(inv.setMaxPower(200, JUNE_21 + HOUR)).toBe(false);
    expect(inv.limitW(JUNE_21 + 2 * HOUR)).toBe(500);
    expect(() => inv.setMaxPower(502, JUNE_21 + 3 * HOUR)).toThrow(/accepts a limit of 20–500 W per panel/);
  });

  it.each([
    ["QS1 20 W as decoded from the wire", QS1, 19.97, 20],
    ["QS1 500 W as decoded from the wire", QS1, 499.99, 499.99],
    ["DS3 raw 0x474C", "703000000001", 0x474c * 0.06027, 1100],
  ])("stores %s within the model's range", (_name, serial, w, stored) => {
    const inv = oneInverterSite(serial, [MODULE_400]).inverter(serial)!;
    expect(inv.setMaxPower(w, NOON)).toBe(true);
    expect(inv.limitW(NOON + 10_000)).toBeCloseTo(stored, 9);
  });

  it("keeps the stored limit across a night", () => {
    const inv = oneInverterSite(QS1, [MODULE_400]).inverter(QS1)!;
    inv.setMaxPower(150, NOON);
    const next = mustReply(inv.reply(NOON + 24 * HOUR));
    expect(next.limitW).toBe(150);
    expect(acShare(next.channels[0]!)).toBeLessThanOrEqual(150 + 1e-6);
  });
});

describe("InverterSim on/off", () => {
  it("drops AC to 0 W while still answering, then ramps back", () => {
    const inv = oneInverterSite(QS1, [MODULE_400, MODULE_400]).inverter(QS1)!;
    const full = mustReply(inv.reply(NOON)).acPowerW;
    expect(inv.setOn(false, NOON + 1000)).toBe(true);
    const off = mustReply(inv.reply(NOON + 2000));
    expect(off.on).toBe(false);
    expect(off.acPowerW).toBe(0);
    expect(off.channels[0]!.currentA).toBe(0);
    expect(off.channels[0]!.voltageV).toBeGreaterThan(35);
    inv.setOn(true, NOON + 10_000);
    const rising = mustReply(inv.reply(NOON + 12_000)).acPowerW;
    expect(rising).toBeGreaterThan(0);
    expect(rising).toBeLessThan(full * 0.5);
    expect(mustReply(inv.reply(NOON + 60_000)).acPowerW).toBeCloseTo(full, -1);
  });
});

describe("InverterSim uptime", () => {
  it("wraps the uptime counter at 65536 s (midnight sun keeps the inverter up)", () => {
    const serial = "806000042582";
    const inv = oneInverterSite(serial, [MODULE_400], { latitudeDeg: 78.2, longitudeDeg: 15.6 }).inverter(
      serial,
    )!;
    const t0 = JUNE_21 + 12 * HOUR;
    const r0 = mustReply(inv.reply(t0));
    expect(r0.model).toBe("QS1A");
    const up = inv.poweredUpAtMs!;
    expect(t0 - up).toBeGreaterThan(65_536_000);
    expect(r0.uptimeS).toBe(Math.floor((t0 - up) / 1000) % 65_536);
    const wrapAt = up + Math.ceil((t0 - up) / 65_536_000) * 65_536_000;
    expect(mustReply(inv.reply(wrapAt - 500)).uptimeS).toBe(65_535);
    expect(mustReply(inv.reply(wrapAt + 500)).uptimeS).toBe(0);
    expect(mustReply(inv.reply(wrapAt + 3_600_500)).uptimeS).toBe(3600);
  });
});
