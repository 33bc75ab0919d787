/**
 * site.grid_code / site.grid_overrides: which grid code the protection settings are held to, and the
 * single values the network operator asked for instead. An override is refused when its code is not
 * one the pages carry, or when its value cannot be in the setting's unit (200 for a frequency, 0.2 for
 * a voltage): that is a typo, and a check against it would only report noise.
 */
import { GRID_CODES, type GridCodeId } from "../../commission/grid-codes.ts";
import { CODE_MEANINGS } from "../../protocol/protection/meanings.ts";
import {
  PROTECTION_CODES,
  type ProtectionCode,
  type ProtectionUnit,
} from "../../protocol/protection/types.ts";
import type { IssueList } from "./issues.ts";

/** Plausible values per unit where the grid code's profile gives no range: the extremes of the vendor's own tables (reference §6.1). */
const UNIT_RANGE: Record<ProtectionUnit, readonly [number, number]> = {
  V: [60, 300],
  Hz: [45, 55],
  s: [0.02, 610],
  "%/Hz": [5, 100],
  W: [0, 2000],
  code: [0, 999],
};

export function resolveGridOverrides(
  raw: Record<string, number> | undefined,
  gridCode: GridCodeId | undefined,
  issues: IssueList,
): Partial<Record<ProtectionCode, number>> {
  const out: Partial<Record<ProtectionCode, number>> = {};
  if (!raw) return out;
  if (gridCode === undefined && Object.keys(raw).length > 0) {
    issues.add(
      "site.grid_overrides",
      "overrides without a grid code",
      "set site.grid_code to the code the network operator named; the overrides replace single values of it",
    );
  }
  for (const [key, value] of Object.entries(raw)) {
    const at = `site.grid_overrides.${key}`;
    if (!(PROTECTION_CODES as readonly string[]).includes(key)) {
      issues.add(at, `unknown setting code "${key}"`, `use one of ${PROTECTION_CODES.join(", ")}`);
      continue;
    }
    const code = key as ProtectionCode;
    const { unit, meaning } = CODE_MEANINGS[code];
    const profile = gridCode ? GRID_CODES[gridCode].settings[code] : undefined;
    const [lo, hi] = profile?.range ?? UNIT_RANGE[unit];
    if (value < lo || value > hi) {
      const unitText = unit === "code" ? "" : ` ${unit}`;
      const whose = profile
        ? `the range APsystems allows for ${code} in ${gridCode}`
        : `the plausible range of a setting in ${unit}`;
      issues.add(
        at,
        `${value}${unitText} is outside ${lo}–${hi}${unitText}`,
        `${code} is in ${unit} (${meaning}): give a value within ${whose}`,
      );
      continue;
    }
    out[code] = value;
  }
  return out;
}
