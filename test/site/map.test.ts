import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/site/config/index.ts";
import { inverterAt, panelsOf } from "../../src/site/map.ts";
import { configOf, EXAMPLE, issuesOfObject, MODULE_400 } from "./config/fixtures.ts";

const base = { site: { timezone: "Europe/Amsterdam" }, modules: { m: MODULE_400 } };
const south = { tilt_deg: 35, azimuth_deg: 180 };
const west = { tilt_deg: 20, azimuth_deg: 270 };

describe("installation map", () => {
  it("places the demo inverters and gives panels their array's orientation", () => {
    const c = parseConfig(EXAMPLE);
    expect(inverterAt(c, "south", 2, 1)?.serial).toBe("801000012347");
    expect(inverterAt(c, "south", 2, 2)).toBeUndefined(); // the roof window
    const west = c.inverters.find((i) => i.serial === "801000012348")!;
    expect(west.positions).toEqual([
      { array: "west", x: 1.2, y: 0.5, inputs: ["A", "B", "C", "D"], path: "map.arrays[1].cells[0]" },
    ]);
    expect(
      panelsOf(c, "801000012348").map(({ input, panel }) => [
        input,
        panel.id,
        panel.array,
        panel.orientation,
      ]),
    ).toEqual([
      ["A", "W1", "west", { tiltDeg: 20, azimuthDeg: 270 }],
      ["B", "W2", "west", { tiltDeg: 20, azimuthDeg: 270 }],
      ["C", "W3", "west", { tiltDeg: 20, azimuthDeg: 270 }],
      ["D", "W4", "west", { tiltDeg: 20, azimuthDeg: 270 }],
    ]);
  });

  it("lets one QS1 under the ridge feed two roof faces, wiring given on the cards", () => {
    const c = configOf({
      ...base,
      panels: { S1: "m", S2: "m", W1: "m", W2: "m" },
      inverters: [{ serial: "801000012345", name: "Ridge" }],
      map: {
        arrays: [
          {
            name: "south",
            orientation: south,
            rows: 1,
            columns: 1,
            cells: [{ row: 1, column: 1, inverter: "801000012345", channels: { A: "S1", B: "S2" } }],
          },
          {
            name: "west",
            orientation: west,
            cells: [{ x: 0, y: 0, inverter: "801000012345", channels: { C: "W1", D: "W2" } }],
          },
        ],
      },
    });
    const inv = c.inverters[0]!;
    expect(inv.channels).toEqual({ A: "S1", B: "S2", C: "W1", D: "W2" });
    expect(inv.positions.map((p) => [p.array, p.inputs])).toEqual([
      ["south", ["A", "B"]],
      ["west", ["C", "D"]],
    ]);
    expect(c.panels.map((p) => [p.id, p.array, p.orientation?.azimuthDeg])).toEqual([
      ["S1", "south", 180],
      ["S2", "south", 180],
      ["W1", "west", 270],
      ["W2", "west", 270],
    ]);
  });

  it("an inline panel with its own array keeps it; an anonymous one is named serial-input", () => {
    const c = configOf({
      ...base,
      inverters: [
        {
          serial: "801000012345",
          channels: { A: { module: "m", array: "west" }, B: { id: "S2", module: "m" } },
        },
      ],
      map: {
        arrays: [
          {
            name: "south",
            orientation: south,
            rows: 1,
            columns: 1,
            cells: [{ row: 1, column: 1, inverter: "801000012345" }],
          },
          { name: "west", orientation: west, cells: [] },
        ],
      },
    });
    expect(c.panels.map((p) => [p.id, p.array, p.orientation?.azimuthDeg])).toEqual([
      ["801000012345-A", "west", 270],
      ["S2", "south", 180],
    ]);
  });

  it.each<[string, { panels?: Record<string, string>; inverters: unknown[]; cells: unknown[] }, string]>([
    [
      "an input wired on the inverter and on its card",
      {
        panels: { P1: "m", P2: "m" },
        inverters: [{ serial: "801000012345", channels: { A: "P1" } }],
        cells: [{ row: 1, column: 1, inverter: "801000012345", channels: { A: "P2" } }],
      },
      "site.yaml: map.arrays[0].cells[0].channels.A: input A of 801000012345 is already wired at inverters[0].channels.A — wire each input once",
    ],
    [
      "a row outside the grid",
      { inverters: [{ serial: "801000012345" }], cells: [{ row: 3, column: 1, inverter: "801000012345" }] },
      "site.yaml: map.arrays[0].cells[0].row: row 3 is outside the grid (rows: 2) — raise rows or fix the row",
    ],
    [
      "two inverters in one cell",
      {
        inverters: [{ serial: "801000012345" }, { serial: "801000012346" }],
        cells: [
          { row: 1, column: 1, inverter: "801000012345" },
          { row: 1, column: 1, inverter: "801000012346" },
        ],
      },
      "site.yaml: map.arrays[0].cells[1]: row 1, column 1 already holds 801000012345 — one inverter per cell",
    ],
    [
      "x/y in a grid",
      { inverters: [{ serial: "801000012345" }], cells: [{ x: 1, y: 1, inverter: "801000012345" }] },
      'site.yaml: map.arrays[0].cells[0]: x/y are for free arrays — array "roof" is a grid: use row and column',
    ],
    [
      "the same inverter in two whole cells",
      {
        inverters: [{ serial: "801000012345" }],
        cells: [
          { row: 1, column: 1, inverter: "801000012345" },
          { row: 1, column: 2, inverter: "801000012345" },
        ],
      },
      "site.yaml: map.arrays[0].cells[1].inverter: 801000012345 is already placed at map.arrays[0].cells[0] — to spread one inverter over several cells, list the inputs (channels) in each",
    ],
  ])("grid: %s", (_name, { panels, inverters, cells }, line) => {
    const obj = {
      ...base,
      panels,
      inverters,
      map: { arrays: [{ name: "roof", rows: 2, columns: 2, cells }] },
    };
    expect(issuesOfObject(obj)).toEqual([line]);
  });

  it.each([
    [
      "rows without columns",
      { name: "roof", rows: 2, cells: [] },
      "site.yaml: map.arrays[0]: a grid needs both rows and columns — give both, or neither for free x/y placement",
    ],
    [
      "a free cell without x/y",
      { name: "roof", cells: [{ inverter: "801000012345" }] },
      'site.yaml: map.arrays[0].cells[0]: a cell of a free array needs x and y — or give array "roof" rows and columns',
    ],
    [
      "a panel in an unknown array",
      { name: "roof", cells: [] },
      'site.yaml: panels.P1.array: unknown array "rof" — did you mean "roof"?',
    ],
  ])("arrays: %s", (name, array, line) => {
    const panels = name.includes("unknown array") ? { P1: { module: "m", array: "rof" } } : {};
    const obj = { ...base, panels, inverters: [{ serial: "801000012345" }], map: { arrays: [array] } };
    expect(issuesOfObject(obj)).toEqual([line]);
  });
});
