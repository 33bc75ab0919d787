/**
 * The controller's state payloads (catalog keys, one retained JSON object per inverter and one for the
 * site) → Node-RED readings with the unit in each property name (`power_w`, `energy_kwh`,
 * `dc_voltage_v`), so a flow never has to guess whether `energy` is Wh or kWh. Units come from the
 * entity catalog, the same table Home Assistant's discovery is built from.
 */
import {
  CHANNEL_ENTITIES,
  FAULT_INVERTER_ENTITIES,
  FAULT_SITE_ENTITIES,
  INVERTER_ENTITIES,
  LIMITER_ENTITIES,
  SCHEDULE_ENTITIES,
  SITE_ENTITIES,
} from "../entities/catalog/index.ts";
import { parseJsonObject } from "../json.ts";

type Described = { key: string; unit?: string; attributesKey?: string; attributesName?: string };

/** "W" → "w", "kWh" → "kwh", "°C" → "c"; the link quality's "lqi" is a scale, not a unit. */
function unitSuffix(unit: string | undefined): string | undefined {
  if (!unit || unit === "lqi") return undefined;
  return unit.replace(/°/g, "").toLowerCase();
}

function unitMap(list: readonly Described[]): ReadonlyMap<string, string> {
  const m = new Map<string, string>();
  for (const d of list) {
    const s = unitSuffix(d.unit);
    if (s) m.set(d.key, s);
  }
  return m;
}

const INVERTER_UNITS = unitMap(INVERTER_ENTITIES);
const CHANNEL_UNITS = unitMap(CHANNEL_ENTITIES);
const SITE_UNITS = unitMap(SITE_ENTITIES);
const LIMITER_UNITS = unitMap(LIMITER_ENTITIES);

/** The keys of the site payload that belong to the export limiter and to the schedule. */
const LIMITER_KEYS = new Set([...LIMITER_ENTITIES.map((d) => d.key), "export_limit_reason"]);
const SCHEDULE_KEYS = new Set(SCHEDULE_ENTITIES.map((d) => d.key));

/**
 * The fault findings' keys of a state payload (a flag or count, and its list under `attributesKey`), and
 * the names Home Assistant shows them under: they leave as their own message, not as readings.
 */
function findingKeys(list: readonly Described[]): ReadonlyMap<string, string> {
  const m = new Map<string, string>();
  for (const d of list) {
    if (d.key === "fault") continue; // the event entity: its messages come on the event topic
    m.set(d.key, d.key);
    if (d.attributesKey) m.set(d.attributesKey, d.attributesName ?? d.attributesKey);
  }
  return m;
}
const INVERTER_FINDINGS = findingKeys(FAULT_INVERTER_ENTITIES);
const SITE_FINDINGS = findingKeys(FAULT_SITE_ENTITIES);

function named(key: string, unit: string | undefined): string {
  return unit ? `${key}_${unit}` : key;
}

/** An inverter's state → its own readings (channel keys stay out: they are the panels'). */
export function inverterReadings(text: string): Record<string, unknown> | undefined {
  const s = parseJsonObject(text);
  if (!s) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (/_ch\d+$/.test(k) || INVERTER_FINDINGS.has(k)) continue;
    out[named(k, INVERTER_UNITS.get(k))] = v;
  }
  return out;
}

/** The open fault findings in an inverter's state (`{problem, findings}`); undefined without the faults module. */
export function inverterFindings(text: string): Record<string, unknown> | undefined {
  return pick(parseJsonObject(text), INVERTER_FINDINGS);
}

function pick(s: Record<string, unknown> | undefined, keys: ReadonlyMap<string, string>) {
  if (!s) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, as] of keys) if (k in s) out[as] = s[k];
  return Object.keys(out).length > 0 ? out : undefined;
}

/** One panel's readings from its inverter's state: `dc_voltage_ch2` → `dc_voltage_v` for input 2. */
export function panelReadings(text: string, input: number): Record<string, unknown> | undefined {
  const s = parseJsonObject(text);
  if (!s) return undefined;
  const suffix = `_ch${input}`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (!k.endsWith(suffix)) continue;
    const key = k.slice(0, -suffix.length);
    out[named(key, CHANNEL_UNITS.get(key))] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export interface SiteParts {
  readings: Record<string, unknown>;
  /** Present when the site has an export limiter. */
  limiter?: Record<string, unknown>;
  /** Present when the site has a schedule. */
  schedule?: Record<string, unknown>;
  /** Present when the site runs the fault diagnosis: `{faults_open, findings}`. */
  findings?: Record<string, unknown>;
}

/** The site's state split into its readings, the export limiter's state and the schedule's state. */
export function siteParts(text: string): SiteParts | undefined {
  const s = parseJsonObject(text);
  if (!s) return undefined;
  const readings: Record<string, unknown> = {};
  const limiter: Record<string, unknown> = {};
  const schedule: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (SITE_FINDINGS.has(k)) continue;
    if (LIMITER_KEYS.has(k)) limiter[named(k, LIMITER_UNITS.get(k))] = v;
    else if (SCHEDULE_KEYS.has(k)) schedule[k] = v;
    else readings[named(k, SITE_UNITS.get(k))] = v;
  }
  const parts: SiteParts = { readings };
  if (Object.keys(limiter).length > 0) parts.limiter = limiter;
  if (Object.keys(schedule).length > 0) parts.schedule = schedule;
  const findings = pick(s, SITE_FINDINGS);
  if (findings) parts.findings = findings;
  return parts;
}
