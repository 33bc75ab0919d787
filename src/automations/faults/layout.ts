/** The site as the diagnosis needs it, from the resolved site.yaml: names, map places, panels, orientation. */
import type { Input, InverterConfig, MapPosition, SiteConfig } from "../../site/config/types.ts";
import type { FaultLayout, LayoutInverter, LayoutPanel } from "./types.ts";

export function layoutFromConfig(config: SiteConfig): FaultLayout {
  const arrays = new Map(config.map.arrays.map((a) => [a.name, a]));
  const panels = new Map(config.panels.map((p) => [p.id, p]));
  const inverters = config.inverters.map((inv): LayoutInverter => {
    const out: LayoutInverter = { serial: inv.serial, label: inv.label, panels: panelsOf(inv, panels) };
    if (inv.model) out.model = inv.model;
    const where = inv.positions.map((p) => positionWords(p, arrays.get(p.array)?.label ?? p.array));
    if (where.length > 0) out.position = [...new Set(where)].join("; ");
    return out;
  });
  const { gridCode, gridOverrides } = config.site;
  const grid = gridCode ? { code: gridCode, overrides: gridOverrides } : undefined;
  return { inverters, timezone: config.site.timezone, ...(grid ? { grid } : {}) };
}

function panelsOf(inv: InverterConfig, panels: Map<string, SiteConfig["panels"][number]>): LayoutPanel[] {
  return (Object.entries(inv.channels) as [Input, string][]).flatMap(([input, id]) => {
    const p = panels.get(id);
    if (!p) return [];
    const out: LayoutPanel = { id, input, wp: p.module.wp };
    if (p.name) out.name = p.name;
    if (p.orientation) {
      out.tiltDeg = p.orientation.tiltDeg;
      out.azimuthDeg = p.orientation.azimuthDeg;
    }
    return [out];
  });
}

/** "south roof, row 1 col 1" or "garden, at 3 m, 4 m". */
export function positionWords(p: MapPosition, arrayLabel: string): string {
  if (p.row !== undefined && p.column !== undefined) return `${arrayLabel}, row ${p.row} col ${p.column}`;
  if (p.x !== undefined && p.y !== undefined) return `${arrayLabel}, at ${p.x} m, ${p.y} m`;
  return arrayLabel;
}
