import { describe, expect, it } from "vitest";
import { createDemoSite } from "../../src/sim/demo-site.ts";
import { SimSite } from "../../src/sim/site.ts";
import type { TelemetryTruth } from "../../src/sim/truth.ts";
import { AMSTERDAM, HOUR, JUNE_21, MINUTE, MODULE_400 } from "./fixtures.ts";

/** Polls every inverter of a site over one UTC day. */
function pollDay(site: SimSite, stepMs: number): Map<string, (TelemetryTruth | null)[]> {
  const out = new Map(site.serials().map((s) => [s, [] as (TelemetryTruth | null)[]]));
  for (let t = JUNE_21; t < JUNE_21 + 24 * HOUR; t += stepMs) {
    for (const inv of site.inverters) out.get(inv.serial)!.push(inv.reply(t));
  }
  return out;
}

describe("SimSite determinism", () => {
  it("gives identical replies for the same seed", () => {
    const a = pollDay(createDemoSite({ seed: 99 }), 7 * MINUTE);
    const b = pollDay(createDemoSite({ seed: 99 }), 7 * MINUTE);
    expect(b).toEqual(a);
  });

  it("gives different clouds, and so different power, for a different seed", () => {
    const a = pollDay(createDemoSite({ seed: 99 }), 15 * MINUTE).get("801000012345")!;
    const b = pollDay(createDemoSite({ seed: 100 }), 15 * MINUTE).get("801000012345")!;
    const differ = a.filter((r, i) => r && b[i] && Math.abs(r.acPowerW - b[i]!.acPowerW) > 20);
    expect(differ.length).toBeGreaterThan(10);
  });
});

describe("SimSite", () => {
  it("finds inverters by serial and refuses duplicates", () => {
    const site = createDemoSite();
    expect(site.serials()).toEqual(["801000012345", "801000012346", "801000012347", "801000012348"]);
    expect(site.inverter("801000012347")?.model.model).toBe("QS1");
    expect(site.inverter("801000099999")).toBeUndefined();
    const dup = { serial: "801000000001", panels: [MODULE_400] };
    expect(() => new SimSite({ ...AMSTERDAM, seed: 1, inverters: [dup, dup] })).toThrow(/listed twice/);
  });

  it("advances every inverter at once", () => {
    const site = createDemoSite();
    site.advance(JUNE_21 + 12 * HOUR);
    for (const inv of site.inverters) {
      expect(inv.timeMs).toBe(JUNE_21 + 12 * HOUR);
      expect(inv.isAwake).toBe(true);
    }
  });
});

describe("demo site on a clear June day", () => {
  // One pass over the day: every inverter polled each 5 minutes (also shows a day simulates quickly).
  const site = createDemoSite({ clearSky: true });
  const replies = pollDay(site, 5 * MINUTE);
  /** Energy at the last reply before the evening shutdown, Wh per input. */
  const dayWh = (serial: string) => {
    const last = replies
      .get(serial)!
      .filter((r) => r !== null)
      .at(-1)!;
    return last.channels.map((c) => c.energyWh);
  };

  it("makes a plausible daily energy against the plane-of-array irradiance", () => {
    for (const inv of site.inverters) {
      const panels = site.options.inverters.find((i) => i.serial === inv.serial)!.panels;
      // Independent estimate: Σ Wp × (1 − shading) × peak-sun-hours on the panel's plane.
      let estimateWh = 0;
      for (const p of panels) {
        let poaWh = 0;
        for (let t = JUNE_21; t < JUNE_21 + 24 * HOUR; t += MINUTE)
          poaWh += site.env.poaWm2(t, p.tiltDeg, p.azimuthDeg) / 60;
        estimateWh += p.wp * (1 - (p.shading ?? 0)) * (poaWh / 1000);
      }
      const simulatedWh = dayWh(inv.serial).reduce((s, x) => s + x, 0);
      // 0.95 inverter efficiency × 0.85–1.0 for warm cells, low light and the 1200 W clipping.
      expect(simulatedWh / estimateWh).toBeGreaterThan(0.95 * 0.8);
      expect(simulatedWh / estimateWh).toBeLessThan(0.95);
      // 1.6 kWp per inverter: a clear June day gives 4.5–8 kWh/kWp on these roofs.
      expect(simulatedWh / 1600).toBeGreaterThan(4.5);
      expect(simulatedWh / 1600).toBeLessThan(8);
    }
  });

  it("shows the chimney shade on 801000012346 inputs C and D", () => {
    const [a, b, c, d] = dayWh("801000012346");
    expect(c!).toBeLessThan(a! * 0.8);
    expect(d!).toBeLessThan(a! * 0.9);
    expect(c!).toBeLessThan(d!);
    expect(b!).toBeCloseTo(a!, 6);
  });

  it("has the west roof producing later in the day than the south roof", () => {
    const peakHour = (serial: string) => {
      const rs = replies.get(serial)!;
      let best = 0;
      rs.forEach((r, i) => {
        if (r && r.acPowerW > (rs[best]?.acPowerW ?? 0)) best = i;
      });
      return (best * 5) / 60;
    };
    const evening = (serial: string) => replies.get(serial)![(17 * 60) / 5]!.acPowerW;
    expect(evening("801000012347")).toBeGreaterThan(evening("801000012345") * 1.5);
    expect(peakHour("801000012348")).toBeGreaterThan(peakHour("801000012345"));
  });

  it("is silent before sunrise and after sunset", () => {
    for (const rs of replies.values()) {
      expect(rs[0]).toBeNull(); // 00:00 UTC
      expect(rs[(22 * 60) / 5]).toBeNull(); // 22:00 UTC
    }
  });
});

