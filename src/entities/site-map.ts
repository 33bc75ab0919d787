/**
 * The installation map (site.yaml `map`) as Home Assistant sees it: a retained JSON document on
 * `<base>/site/map`, the attributes of the site device's "Roof map" sensor (state = number of panels).
 * The roof-map card (src/web/card/) draws from it. It carries the entity ids discovery gives each tile's
 * power sensor and problem sensor (`def_ent_id`); when a user renamed an entity, the card finds it again by
 * the device (`localecu_<serial>`) and the id's ending (see src/web/card/resolve.ts).
 *
 * Kept small: HA's recorder drops attribute sets over 16 KiB, so nothing is repeated per panel: a panel's
 * power sensor is its inverter's `panel_power` with the input's channel number appended (A → 1 … D → 4),
 * the id discovery gives it; default panel ids (`<serial>-<input>`) are left out
 * (test/entities/site-map.test.ts measures a 40-inverter site).
 */
import { modelForSerial } from "../protocol/models.ts";
import type { Input, SiteConfig } from "../site/config/types.ts";
import { channelKey } from "./catalog/index.ts";
import type { EntityDescription } from "./catalog/types.ts";
import { type Component, component, type DeviceDiscovery, slug } from "./discovery.ts";
import { siteTopic } from "./topics.ts";

export const MAP_FORMAT = 1;

export interface MapPanel {
  /** Inverter input (A–D). */
  input: Input;
  /** site.yaml's panel id, when it was given one (not the default `<serial>-<input>`). */
  id?: string;
  /** Module rating at STC, W. */
  wp?: number;
}

export interface MapCellState {
  inverter: string;
  row?: number;
  column?: number;
  x?: number;
  y?: number;
  panels: MapPanel[];
}

export interface MapArrayState {
  name: string;
  label: string;
  tilt?: number;
  azimuth?: number;
  rows?: number;
  columns?: number;
  cells: MapCellState[];
}

export interface MapInverterState {
  name: string;
  model?: string;
  /** The panels' DC power sensors without the channel number: `sensor.<device>_dc_power_ch`. */
  panel_power: string;
  /** The fault module's problem sensor; absent when site.yaml has no automations.faults. */
  problem?: string;
}

export interface SiteMapState {
  format: number;
  panels: number;
  arrays: MapArrayState[];
  inverters: Record<string, MapInverterState>;
}

const INPUTS: readonly Input[] = ["A", "B", "C", "D"];

/** The map document, or undefined when site.yaml has no map arrays. `faults`: the fault module runs. */
export function siteMapState(config: SiteConfig, opts: { faults: boolean }): SiteMapState | undefined {
  if (config.map.arrays.length === 0) return undefined;
  const inverters: Record<string, MapInverterState> = {};
  let panels = 0;
  const arrays = config.map.arrays.map((a) => {
    const out: MapArrayState = { name: a.name, label: a.label, cells: [] };
    if (a.orientation) {
      out.tilt = a.orientation.tiltDeg;
      out.azimuth = a.orientation.azimuthDeg;
    }
    if (a.rows !== undefined) out.rows = a.rows;
    if (a.columns !== undefined) out.columns = a.columns;
    for (const c of a.cells) {
      const inv = config.inverters.find((i) => i.serial === c.inverter);
      if (!inv) continue;
      const model = inv.model ?? modelForSerial(inv.serial);
      // Entity ids start with the device name's slug (discovery.ts inverterDiscovery).
      const prefix = slug(inv.label) || inv.serial;
      inverters[inv.serial] ??= {
        name: inv.label,
        ...(model ? { model: model.model } : {}),
        panel_power: `sensor.${prefix}_${channelKey("dc_power", 0).slice(0, -1)}`,
        ...(opts.faults ? { problem: `binary_sensor.${prefix}_problem` } : {}),
      };
      const placed = inv.positions.find((p) => p.path === c.path)?.inputs ?? c.inputs;
      // An inverter whose inputs site.yaml does not wire still shows one tile per input of its model.
      const inputs = placed.length > 0 ? placed : INPUTS.slice(0, model?.channels ?? 0);
      const cell: MapCellState = { inverter: inv.serial, panels: [] };
      for (const k of ["row", "column", "x", "y"] as const) if (c[k] !== undefined) cell[k] = c[k];
      for (const input of inputs) {
        const id = inv.channels[input];
        const panel = id === undefined ? undefined : config.panels.find((p) => p.id === id);
        const named = id !== undefined && id !== `${inv.serial}-${input}`;
        cell.panels.push({ input, ...(named ? { id } : {}), ...(panel ? { wp: panel.module.wp } : {}) });
      }
      panels += cell.panels.length;
      out.cells.push(cell);
    }
    return out;
  });
  return { format: MAP_FORMAT, panels, arrays, inverters };
}

export function siteMapTopic(base: string): string {
  return `${siteTopic(base)}/map`;
}

export const ROOF_MAP_ENTITY: EntityDescription<SiteMapState> = {
  key: "roof_map",
  name: "Roof map",
  platform: "sensor",
  entityCategory: "diagnostic",
  icon: "mdi:solar-panel-large",
  description:
    "The installation map from site.yaml: its state is the number of panels, its attributes the arrays, cells and entity ids the roof-map card draws",
  value: (m) => m.panels,
};

/** The site device's discovery with the Roof map sensor added (its own topic, the whole document as attributes). */
export function withMapComponent(d: DeviceDiscovery, base: string, siteName: string): DeviceDiscovery {
  const topic = siteMapTopic(base);
  const c: Component = component(ROOF_MAP_ENTITY, ROOF_MAP_ENTITY.key, ROOF_MAP_ENTITY.name, {
    uniquePrefix: d.id,
    entityPrefix: slug(siteName) || "site",
    stateTopic: topic,
  });
  c.val_tpl = "{{ value_json.panels }}";
  c.json_attr_t = topic;
  return { ...d, config: { ...d.config, cmps: { ...d.config.cmps, [ROOF_MAP_ENTITY.key]: c } } };
}
