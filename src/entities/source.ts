/**
 * What the source of readings cannot provide, as Home Assistant sees it. An entity that could only ever
 * read "unknown" (or a control that can only be refused) is not created (discovery sends HA's removal
 * stub in its place): HA users report such entities as broken. Instead the inverter's Status sensor
 * carries, as attributes, which values this source does not provide and why, so the gap is explained
 * where the user looks, not hidden.
 */
import { FAULTS } from "./catalog/inverter.ts";
import type { SourceGap, SourceView } from "./snapshot.ts";

/** The key of the controls payload (`<base>/<name>/controls`) that holds SourceAttributes. */
export const SOURCE_ATTRIBUTES_KEY = "source";

/**
 * The catalog keys each gap leaves empty. Channel keys are the base key (`dc_voltage` stands for
 * `dc_voltage_ch1` … `_ch4`).
 */
export const GAP_KEYS: Readonly<Record<SourceGap, readonly string[]>> = {
  dc_voltage: ["dc_voltage"],
  dc_current: ["dc_current"],
  status_bits: FAULTS.map((f) => f.key),
  protection: ["grid_profile", "read_grid_profile"],
  poll: ["poll"],
  max_power: ["max_power"],
  on_off: ["state"],
};

/** The catalog keys (inverter and channel base keys) this source never fills or cannot act on. */
export function keysNotProvided(source: SourceView | undefined): ReadonlySet<string> {
  if (!source) return new Set();
  return new Set(
    (Object.keys(source.gaps) as SourceGap[]).flatMap((g) => (source.gaps[g] ? GAP_KEYS[g] : [])),
  );
}

/** The Status sensor's attributes on a source with gaps (HA renders the list and lines as they are). */
export interface SourceAttributes {
  source: SourceView["kind"];
  /** Catalog keys with no entity on this source (channel keys without `_ch<n>`). */
  not_provided_by_source: string[];
  /** One line per gap: the keys it covers and why. */
  why_not_provided: string[];
}

/** undefined when the source provides everything (the stick): no attributes then. */
export function sourceAttributes(source: SourceView | undefined): SourceAttributes | undefined {
  if (!source) return undefined;
  const gaps = (Object.keys(GAP_KEYS) as SourceGap[]).filter((g) => source.gaps[g]);
  if (gaps.length === 0) return undefined;
  return {
    source: source.kind,
    not_provided_by_source: gaps.flatMap((g) => GAP_KEYS[g]),
    why_not_provided: gaps.map((g) => `${GAP_KEYS[g].join(", ")}: ${source.gaps[g]}`),
  };
}
