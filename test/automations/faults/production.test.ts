import { describe, expect, it } from "vitest";
import { at, BL, BR, Drive, healthy, reading, TL, TR } from "./helpers.ts";

// The "2 W" pattern: awake, its panels at 40 V open circuit, a trickle of 0.013 A each: 4 × 40 × 0.013 ≈ 2.1 W DC.
const twoWatts = (serial: string, uptimeS = 14_400) =>
  reading({
    serial,
    dc: [
      [40, 0.013],
      [40, 0.013],
      [40, 0.013],
      [40, 0.013],
    ],
    acW: 2,
    uptimeS,
  });

describe("fault diagnosis: not producing in daylight while the neighbours produce", () => {
  it("opens on the second look at an inverter giving 2 W while its neighbours give ≈ 1 kW, and asks for the recheck after the first", () => {
    const d = new Drive();
    const first = d.round(at("11:00"), 55, [twoWatts(TL), healthy(TR), healthy(BL), healthy(BR)]);
    expect(first.opened).toEqual([]);
    expect(first.recheck).toEqual([TL]);
    const second = d.round(at("11:01"), 55, [twoWatts(TL)]);
    expect(second.opened).toHaveLength(1);
    const f = second.opened[0]!;
    expect(f).toMatchObject({
      kind: "not_producing",
      serial: TL,
      cause: "inverter",
      severity: "fault",
      verified: true,
    });
    // Neighbours: 4 panels × 34 V × 8.8 A × 0.95 = 1137 W → 284 W per panel.
    expect(f.advice).toMatch(
      /^South top left \(south roof, row 1 col 1\): answers but gives 2 W since 11:01 while its neighbours give 284 W per panel \(its LED would flash red\)/,
    );
    expect(f.advice).toContain("231.0 V, 50.01 Hz");
    expect(f.advice).toContain("40.0 V, 40.0 V, 40.0 V, 40.0 V");
    expect(f.advice).toContain("replaced (manual section 7)");

    const back = d.round(at("11:30"), 57, [healthy(TL), healthy(TR), healthy(BL), healthy(BR)]);
    expect(back.cleared.map((x) => x.key)).toEqual([`not_producing:${TL}`]);
  });

  it("counts 0 W as not producing too", () => {
    const d = new Drive();
    const zero = reading({
      serial: TL,
      dc: [
        [41, 0],
        [41, 0],
        [41, 0],
        [41, 0],
      ],
    });
    d.round(at("11:00"), 55, [zero, healthy(TR), healthy(BL), healthy(BR)]);
    d.round(at("11:05"), 55, [zero, healthy(TR), healthy(BL), healthy(BR)]);
    expect(d.opened().map((f) => f.key)).toEqual([`not_producing:${TL}`]);
  });

  it.each([
    ["at dawn (sun 6° up)", 6, 14_400, false],
    ["just after power-up (uptime 2 min)", 40, 120, false],
  ])("says nothing %s", (_what, elevation, uptimeS) => {
    const d = new Drive();
    for (const t of ["07:00", "07:05", "07:10"])
      d.round(at(t), elevation, [twoWatts(TL, uptimeS), healthy(TR), healthy(BL), healthy(BR)]);
    expect(d.opened()).toEqual([]);
  });

  it("says nothing on a dark, overcast morning when the neighbours give only 10 W per panel", () => {
    const d = new Drive();
    // 30 V × 0.35 A = 10.5 W DC per panel.
    const dim = (serial: string) =>
      reading({
        serial,
        dc: [
          [30, 0.35],
          [30, 0.35],
          [30, 0.35],
          [30, 0.35],
        ],
      });
    for (const t of ["09:00", "09:05", "09:10"])
      d.round(at(t), 30, [twoWatts(TL), dim(TR), dim(BL), dim(BR)]);
    expect(d.opened()).toEqual([]);
  });

  it("says nothing about an inverter switched off by command", () => {
    const d = new Drive();
    d.core.update({ kind: "control", atMs: at("10:59"), serial: TL, on: false });
    for (const t of ["11:00", "11:05", "11:10"])
      d.round(at(t), 55, [twoWatts(TL), healthy(TR), healthy(BL), healthy(BR)]);
    expect(d.opened()).toEqual([]);
  });

  it("gives an inverter five minutes to reconnect after its ground fault clears (grid codes ask for a wait)", () => {
    const d = new Drive();
    const gfdi = reading({
      serial: TL,
      dc: [
        [41, 0],
        [41, 0],
        [41, 0],
        [41, 0],
      ],
      status: { gfdi: true },
    });
    const waiting = reading({
      serial: TL,
      dc: [
        [41, 0],
        [41, 0],
        [41, 0],
        [41, 0],
      ],
    });
    d.round(at("11:00"), 55, [gfdi, healthy(TR), healthy(BL), healthy(BR)]);
    // 11:05 and 11:06: the bit is clear, output still 0 W while it waits to reconnect.
    d.round(at("11:05"), 55, [waiting, healthy(TR), healthy(BL), healthy(BR)]);
    d.round(at("11:06"), 55, [waiting]);
    expect(d.opened().map((f) => f.key)).toEqual([`ground_fault:${TL}`]);
    // Still 0 W at 11:10 and 11:11, five minutes after the first reading without the fault: now it counts.
    d.round(at("11:10"), 55, [waiting, healthy(TR), healthy(BL), healthy(BR)]);
    d.round(at("11:11"), 55, [waiting]);
    expect(d.opened().map((f) => f.key)).toEqual([`ground_fault:${TL}`, `not_producing:${TL}`]);
  });
});
