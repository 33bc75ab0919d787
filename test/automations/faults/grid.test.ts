import { describe, expect, it } from "vitest";
import { at, BL, BR, Drive, healthy, TL, TR } from "./helpers.ts";

// A tripped inverter feeds nothing in; its panels sit at open circuit (≈ 41 V, 0 A).
const tripped = (serial: string, over: { acV?: number; hz?: number; status?: object }) =>
  healthy(serial, {
    dc: [
      [41, 0],
      [41, 0],
      [41, 0],
      [41, 0],
    ],
    acW: 0,
    ...over,
  });

describe("fault diagnosis: grid voltage and frequency", () => {
  it("tells one site-wide grid finding when all four inverters measure 258 V (above 253 V), at the first look", () => {
    const d = new Drive();
    const c = d.round(
      at("13:05"),
      60,
      [TL, TR, BL, BR].map((s) => tripped(s, { acV: 258 })),
    );
    expect(c.opened).toHaveLength(1);
    const f = c.opened[0]!;
    expect(f).toMatchObject({
      key: "grid_site:site",
      kind: "grid_site",
      cause: "grid",
      severity: "fault",
      verified: true,
    });
    expect(f.advice).toMatch(
      /^The grid at your connection is outside the inverters' range since 13:05: all 4 inverters that answered see 258\.0 V \(allowed 184–253 V\)/,
    );
    // Not producing is explained by the trip: no inverter findings.
    d.round(
      at("13:10"),
      60,
      [TL, TR, BL, BR].map((s) => tripped(s, { acV: 258 })),
    );
    expect(d.opened().map((x) => x.key)).toEqual(["grid_site:site"]);
    const back = d.round(
      at("13:40"),
      58,
      [TL, TR, BL, BR].map((s) => healthy(s)),
    );
    expect(back.cleared.map((x) => x.key)).toEqual(["grid_site:site"]);
  });

  it("reports 51.3 Hz (above 51 Hz) on two of four inverters as the grid too", () => {
    const d = new Drive();
    const c = d.round(at("13:05"), 60, [
      tripped(TL, { hz: 51.3 }),
      tripped(TR, { hz: 51.3 }),
      healthy(BL),
      healthy(BR),
    ]);
    expect(c.opened.map((x) => x.key)).toEqual(["grid_site:site"]);
    expect(c.opened[0]!.advice).toContain("2 of 4 inverters see 51.30 Hz (allowed 48–51 Hz)");
  });

  it("blames the inverter's own AC connection when it alone measures 182 V while the others measure 231 V", () => {
    const d = new Drive();
    const c = d.round(at("13:05"), 60, [tripped(TL, { acV: 182 }), healthy(TR), healthy(BL), healthy(BR)]);
    expect(c.opened).toHaveLength(1);
    expect(c.opened[0]).toMatchObject({
      key: `grid:${TL}`,
      cause: "installation",
      severity: "fault",
      verified: true,
    });
    expect(c.opened[0]!.advice).toMatch(
      /^South top left \(south roof, row 1 col 1\): measures 182\.0 V \(allowed 184–253 V\) since 13:05 while the inverters beside it measure a normal grid/,
    );
  });

  it("reports a trip bit with a normal measured grid as unverified (the bit's meaning is openaps', unseen on hardware)", () => {
    const d = new Drive();
    const c = d.round(at("13:05"), 60, [
      tripped(TL, { status: { overVoltage: true } }),
      healthy(TR),
      healthy(BL),
      healthy(BR),
    ]);
    expect(c.opened.map((x) => [x.key, x.verified])).toEqual([[`grid:${TL}`, false]]);
    expect(c.opened[0]!.advice).toContain("a grid over-voltage trip (measuring 231.0 V, 50.01 Hz)");
  });

  it("says nothing at 252 V and 50.9 Hz (inside the range)", () => {
    const d = new Drive();
    for (const t of ["13:05", "13:10"])
      d.round(
        at(t),
        60,
        [TL, TR, BL, BR].map((s) => healthy(s, { acV: 252, hz: 50.9 })),
      );
    expect(d.opened()).toEqual([]);
  });
});
