/**
 * The installation map — the manual's registration card as data. Each array (roof face, field) is
 * either a grid (rows × columns, cells at row/column, 1-based like the card) or free (cells at x/y
 * metres). A cell holds one inverter; it may also say which panels hang on which inputs, so the
 * card itself can carry the wiring. One inverter may sit in several cells when its inputs feed
 * panels on different roof faces.
 */

import { type Hardware, orientationOf } from "./config/hardware.ts";
import { formatPath, type IssueList, type PathSegment } from "./config/issues.ts";
import type { RawArray, RawCell } from "./config/raw.ts";
import { suggestHint } from "./config/suggest.ts";
import type { Input, InverterConfig, MapArray, MapCell, Panel, SiteConfig } from "./config/types.ts";

export function resolveMap(raw: RawArray[] | undefined, hw: Hardware, issues: IssueList): MapArray[] {
  const arrays: MapArray[] = [];
  const wholeCell = new Map<string, string>(); // serial → path of its whole-inverter cell
  (raw ?? []).forEach((a, i) => {
    const at: PathSegment[] = ["map", "arrays", i];
    if (arrays.some((x) => x.name === a.name)) {
      issues.add([...at, "name"], `array name "${a.name}" is used twice`, "give each array its own name");
    }
    const grid = a.rows !== undefined && a.columns !== undefined;
    if ((a.rows === undefined) !== (a.columns === undefined)) {
      issues.add(at, "a grid needs both rows and columns", "give both, or neither for free x/y placement");
    }
    const array: MapArray = { name: a.name, path: formatPath(at), label: a.label ?? a.name, cells: [] };
    const o = orientationOf(a.orientation);
    if (o) array.orientation = o;
    if (grid) {
      array.rows = a.rows;
      array.columns = a.columns;
    }
    const taken = new Map<string, string>();
    a.cells.forEach((c, j) => {
      const cellAt = [...at, "cells", j];
      if (!placeCell(a, c, grid, cellAt, taken, issues)) return;
      const inv = hw.inverters.get(c.inverter);
      if (!inv) {
        issues.add([...cellAt, "inverter"], `unknown inverter ${c.inverter}`, hw.serialHint(c.inverter));
        return;
      }
      const cell: MapCell = { inverter: c.inverter, inputs: [], path: formatPath(cellAt) };
      for (const k of ["row", "column", "x", "y"] as const) if (c[k] !== undefined) cell[k] = c[k];
      if (c.channels) cell.inputs = hw.connect(inv, c.channels, [...cellAt, "channels"], a.name);
      else {
        const before = wholeCell.get(c.inverter);
        if (before !== undefined) {
          issues.add(
            [...cellAt, "inverter"],
            `${c.inverter} is already placed at ${before}`,
            "to spread one inverter over several cells, list the inputs (channels) in each",
          );
          return;
        }
        wholeCell.set(c.inverter, cell.path);
      }
      array.cells.push(cell);
    });
    arrays.push(array);
  });
  for (const array of arrays) for (const cell of array.cells) addPosition(hw, array, cell);
  finishPanels(hw, arrays, issues);
  return arrays;
}

function placeCell(
  a: RawArray,
  c: RawCell,
  grid: boolean,
  at: PathSegment[],
  taken: Map<string, string>,
  issues: IssueList,
): boolean {
  if (!grid) {
    if (c.row !== undefined || c.column !== undefined) {
      issues.add(
        at,
        "row/column need a grid array",
        `add rows and columns to array "${a.name}", or use x and y`,
      );
      return false;
    }
    if (c.x === undefined || c.y === undefined) {
      issues.add(at, "a cell of a free array needs x and y", `or give array "${a.name}" rows and columns`);
      return false;
    }
    return true;
  }
  if (c.x !== undefined || c.y !== undefined) {
    issues.add(at, "x/y are for free arrays", `array "${a.name}" is a grid: use row and column`);
    return false;
  }
  if (c.row === undefined || c.column === undefined) {
    issues.add(
      at,
      "a cell of a grid array needs row and column",
      "count from 1 at the top left, like the card",
    );
    return false;
  }
  let ok = true;
  if (c.row > a.rows!) {
    issues.add(
      [...at, "row"],
      `row ${c.row} is outside the grid (rows: ${a.rows})`,
      "raise rows or fix the row",
    );
    ok = false;
  }
  if (c.column > a.columns!) {
    issues.add(
      [...at, "column"],
      `column ${c.column} is outside the grid (columns: ${a.columns})`,
      "raise columns or fix the column",
    );
    ok = false;
  }
  const key = `${c.row},${c.column}`;
  const other = taken.get(key);
  // Several cells may share a spot only for one inverter split by inputs; different inverters may not.
  if (other !== undefined && other !== c.inverter) {
    issues.add(at, `row ${c.row}, column ${c.column} already holds ${other}`, "one inverter per cell");
    ok = false;
  }
  taken.set(key, c.inverter);
  return ok;
}

function addPosition(hw: Hardware, array: MapArray, cell: MapCell): void {
  const inv = hw.inverters.get(cell.inverter)!;
  // A whole-inverter cell shows every input not placed by a cell of its own.
  const inputs =
    cell.inputs.length > 0
      ? cell.inputs
      : (Object.keys(inv.channels) as Input[]).filter(
          (i) => !hw.wired.get(`${inv.serial}:${i}`)?.startsWith("map."),
        );
  const pos = { array: array.name, inputs, path: cell.path } as InverterConfig["positions"][number];
  for (const k of ["row", "column", "x", "y"] as const) if (cell[k] !== undefined) pos[k] = cell[k];
  inv.positions.push(pos);
  for (const i of inputs) {
    const panel = hw.panels.get(inv.channels[i]!);
    if (panel && panel.array === undefined) panel.array = array.name;
  }
}

function finishPanels(hw: Hardware, arrays: MapArray[], issues: IssueList): void {
  const names = arrays.map((a) => a.name);
  for (const panel of hw.panels.values()) {
    if (panel.array === undefined) continue;
    const array = arrays.find((a) => a.name === panel.array);
    if (!array) {
      issues.add(
        `${panel.path}.array`,
        `unknown array "${panel.array}"`,
        suggestHint(panel.array, names, "arrays"),
      );
      continue;
    }
    if (panel.orientation === undefined && array.orientation) panel.orientation = array.orientation;
  }
}

/** Panels of one inverter in input order, for displays (map page, card, HA). */
export function panelsOf(config: SiteConfig, serial: string): { input: Input; panel: Panel }[] {
  const inv = config.inverters.find((i) => i.serial === serial);
  if (!inv) return [];
  return (Object.entries(inv.channels) as [Input, string][])
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([input, id]) => {
      const panel = config.panels.find((p) => p.id === id);
      return panel ? [{ input, panel }] : [];
    });
}

/** Which inverter input sits at a map position, e.g. for a click on the roof map. */
export function inverterAt(
  config: SiteConfig,
  array: string,
  row: number,
  column: number,
): InverterConfig | undefined {
  return config.inverters.find((inv) =>
    inv.positions.some((p) => p.array === array && p.row === row && p.column === column),
  );
}
