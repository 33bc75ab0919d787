import { describe, expect, it } from "vitest";
import { type InputWindow, mpptPoint, Panel, type PanelSpec, pointAtPower } from "../../src/sim/panel.ts";
import { MODULE_400 } from "./fixtures.ts";

const QS1_WINDOW: InputWindow = { mpptV: [22, 48], operatingV: [16, 55], maxInputA: 12 };
/** Air temperature that puts the cells at 25 °C under 1000 W/m² with NOCT 45 °C. */
const AIR_FOR_STC = 25 - (25 / 800) * 1000;

describe("Panel I-V curve", () => {
  const panel = new Panel(MODULE_400);

  it("reproduces the datasheet at STC", () => {
    const c = panel.curve(1000, AIR_FOR_STC);
    expect(c.vocV).toBeCloseTo(41, 6);
    expect(c.iscA).toBeCloseTo(12.5, 0);
    expect(c.mpp.powerW).toBeCloseTo(400, 6);
    expect(c.mpp.voltageV).toBeGreaterThan(33);
    expect(c.mpp.voltageV).toBeLessThan(35);
    expect(c.currentAt(0)).toBeCloseTo(c.iscA, 6);
    expect(c.currentAt(c.vocV)).toBe(0);
  });

  it("follows the Pmax and Voc temperature coefficients", () => {
    // Cells 20 °C above STC: Pmax −0.35 %/°C → −7 %, Voc −0.28 %/°C → −5.6 %.
    const hot = panel.curve(1000, AIR_FOR_STC + 20);
    expect(hot.mpp.powerW).toBeCloseTo(400 * (1 - 0.07), 6);
    expect(hot.vocV).toBeCloseTo(41 * (1 - 0.056), 6);
  });

  it("scales power about linearly with light, with a small low-light loss", () => {
    const full = panel.curve(1000, AIR_FOR_STC).mpp.powerW;
    const low = panel.curve(200, 25 - (25 / 800) * 200).mpp.powerW;
    expect(low / full).toBeGreaterThan(0.19);
    expect(low / full).toBeLessThan(0.2);
  });

  it("loses light to its own shading and injected shade", () => {
    const shaded = new Panel({ ...MODULE_400, shading: 0.25 });
    expect(shaded.effectiveWm2(800)).toBeCloseTo(600, 9);
    expect(shaded.effectiveWm2(800, 0.5)).toBeCloseTo(300, 9);
  });

  it("has no voltage in the dark", () => {
    const dark = panel.curve(0, 10);
    expect(dark.vocV).toBe(0);
    expect(dark.mpp.powerW).toBe(0);
  });

  it("warms the cells with light (NOCT model)", () => {
    expect(panel.cellTemperatureC(800, 20)).toBeCloseTo(45, 9);
  });

  it.each<[string, Partial<PanelSpec>, RegExp]>([
    ["Vmp above Voc", { vmpV: 45 }, /vmpV must be below vocV/],
    ["Imp above Isc", { impA: 13 }, /impA must be below iscA/],
    ["shading above 1", { shading: 1.5 }, /shading must be within 0..1/],
    ["negative power", { wp: -1 }, /wp must be a positive number/],
    ["tilt beyond vertical", { tiltDeg: 95 }, /tiltDeg must be within 0..90/],
  ])("rejects %s", (_name, over, message) => {
    expect(() => new Panel({ ...MODULE_400, ...over })).toThrow(message);
  });
});

describe("mpptPoint", () => {
  it("operates at the MPP inside the window", () => {
    const c = new Panel(MODULE_400).curve(800, 20);
    expect(mpptPoint(c, QS1_WINDOW)).toEqual(c.mpp);
  });

  it("clamps a high-voltage panel to the 48 V ceiling", () => {
    const c = new Panel({ ...MODULE_400, wp: 400, vmpV: 52, impA: 7.7, vocV: 60, iscA: 8.2 }).curve(1000, 0);
    expect(c.mpp.voltageV).toBeGreaterThan(48);
    const p = mpptPoint(c, QS1_WINDOW);
    expect(p.voltageV).toBe(48);
    expect(p.powerW).toBeLessThan(c.mpp.powerW);
  });

  it("raises a low-voltage panel to the 22 V floor when its Voc allows", () => {
    const c = new Panel({ ...MODULE_400, wp: 200, vmpV: 19, impA: 10.5, vocV: 23, iscA: 11 }).curve(1000, 0);
    const p = mpptPoint(c, QS1_WINDOW);
    expect(p.voltageV).toBe(22);
    expect(p.powerW).toBeLessThan(c.mpp.powerW);
  });

  it("produces nothing when the panel cannot reach 16 V", () => {
    const c = new Panel({ ...MODULE_400, wp: 100, vmpV: 12, impA: 8, vocV: 15, iscA: 8.5 }).curve(1000, 0);
    const p = mpptPoint(c, QS1_WINDOW);
    expect(p.currentA).toBe(0);
    expect(p.voltageV).toBeCloseTo(c.vocV, 9);
  });

  it("caps the input current at 12 A by moving towards Voc", () => {
    const c = new Panel({ ...MODULE_400, wp: 560, vmpV: 42, impA: 13.3, vocV: 50, iscA: 14 }).curve(1000, 0);
    const p = mpptPoint(c, QS1_WINDOW);
    expect(p.currentA).toBeLessThanOrEqual(12);
    expect(p.currentA).toBeGreaterThan(11.99);
    expect(p.voltageV).toBeGreaterThan(c.mpp.voltageV);
  });
});

describe("pointAtPower", () => {
  it("finds the point right of the MPP that gives the asked power", () => {
    const c = new Panel(MODULE_400).curve(1000, 20);
    const p = pointAtPower(c, c.mpp.voltageV, 250);
    expect(p.powerW).toBeCloseTo(250, 3);
    expect(p.powerW).toBeLessThanOrEqual(250);
    expect(p.voltageV).toBeGreaterThan(c.mpp.voltageV);
    expect(p.voltageV).toBeLessThan(c.vocV);
  });

  it("gives open circuit for zero power", () => {
    const c = new Panel(MODULE_400).curve(1000, 20);
    expect(pointAtPower(c, c.mpp.voltageV, 0)).toEqual({ voltageV: c.vocV, currentA: 0, powerW: 0 });
  });
});
