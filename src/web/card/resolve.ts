/**
 * Finds the entities the map names. The map carries the ids discovery asked for (`def_ent_id`); if a user
 * renamed one in Home Assistant, the card looks it up by its device (identifier `localecu_<serial>`) and
 * the id's ending (`_dc_power_ch2`, `_problem`), which survive a device rename.
 */
import type { HassLike, SiteMapState } from "./hass.ts";

/** The map document from the configured entity, or the first Roof map sensor in `hass`. */
export function findMap(
  hass: HassLike,
  entity: string | undefined,
): { entity: string; map: SiteMapState } | undefined {
  const ids = entity ? [entity] : Object.keys(hass.states);
  for (const id of ids) {
    const a = hass.states[id]?.attributes;
    if (a && typeof a.format === "number" && Array.isArray(a.arrays) && typeof a.inverters === "object") {
      return { entity: id, map: a as unknown as SiteMapState };
    }
  }
  return undefined;
}

export function resolveEntity(hass: HassLike, wanted: string, serial: string): string | undefined {
  if (hass.states[wanted]) return wanted;
  const device = Object.values(hass.devices ?? {}).find((d) =>
    d?.identifiers?.some(([, id]) => id === `localecu_${serial}`),
  );
  if (!device) return undefined;
  const domain = wanted.slice(0, wanted.indexOf("."));
  const ending = /_(dc_power_ch\d|problem)$/.exec(wanted)?.[0];
  if (!ending) return undefined;
  return Object.values(hass.entities ?? {}).find(
    (e) => e?.device_id === device.id && e.entity_id.startsWith(`${domain}.`) && e.entity_id.endsWith(ending),
  )?.entity_id;
}
