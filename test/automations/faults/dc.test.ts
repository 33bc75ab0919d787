import { describe, expect, it } from "vitest";
import { at, BL, BR, Drive, healthy, reading, southRoof, TL, TR } from "./helpers.ts";

const others = () => [healthy(TR), healthy(BL), healthy(BR)];

describe("fault diagnosis: DC side", () => {
  it("reports input D open (0 V) while A–C give 34 V, on the second look, naming the panel and where it is", () => {
    const d = new Drive();
    const open = reading({
      serial: TL,
      dc: [
        [34, 8.8],
        [34, 8.8],
        [34, 8.8],
        [0, 0],
      ],
    });
    const first = d.round(at("12:00"), 60, [open, ...others()]);
    expect(first.opened).toEqual([]);
    expect(first.recheck).toEqual([TL]);
    const c = d.round(at("12:01"), 60, [open]);
    expect(c.opened).toHaveLength(1);
    expect(c.opened[0]).toMatchObject({
      key: "dc_open:S4",
      kind: "dc_open",
      panel: "S4",
      serial: TL,
      cause: "dc",
      severity: "warning",
    });
    expect(c.opened[0]!.advice).toMatch(
      /^Panel S4 \(input D\) of South top left \(south roof, row 1 col 1\): no voltage since 12:01 while the inverter's other panels give 34\.0 V, 34\.0 V, 34\.0 V\. Its DC connection is open/,
    );
    expect(c.opened[0]!.advice).toContain("Switch the inverter's AC breaker off before unplugging");
    const fixed = d.round(at("15:00"), 40, [healthy(TL), ...others()]);
    expect(fixed.cleared.map((f) => f.key)).toEqual(["dc_open:S4"]);
  });

  it("says nothing about an input with no panel wired to it (site.yaml lists three panels)", () => {
    const d = new Drive(southRoof({ panelsOfLast: 3 }));
    const three = reading({
      serial: BR,
      dc: [
        [34, 8.8],
        [34, 8.8],
        [34, 8.8],
        [0, 0],
      ],
    });
    for (const t of ["12:00", "12:05", "12:10"])
      d.round(at(t), 60, [healthy(TL), healthy(TR), healthy(BL), three]);
    expect(d.opened()).toEqual([]);
  });

  it("reports 57 V on an input (above the 55 V operating range) as a module mismatch", () => {
    const d = new Drive();
    // A module with too many cells for this inverter: its input sits above the operating range, unused.
    const high = reading({
      serial: TL,
      dc: [
        [34, 8.8],
        [34, 8.8],
        [34, 8.8],
        [57, 0],
      ],
    });
    d.round(at("09:00"), 30, [high, ...others()]);
    const c = d.round(at("09:01"), 30, [high]);
    expect(c.opened.map((f) => [f.key, f.cause, f.severity])).toEqual([
      ["dc_voltage:S4", "installation", "warning"],
    ]);
    expect(c.opened[0]!.advice).toContain("57.0 V since 09:01, above the inverter's 16–55 V operating range");
  });

  it("reports 63 V (above the 60 V maximum input) as danger at the first look, even at dusk", () => {
    const d = new Drive();
    const danger = reading({
      serial: TL,
      dc: [
        [34, 2],
        [34, 2],
        [34, 2],
        [63, 0],
      ],
    });
    const c = d.round(at("20:30"), 8, [danger, ...others()]);
    expect(c.opened.map((f) => [f.key, f.severity, f.cause])).toEqual([
      ["dc_danger:S4", "danger", "installation"],
    ]);
    expect(c.opened[0]!.title).toBe("DANGER: DC over-voltage: panel S4 (input D) of South top left");
    expect(c.opened[0]!.advice).toContain(
      "63.0 V at the inverter's input since 20:30, above its 60 V maximum",
    );
  });

  it("reports 9 V on one input while the others track at 34 V (too few cells, or bypassed cells), after three looks", () => {
    const d = new Drive();
    const low = reading({
      serial: TL,
      dc: [
        [34, 8.8],
        [34, 8.8],
        [34, 8.8],
        [9, 0],
      ],
    });
    d.round(at("12:00"), 60, [low, ...others()]);
    d.round(at("12:01"), 60, [low]);
    const c = d.round(at("12:02"), 60, [low]);
    expect(c.opened.map((f) => [f.key, f.cause])).toEqual([["dc_voltage:S4", "dc"]]);
    expect(c.opened[0]!.advice).toContain("only 9.0 V since 12:02");
  });

  it("says nothing at dusk when one west panel has faded to 0 V before the others", () => {
    const d = new Drive();
    const dusk = reading({
      serial: TL,
      dc: [
        [18, 0.1],
        [18, 0.1],
        [18, 0.1],
        [0, 0],
      ],
    });
    for (const t of ["21:30", "21:35"]) d.round(at(t), 3, [dusk, ...others()]);
    expect(d.opened()).toEqual([]);
  });
});
