import { describe, expect, it } from "vitest";
import { computeChannels } from "../../src/sim/output.ts";
import { type InputWindow, Panel } from "../../src/sim/panel.ts";
import { MODULE_400 } from "./fixtures.ts";

const WINDOW: InputWindow = { mpptV: [22, 48], operatingV: [16, 55], maxInputA: 12 };
const curve = new Panel(MODULE_400).curve(1000, 20);
const FREE = { perChannelAcW: Number.POSITIVE_INFINITY, totalAcW: Number.POSITIVE_INFINITY };

describe("computeChannels", () => {
  it("runs every input at its MPP when nothing caps it", () => {
    const out = computeChannels([curve, curve], WINDOW, true, FREE);
    for (const ch of out) {
      expect(ch.voltageV).toBeCloseTo(curve.mpp.voltageV, 9);
      expect(ch.acPowerW).toBeCloseTo(curve.mpp.powerW * 0.95, 9);
    }
  });

  it("caps each input at the per-panel limit", () => {
    const out = computeChannels([curve, curve], WINDOW, true, { ...FREE, perChannelAcW: 150 });
    for (const ch of out) {
      expect(ch.acPowerW).toBeLessThanOrEqual(150);
      expect(ch.acPowerW).toBeCloseTo(150, 3);
      expect(ch.voltageV).toBeGreaterThan(curve.mpp.voltageV);
    }
  });

  it("shares a total cap in proportion to what each input could give", () => {
    const weak = new Panel(MODULE_400).curve(500, 20);
    const out = computeChannels([curve, weak], WINDOW, true, { ...FREE, totalAcW: 300 });
    expect(out[0]!.acPowerW + out[1]!.acPowerW).toBeCloseTo(300, 3);
    expect(out[0]!.acPowerW / out[1]!.acPowerW).toBeCloseTo(curve.mpp.powerW / weak.mpp.powerW, 2);
  });

  it("leaves inputs at open circuit when not producing, and disconnected ones at 0 V", () => {
    const out = computeChannels([curve, null], WINDOW, false, FREE);
    expect(out[0]).toEqual({ voltageV: curve.vocV, currentA: 0, dcPowerW: 0, acPowerW: 0 });
    expect(out[1]).toEqual({ voltageV: 0, currentA: 0, dcPowerW: 0, acPowerW: 0 });
  });
});
