/**
 * The benchmark's installation: a house near Amsterdam, four QS1s (16 × 400 Wp) on a 35° south roof and
 * two DS3s (4 × 400 Wp) on the west roof, no static shade, so any weak panel is one we injected. The
 * same description feeds the simulator and the diagnosis's layout, as site.yaml would.
 */
import type { FaultLayout, LayoutInverter } from "../../src/automations/faults/types.ts";
import { modelForSerial } from "../../src/protocol/models.ts";
import { DEMO_LOCATION, DEMO_MODULE } from "../../src/sim/demo-site.ts";
import type { SimSiteOptions } from "../../src/sim/site.ts";

export const LOCATION = DEMO_LOCATION;
export const TIMEZONE = "Europe/Amsterdam";

interface BenchInverter {
  serial: string;
  label: string;
  roof: "south" | "west";
  row: number;
  col: number;
}

const FACES = { south: { tiltDeg: 35, azimuthDeg: 180 }, west: { tiltDeg: 35, azimuthDeg: 270 } } as const;

export const INVERTERS: readonly BenchInverter[] = [
  { serial: "801000020001", label: "South top left", roof: "south", row: 1, col: 1 },
  { serial: "801000020002", label: "South top right", roof: "south", row: 1, col: 2 },
  { serial: "801000020003", label: "South bottom left", roof: "south", row: 2, col: 1 },
  { serial: "801000020004", label: "South bottom right", roof: "south", row: 2, col: 2 },
  { serial: "703000020005", label: "West left", roof: "west", row: 1, col: 1 },
  { serial: "703000020006", label: "West right", roof: "west", row: 1, col: 2 },
];

/** Panel ids per inverter, input A first: S1…S16 on the south roof, W1…W4 on the west roof. */
export function panelIds(serial: string): string[] {
  const south = INVERTERS.filter((i) => i.roof === "south");
  const west = INVERTERS.filter((i) => i.roof === "west");
  const s = south.findIndex((i) => i.serial === serial);
  if (s >= 0) return [1, 2, 3, 4].map((k) => `S${s * 4 + k}`);
  const w = west.findIndex((i) => i.serial === serial);
  return [1, 2].map((k) => `W${w * 2 + k}`);
}

export function simOptions(seed: number): SimSiteOptions {
  return {
    ...LOCATION,
    seed,
    inverters: INVERTERS.map((inv) => ({
      serial: inv.serial,
      panels: panelIds(inv.serial).map(() => ({ ...DEMO_MODULE, ...FACES[inv.roof] })),
    })),
  };
}

export function layout(): FaultLayout {
  return {
    timezone: TIMEZONE,
    inverters: INVERTERS.map(
      (inv): LayoutInverter => ({
        serial: inv.serial,
        label: inv.label,
        position: `${inv.roof} roof, row ${inv.row} col ${inv.col}`,
        model: modelForSerial(inv.serial)!,
        panels: panelIds(inv.serial).map((id, k) => ({
          id,
          input: "ABCD"[k] as "A" | "B" | "C" | "D",
          wp: DEMO_MODULE.wp,
          ...FACES[inv.roof],
        })),
      }),
    ),
  };
}
