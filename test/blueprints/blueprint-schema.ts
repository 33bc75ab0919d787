/**
 * Home Assistant's blueprint metadata rules, as read in HA core homeassistant/components/blueprint/schemas.py
 * (BLUEPRINT_SCHEMA and friends) and the selector configs in homeassistant/helpers/selector.py, written
 * out as checks. Returns one line per problem: what and where.
 */
import type { Blueprint } from "./blueprint-file.ts";

const META_KEYS = [
  "name",
  "description",
  "domain",
  "source_url",
  "author",
  "homeassistant",
  "input",
  "discovery",
];
const INPUT_KEYS = ["name", "description", "default", "selector"];
const SECTION_KEYS = ["name", "icon", "description", "collapsed", "input"];

/** The selectors we use and the config keys HA's selector classes accept for them (CONFIG_SCHEMA). */
const SELECTOR_KEYS: Record<string, readonly string[]> = {
  boolean: [],
  duration: ["enable_day", "enable_millisecond", "allow_negative"],
  entity: [
    "integration",
    "domain",
    "device_class",
    "exclude_entities",
    "include_entities",
    "filter",
    "multiple",
    "reorder",
  ],
  number: ["min", "max", "step", "unit_of_measurement", "mode", "translation_key"],
  select: ["options", "multiple", "custom_value", "mode", "translation_key", "sort"],
  text: ["multiline", "suffix", "prefix", "type", "autocomplete", "multiple"],
  time: [],
};
const ENTITY_FILTER_KEYS = ["integration", "domain", "device_class", "supported_features"];

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => typeof v === "string";

export function checkBlueprintMeta(bp: Blueprint): string[] {
  const p: string[] = [];
  const m = bp.meta;
  const at = (path: string, what: string) => p.push(`${bp.file}: blueprint.${path}: ${what}`);
  if (!isObj(bp.doc.blueprint)) return [`${bp.file}: no blueprint: mapping`];
  for (const k of Object.keys(m)) if (!META_KEYS.includes(k)) at(k, "not a key HA accepts");
  if (!str(m.name)) at("name", "required, a string");
  if (!str(m.domain)) at("domain", "required, a string");
  for (const k of ["description", "author"]) if (k in m && !str(m[k])) at(k, "must be a string");
  if ("source_url" in m && !(str(m.source_url) && /^https?:\/\/\S+$/.test(m.source_url as string)))
    at("source_url", "must be a URL");
  if ("homeassistant" in m) {
    const ha = m.homeassistant;
    if (!isObj(ha) || Object.keys(ha).some((k) => k !== "min_version"))
      at("homeassistant", "only min_version");
    else if (
      "min_version" in ha &&
      !(str(ha.min_version) && /^\d+\.\d+\.\d+$/.test(ha.min_version as string))
    )
      at("homeassistant.min_version", "must be a string {major}.{minor}.{patch} of integers");
  }
  const seen = new Set<string>();
  for (const [key, v] of Object.entries(isObj(m.input) ? m.input : {})) {
    if (v === null) continue;
    if (!isObj(v)) {
      at(`input.${key}`, "must be a mapping");
      continue;
    }
    const section = "input" in v;
    for (const k of Object.keys(v))
      if (!(section ? SECTION_KEYS : INPUT_KEYS).includes(k)) at(`input.${key}.${k}`, "not a key HA accepts");
    const inner = section ? (isObj(v.input) ? v.input : {}) : { [key]: v };
    if (section && "collapsed" in v && typeof v.collapsed !== "boolean")
      at(`input.${key}.collapsed`, "a boolean");
    for (const [name, input] of Object.entries(inner)) {
      if (seen.has(name)) at(`input.${name}`, "duplicate input key");
      seen.add(name);
      if (section && isObj(input))
        for (const k of Object.keys(input))
          if (!INPUT_KEYS.includes(k)) at(`input.${key}.input.${name}.${k}`, "not a key HA accepts");
      for (const k of ["name", "description"])
        if (isObj(input) && k in input && !str(input[k])) at(`input.${name}.${k}`, "must be a string");
      if (isObj(input) && "selector" in input)
        p.push(...checkSelector(`${bp.file}: input ${name}`, input.selector));
    }
  }
  return p;
}

function checkSelector(where: string, sel: unknown): string[] {
  if (!isObj(sel) || Object.keys(sel).length !== 1)
    return [`${where}: a selector is a mapping with one type`];
  const [type, config] = Object.entries(sel)[0]!;
  const allowed = SELECTOR_KEYS[type];
  if (!allowed) return [`${where}: selector type ${type} is not one this check knows`];
  if (config !== null && !isObj(config)) return [`${where}: selector ${type}'s config must be a mapping`];
  const p: string[] = [];
  for (const k of Object.keys(config ?? {}))
    if (!allowed.includes(k)) p.push(`${where}: ${type} selector has no ${k}`);
  const c = (config ?? {}) as Record<string, unknown>;
  if (type === "entity" && "filter" in c) {
    const filters = Array.isArray(c.filter) ? c.filter : [c.filter];
    for (const f of filters)
      for (const k of Object.keys(isObj(f) ? f : {}))
        if (!ENTITY_FILTER_KEYS.includes(k)) p.push(`${where}: entity filter has no ${k}`);
  }
  if (type === "select" && !Array.isArray(c.options)) p.push(`${where}: select needs options`);
  if (type === "number" && c.mode !== "box" && (c.min === undefined || c.max === undefined))
    p.push(`${where}: a slider number needs min and max`);
  return p;
}
