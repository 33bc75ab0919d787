/**
 * Grid meter values from MQTT payloads and Home Assistant states, turned into watts with the limiter's sign
 * (positive = import). Pure: no I/O, so every meter format is tested on its own.
 *
 * Payload shapes met in practice:
 *   bare number            Shelly Gen1 EM `shellies/<id>/emeter/0/power` → `-230.5`
 *   JSON + value_key       Shelly Gen2 EM `<id>/status/em:0` → {"total_act_power": -230.5, …}
 *   JSON + dotted path     Tasmota `tele/<t>/SENSOR` → {"ENERGY": {"Power": 230}} or {"SML": {"Power": -230}}
 *   JSON + value_key, kW   P1 readers that publish kW → {"power_kw": -0.23} with unit: kW
 */
import { isJsonObject } from "../../json.ts";

export type MeterProblemKind =
  | "not-json"
  | "json-without-key"
  | "missing-key"
  | "not-a-number"
  | "unit"
  | "empty"
  | "implausible";

export type MeterValue = { ok: true; gridW: number } | { ok: false; kind: MeterProblemKind; why: string };

/**
 * No grid connection this controller serves carries 10 MW (500 inverters are under 1 MW): a value beyond
 * that is a corrupted reading or a wrong unit, and acting on it would cut or raise every inverter at once.
 */
export const MAX_PLAUSIBLE_W = 10_000_000;

export interface MqttMeterFormat {
  topic: string;
  valueKey?: string;
  invert?: boolean;
  unit?: "W" | "kW";
}