describe("SimSite saved and resumed (the demo's restart)", () => {
  const serial = "801000012345";
  const morning = JUNE_21 + 8 * HOUR; // 10:00 in Amsterdam, panels lit since about 05:30 local time
  const saveAt = morning + 30 * MINUTE;
  const later = saveAt + 20 * MINUTE;

  /** A morning curtailed to 100 W per panel from 10:00, advanced minute by minute to `until`. */
  function curtailedMorning(until: number): SimSite {
    const site = createDemoSite({ seed: 5, clearSky: true });
    site.advance(morning);
    site.inverter(serial)!.setMaxPower(100, morning);
    for (let t = morning; t <= until; t += MINUTE) site.advance(t);
    return site;
  }

  it("continues counters, limit and power-up as if the simulation had never stopped", () => {
    const whole = curtailedMorning(later); // the truth: one uninterrupted run
    const first = curtailedMorning(saveAt);
    const saved = JSON.parse(JSON.stringify(first.states())); // through the clock file's JSON
    const second = createDemoSite({ seed: 5, clearSky: true });
    second.resume(saved);
    for (let t = saveAt; t <= later; t += MINUTE) second.advance(t);

    const a = whole.inverter(serial)!;
    const b = second.inverter(serial)!;
    expect(b.poweredUpAtMs).toBe(a.poweredUpAtMs);
    expect(b.limitW()).toBeCloseTo(100, 0);
    for (const [i, wh] of a.energyWh().entries()) expect(b.energyWh()[i]).toBeCloseTo(wh, 6);
    expect(b.reply(later)!.uptimeS).toBe(a.reply(later)!.uptimeS);
  });

  it("differs from a warm start, which re-lives the curtailed morning at full output", () => {
    const first = curtailedMorning(saveAt);
    const fresh = createDemoSite({ seed: 5, clearSky: true });
    fresh.advance(saveAt);
    const curtailed = first
      .inverter(serial)!
      .energyWh()
      .reduce((s, e) => s + e, 0);
    const relived = fresh
      .inverter(serial)!
      .energyWh()
      .reduce((s, e) => s + e, 0);
    // Half an hour at 100 W per panel instead of several hundred: the warm start counts over 50 Wh more.
    expect(relived - curtailed).toBeGreaterThan(50);
  });

  it("refuses a saved state from a model with another number of inputs", () => {
    const site = createDemoSite();
    const state = { atMs: saveAt, energyWh: [1, 2], limitW: 300, on: true };
    expect(() => site.resume({ [serial]: state })).toThrow(/2 inputs does not fit a QS1 \(4\)/);
  });
});
