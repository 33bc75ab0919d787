/**
 * The part of Home Assistant's frontend `hass` object the card reads (frontend src/types.ts:
 * `states`, `entities` = the entity registry's display entries, `devices` = the device registry). The
 * local page (src/web/page/) builds the same shape from the controller's own messages.
 */
export interface HassEntityState {
  entity_id: string;
  state: string;
  attributes: Record<string, unknown>;
}

export interface HassEntityEntry {
  entity_id: string;
  device_id?: string;
  platform?: string;
}

export interface HassDeviceEntry {
  id: string;
  name?: string | null;
  /** [domain, identifier] pairs; MQTT devices carry ["mqtt", "<dev.ids[0]>"]. */
  identifiers?: [string, string][];
}

export interface HassLike {
  states: Record<string, HassEntityState | undefined>;
  entities?: Record<string, HassEntityEntry | undefined>;
  devices?: Record<string, HassDeviceEntry | undefined>;
  themes?: { darkMode?: boolean };
}

/** The map document published as the Roof map sensor's attributes (src/entities/site-map.ts). */
export type {
  MapArrayState,
  MapCellState,
  MapInverterState,
  MapPanel,
  SiteMapState,
} from "../../entities/site-map.ts";
