/**
 * A simulated site built from a site.yaml: every inverter's inputs get the module, roof face and
 * orientation the config gives them, so the demo's map, names and physics describe the same roof.
 */

import { modelForSerial } from "../protocol/models.ts";
import { INPUTS } from "../protocol/telemetry-qs1.ts";
import type { Panel, SiteConfig } from "../site/config/types.ts";
import { DEMO_LOCATION } from "./demo-site.ts";
import type { PanelSpec } from "./panel.ts";
import { SimSite } from "./site.ts";

export interface FromConfigOptions {
  seed: number;
  clearSky?: boolean;
  /** serial → fraction of light lost per input (A, B, C, D): shade the config cannot express. */
  shading?: Readonly<Record<string, readonly number[]>>;
}

/** When neither the panel nor its array says: a typical pitched roof facing south. */
const DEFAULT_ORIENTATION = { tiltDeg: 35, azimuthDeg: 180 };

export function simSiteFromConfig(config: SiteConfig, o: FromConfigOptions): SimSite {
  const panels = new Map(config.panels.map((p) => [p.id, p]));
  const arrays = new Map(config.map.arrays.map((a) => [a.name, a]));
  const orientationOf = (p: Panel | undefined, arrayName: string | undefined) =>
    p?.orientation ??
    (p?.array ? arrays.get(p.array)?.orientation : undefined) ??
    (arrayName ? arrays.get(arrayName)?.orientation : undefined) ??
    DEFAULT_ORIENTATION;
  const inverters = config.inverters.flatMap((inv) => {
    const model = inv.model ?? modelForSerial(inv.serial);
    if (!model || model.family === "yc1000") return [];
    const arrayName = inv.positions[0]?.array;
    return [
      {
        serial: inv.serial,
        panels: INPUTS.slice(0, model.channels).map((input, i): PanelSpec => {
          const p = panels.get(inv.channels[input] ?? "");
          const m = p?.module ?? config.modules[0];
          if (!m)
            throw new Error(
              `${config.file}: ${inv.serial} input ${input} has no panel and no module type to assume`,
            );
          return {
            wp: m.wp,
            vmpV: m.vmpV,
            impA: m.impA ?? m.wp / m.vmpV,
            vocV: m.vocV,
            iscA: m.iscA,
            tempCoeffVocPctPerC: m.tempCoeffVocPctPerC,
            ...orientationOf(p, arrayName),
            shading: o.shading?.[inv.serial]?.[i] ?? 0,
          };
        }),
      },
    ];
  });
  return new SimSite({
    latitudeDeg: config.site.latitude ?? DEMO_LOCATION.latitudeDeg,
    longitudeDeg: config.site.longitude ?? DEMO_LOCATION.longitudeDeg,
    seed: o.seed,
    clearSky: o.clearSky,
    inverters,
  });
}