/** One MQTT payload → grid W (positive = import), or what is wrong with it and how to fix it. */
export function parseMqttMeter(payload: string, f: MqttMeterFormat): MeterValue {
  const text = payload.trim();
  if (text === "") return problem("empty", `${f.topic}: empty payload — the meter should publish its power`);
  const scale = (f.unit === "kW" ? 1000 : 1) * (f.invert ? -1 : 1);
  if (f.valueKey === undefined) {
    const n = toNumber(text);
    if (n !== undefined) return watts(n * scale, f.topic, mqttUnitFix(f));
    if (text.startsWith("{")) {
      return problem(
        "json-without-key",
        `${f.topic}: the payload is JSON (${clip(text)}) — set automations.export_limit.meter.value_key to the key that holds the power, e.g. ${suggestKey(text)}`,
      );
    }
    return problem(
      "not-a-number",
      `${f.topic}: expected a number of watts, got ${clip(text)} — point meter.topic at the power topic, or set meter.value_key for a JSON payload`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return problem(
      "not-json",
      `${f.topic}: payload is not JSON (${clip(text)}), but meter.value_key "${f.valueKey}" expects a JSON object — remove value_key if the topic carries a bare number`,
    );
  }
  const found = lookup(data, f.valueKey);
  if (!found.ok) {
    return problem(
      "missing-key",
      `${f.topic}: no "${f.valueKey}" in the payload (${found.where}) — set meter.value_key to one of: ${found.keys.join(", ") || "(no keys)"}; nested keys are written with dots, e.g. ENERGY.Power`,
    );
  }
  // Only a number or a numeric text is a reading: String([5]) is "5", but a list is not a power.
  const n =
    typeof found.value === "number"
      ? found.value
      : typeof found.value === "string"
        ? toNumber(found.value)
        : undefined;
  if (n === undefined || !Number.isFinite(n)) {
    return problem(
      "not-a-number",
      `${f.topic}: "${f.valueKey}" is ${clip(JSON.stringify(found.value) ?? String(found.value))}, not a number — point value_key at the power in W${f.unit === "kW" ? " (kW with unit: kW)" : ""}`,
    );
  }
  return watts(n * scale, f.topic, mqttUnitFix(f));
}

/** A sample, unless it is beyond any grid connection (see MAX_PLAUSIBLE_W); `fix` says what to check. */
function watts(gridW: number, source: string, fix: string): MeterValue {
  if (Math.abs(gridW) <= MAX_PLAUSIBLE_W) return { ok: true, gridW };
  return problem(
    "implausible",
    `${source}: ${gridW.toExponential(3)} W is more than any grid connection carries (over ${MAX_PLAUSIBLE_W / 1e6} MW), ignored — a corrupted reading, or ${fix}`,
  );
}

/** Units an HA power entity may carry, as a factor to W. */
const HA_UNITS: Readonly<Record<string, number>> = { W: 1, kW: 1000 };

/**
 * One Home Assistant state → grid W. "unavailable"/"unknown" → undefined (no sample: the meter goes stale
 * rather than reading 0 W). A unit other than W or kW is a problem naming the entity and the setting.
 */
export function parseHaMeter(
  s: { entityId: string; state: string; attributes: Record<string, unknown> },
  invert = false,
): MeterValue | undefined {
  if (s.state === "unavailable" || s.state === "unknown" || s.state === "") return undefined;
  const unit = s.attributes.unit_of_measurement;
  // Own keys only: HA_UNITS["constructor"] would be a function.
  const factor = typeof unit === "string" && Object.hasOwn(HA_UNITS, unit) ? HA_UNITS[unit] : undefined;
  if (factor === undefined) {
    return problem(
      "unit",
      `${s.entityId} reports in ${unit === undefined ? "no unit" : JSON.stringify(unit)}; the export limiter needs a power entity in W or kW — set automations.export_limit.meter.entity to your grid power sensor (not an energy or current sensor)`,
    );
  }
  const n = toNumber(s.state);
  if (n === undefined) {
    return problem(
      "not-a-number",
      `${s.entityId} has state ${clip(JSON.stringify(s.state))}, not a number — set automations.export_limit.meter.entity to a numeric power sensor`,
    );
  }
  return watts(
    n * factor * (invert ? -1 : 1),
    s.entityId,
    `a wrong unit_of_measurement (${unit}) on the entity in Home Assistant`,
  );
}

function mqttUnitFix(f: MqttMeterFormat): string {
  return f.unit === "kW"
    ? "meter.unit: kW on a meter that sends W — remove unit"
    : "a value that is not the power in W — point meter.topic (or value_key) at the power";
}

function problem(kind: MeterProblemKind, why: string): MeterValue {
  return { ok: false, kind, why };
}

function toNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

type Lookup = { ok: true; value: unknown } | { ok: false; where: string; keys: string[] };

/** `ENERGY.Power` → data.ENERGY.Power; a key holding a dot itself is tried whole first. */
function lookup(data: unknown, path: string): Lookup {
  // Own keys only: `in` would find "constructor" or "toString" on every object.
  if (isJsonObject(data) && Object.hasOwn(data, path)) return { ok: true, value: data[path] };
  let at: unknown = data;
  const seen: string[] = [];
  for (const part of path.split(".")) {
    if (!isJsonObject(at) || !Object.hasOwn(at, part)) {
      return {
        ok: false,
        where: seen.length ? `under ${seen.join(".")}` : "at the top level",
        keys: isJsonObject(at) ? leafPaths(at, seen) : [],
      };
    }
    at = at[part];
    seen.push(part);
  }
  return { ok: true, value: at };
}

/** The numeric keys at this level and one below, as dotted paths: what value_key could be. */
function leafPaths(o: Record<string, unknown>, prefix: string[]): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    const path = [...prefix, k].join(".");
    if (typeof v === "number") out.push(path);
    else if (isJsonObject(v)) {
      for (const [k2, v2] of Object.entries(v)) if (typeof v2 === "number") out.push(`${path}.${k2}`);
    }
  }
  return out.slice(0, 12);
}

function suggestKey(text: string): string {
  try {
    const data: unknown = JSON.parse(text);
    const keys = isJsonObject(data) ? leafPaths(data, []) : [];
    const power = keys.find((k) => /power/i.test(k)) ?? keys[0];
    return power ? `value_key: ${power}` : "value_key: power";
  } catch {
    return "value_key: power";
  }
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
