import { describe, expect, it } from "vitest";
import { checkProduction, type PanelPlace } from "../../src/commission/production.ts";

const south = { tiltDeg: 35, azimuthDeg: 180 };
const west = { tiltDeg: 20, azimuthDeg: 270 };

describe("checkProduction", () => {
  it("passes panels near their group's median and names the dead, low and misplaced ones", () => {
    const panels: PanelPlace[] = [
      { panel: "S1", serial: "801000012345", input: "A", orientation: south },
      { panel: "S2", serial: "801000012345", input: "B", orientation: south },
      { panel: "S3", serial: "801000012345", input: "C", orientation: south },
      { panel: "S4", serial: "801000012345", input: "D", orientation: south },
      { panel: "S5", serial: "801000012346", input: "A", orientation: south },
      { panel: "S6", serial: "801000012346", input: "B", orientation: south },
      { panel: "W1", serial: "801000012348", input: "A", orientation: west },
      { panel: "W2", serial: "801000012348", input: "B", orientation: west },
      { panel: "X1", serial: "801000012349", input: "A" },
    ];
    // South: 300, 310, 0, 120, 290, 500 → sorted 0 120 290 300 310 500, median (290 + 300) / 2 = 295 W,
    // band 147.5–442.5 W. West: 100 and 104, median 102 W, band 51–153 W.
    const powers = new Map([
      ["801000012345:A", 300],
      ["801000012345:B", 310],
      ["801000012345:C", 0],
      ["801000012345:D", 120],
      ["801000012346:A", 290],
      ["801000012346:B", 500],
      ["801000012348:A", 100],
      ["801000012348:B", 104],
    ]);
    const r = checkProduction(panels, powers);
    expect(r.map((p) => [p.panel, p.status])).toEqual([
      ["S1", "pass"],
      ["S2", "pass"],
      ["S3", "no-production"],
      ["S4", "low"],
      ["S5", "pass"],
      ["S6", "high"],
      ["W1", "pass"],
      ["W2", "pass"],
      ["X1", "no-reading"],
    ]);
    expect(r[2]!.message).toBe(
      "S3 (801000012345 input C): produces nothing (0 W) while its siblings make 147.5–442.5 W (0.5–1.5 × the median 295 W of 6 panels facing tilt 35°, azimuth 180°) — check the DC connectors of this input",
    );
    expect(r[3]!.message).toBe(
      "S4 (801000012345 input D): 120 W, below 147.5–442.5 W (0.5–1.5 × the median 295 W of 6 panels facing tilt 35°, azimuth 180°) — shade, a damaged panel, or a panel on another face than the map says",
    );
    expect(r[6]).toMatchObject({ medianW: 102, rangeW: [51, 153] });
    expect(r[8]!.message).toBe("X1 (801000012349 input A): no reading — its inverter did not answer");
  });

  it("does not pass a roof in the dark: too little light to judge", () => {
    const panels: PanelPlace[] = [
      { panel: "S1", serial: "801000012345", input: "A", orientation: south },
      { panel: "S2", serial: "801000012345", input: "B", orientation: south },
    ];
    const r = checkProduction(
      panels,
      new Map([
        ["801000012345:A", 3],
        ["801000012345:B", 4],
      ]),
    );
    expect(r.map((p) => p.status)).toEqual(["too-dark", "too-dark"]);
    expect(r[0]!.message).toBe(
      "S1 (801000012345 input A): 3 W; panels facing tilt 35°, azimuth 180° make 3.5 W in the middle — too little light to judge, run commission again in daylight",
    );
  });
});
