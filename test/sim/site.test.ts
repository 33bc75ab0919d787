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
