/**
 * The card's configuration and its validation. Every option is optional:
 *
 *   type: custom:localecu-map-card
 *   entity: sensor.demo_house_roof_map   # the Roof map sensor; default: the first one found
 *   title: Roof                          # default: none
 *   show_watts: true                     # the watts on each tile (default true)
 */
export interface MapCardConfig {
  type: string;
  entity?: string;
  title?: string;
  show_watts?: boolean;
}

const KEYS = new Set(["type", "entity", "title", "show_watts", "view_layout", "grid_options", "visibility"]);

/** The config as given, checked; throws an Error that says which option is wrong and how to fix it. */
export function validateConfig(raw: unknown): MapCardConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error(
      "localecu-map-card: the configuration must be a mapping (type: custom:localecu-map-card)",
    );
  }
  const c = raw as Record<string, unknown>;
  for (const k of Object.keys(c)) {
    if (!KEYS.has(k))
      throw new Error(`localecu-map-card: unknown option '${k}' (known: entity, title, show_watts)`);
  }
  if (c.entity !== undefined && (typeof c.entity !== "string" || !/^sensor\.[a-z0-9_]+$/.test(c.entity))) {
    throw new Error(
      `localecu-map-card: entity must be the Roof map sensor's id, like sensor.my_house_roof_map (got ${JSON.stringify(c.entity)})`,
    );
  }
  if (c.title !== undefined && typeof c.title !== "string") {
    throw new Error("localecu-map-card: title must be text");
  }
  if (c.show_watts !== undefined && typeof c.show_watts !== "boolean") {
    throw new Error("localecu-map-card: show_watts must be true or false");
  }
  return { ...(c as unknown as MapCardConfig) };
}
