/**
 * `localecu emulate --grid <serial>:<what>`: the grid-protection settings an emulated inverter holds, so
 * a commissioning run can meet an inverter on the wrong profile. `<what>` is a profile name
 * (en50549-1, vde-ar-n-4105) or single settings by vendor code, `AC=183,AE=49.8`. Repeatable.
 */
import { isSerial } from "../protocol/ids.ts";
import { PROTECTION_CODES, type ProtectionCode } from "../protocol/protection/types.ts";
import { SIM_EN50549_1, SIM_VDE_AR_N_4105, type SimGridSettings } from "../sim/grid-profile.ts";
import type { SimSite } from "../sim/site.ts";
import { CliError } from "./errors.ts";

export const SIM_GRID_PROFILES: Readonly<Record<string, Readonly<SimGridSettings>>> = {
  "en50549-1": SIM_EN50549_1,
  "vde-ar-n-4105": SIM_VDE_AR_N_4105,
};

export interface GridPlant {
  serial: string;
  settings: SimGridSettings;
}

const CODES = new Set<string>(PROTECTION_CODES);

export function parseGridOption(text: string): GridPlant {
  const m = /^\s*(\d{12})\s*:\s*(.+)$/.exec(text);
  if (!m || !isSerial(m[1]!)) {
    throw new CliError(
      `--grid '${text}': write <serial>:<profile> or <serial>:<CODE>=<value>,…, e.g. 801000012346:AC=183 or 801000012347:vde-ar-n-4105`,
    );
  }
  const serial = m[1]!;
  const what = m[2]!.trim();
  const profile = SIM_GRID_PROFILES[what.toLowerCase()];
  if (profile) return { serial, settings: { ...profile } };
  const settings: SimGridSettings = {};
  for (const part of what.split(",")) {
    const kv = /^\s*([A-Za-z]{2})\s*=\s*([0-9.]+)\s*$/.exec(part);
    const code = kv?.[1]?.toUpperCase();
    const value = Number(kv?.[2]);
    if (!kv || !code || !CODES.has(code) || !Number.isFinite(value)) {
      throw new CliError(
        `--grid '${text}': '${part.trim()}' is neither a profile (${Object.keys(SIM_GRID_PROFILES).join(", ")}) nor CODE=value with a vendor code such as AC, AE, BD`,
      );
    }
    settings[code as ProtectionCode] = value;
  }
  return { serial, settings };
}

/** Applies the plants in order (a profile, then single values on top, reads naturally). */
export function plantGrid(site: SimSite, plants: readonly GridPlant[]): void {
  for (const p of plants) {
    const inv = site.inverter(p.serial);
    if (!inv) {
      throw new CliError(
        `--grid: ${p.serial} is not one of the emulated inverters (${site.serials().join(", ")})`,
      );
    }
    inv.setGridSettings(p.settings);
  }
}
