import { describe, expect, it } from "vitest";
import { at, BL, BR, Drive, healthy, TL, TR } from "./helpers.ts";

describe("fault diagnosis: temperature", () => {
  it("reports a heatsink at 83 °C (above the 80 °C case limit) on the second look, as measured (verified)", () => {
    const d = new Drive();
    const hot = healthy(TL, { tempC: 83, status: { overTemperature: true } });
    d.round(at("14:00"), 50, [
      hot,
      healthy(TR, { tempC: 62 }),
      healthy(BL, { tempC: 63 }),
      healthy(BR, { tempC: 62 }),
    ]);
    const c = d.round(at("14:01"), 50, [hot]);
    expect(c.opened.map((f) => [f.key, f.cause, f.severity, f.verified])).toEqual([
      [`over_temperature:${TL}`, "installation", "warning", true],
    ]);
    expect(c.opened[0]!.advice).toMatch(
      /^South top left \(south roof, row 1 col 1\): 83 °C at its heatsink since 14:01, above the 80 °C/,
    );
    // Cooling to 72 °C is not enough to call it over (a heatsink hovering near 80 °C would flap); 68 °C is.
    d.round(at("14:05"), 50, [healthy(TL, { tempC: 72 }), healthy(TR), healthy(BL), healthy(BR)]);
    expect(d.cleared()).toEqual([]);
    const cool = d.round(at("14:10"), 50, [
      healthy(TL, { tempC: 68 }),
      healthy(TR),
      healthy(BL),
      healthy(BR),
    ]);
    expect(cool.cleared.map((f) => f.key)).toEqual([`over_temperature:${TL}`]);
  });

  it("reports an over-temperature bit at 60 °C as unverified", () => {
    const d = new Drive();
    const bit = healthy(TL, { tempC: 60, status: { overTemperature: true } });
    d.round(at("14:00"), 50, [bit, healthy(TR), healthy(BL), healthy(BR)]);
    const c = d.round(at("14:01"), 50, [bit]);
    expect(c.opened.map((f) => [f.key, f.verified])).toEqual([[`over_temperature:${TL}`, false]]);
  });

  it("reports a heatsink at 68 °C while its same-roof siblings at the same output are at 41–43 °C", () => {
    const d = new Drive();
    const sibs = () => [healthy(TR, { tempC: 41 }), healthy(BL, { tempC: 42 }), healthy(BR, { tempC: 43 })];
    d.round(at("13:00"), 60, [healthy(TL, { tempC: 68 }), ...sibs()]);
    const c = d.round(at("13:01"), 60, [healthy(TL, { tempC: 68 })]);
    expect(c.opened.map((f) => [f.key, f.cause])).toEqual([[`hot_heatsink:${TL}`, "installation"]]);
    expect(c.opened[0]!.advice).toContain(
      "its heatsink is at 68 °C since 13:01 while the inverters beside it, facing the same way and giving as much, are at 42 °C",
    );
  });

  it("says nothing when the hotter inverter also works much harder (1137 W against 190 W each)", () => {
    const d = new Drive();
    // Siblings 4 × 34 V × 1.47 A × 0.95 ≈ 190 W: a chimney shades them, so they run cooler.
    const shaded = (s: string) =>
      healthy(s, {
        tempC: 30,
        dc: [
          [34, 1.47],
          [34, 1.47],
          [34, 1.47],
          [34, 1.47],
        ],
      });
    for (const t of ["13:00", "13:05", "13:10"])
      d.round(at(t), 60, [healthy(TL, { tempC: 55 }), shaded(TR), shaded(BL), shaded(BR)]);
    expect(d.opened()).toEqual([]);
  });

  it("tells a heatsink first hotter than its siblings, then over 80 °C, as one finding at a time", () => {
    const d = new Drive();
    const sibs = () => [healthy(TR, { tempC: 55 }), healthy(BL, { tempC: 56 }), healthy(BR, { tempC: 55 })];
    d.round(at("13:00"), 60, [healthy(TL, { tempC: 77 }), ...sibs()]);
    d.round(at("13:01"), 60, [healthy(TL, { tempC: 77 })]);
    expect(d.opened().map((f) => f.key)).toEqual([`hot_heatsink:${TL}`]);
    d.round(at("13:05"), 60, [healthy(TL, { tempC: 82 }), ...sibs()]);
    const over = d.round(at("13:06"), 60, [healthy(TL, { tempC: 82 })]);
    expect(over.opened.map((f) => f.key)).toEqual([`over_temperature:${TL}`]);
    const next = d.round(at("13:10"), 60, [healthy(TL, { tempC: 82 }), ...sibs()]);
    expect(next.cleared.map((f) => f.key)).toEqual([`hot_heatsink:${TL}`]);
    expect(next.open.map((f) => f.key)).toEqual([`over_temperature:${TL}`]);
  });
});
