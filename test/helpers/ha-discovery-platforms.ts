/**
 * Per-component rules of the HA discovery checker (ha-discovery-schema.ts has the sources): required keys,
 * device classes, units, state classes, number ranges, templates and availability.
 */
import {
  AVAILABILITY_MODES,
  DEVICE_CLASS_STATE_CLASSES,
  DEVICE_CLASS_UNITS,
  DEVICE_CLASSES,
  ENTITY_CATEGORIES,
  NON_NUMERIC_SENSOR_CLASSES,
  NUMBER_MODES,
  PLATFORM_KEYS,
  REQUIRED_KEYS,
  STATE_CLASSES,
  SUPPORTED_PLATFORMS,
} from "./ha-discovery-tables.ts";
import { templateProblems } from "./ha-template.ts";

type Obj = Record<string, unknown>;
export type Add = (path: string, message: string) => void;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export function checkAvailability(o: Obj, at: string, add: Add): void {
  const p = (k: string) => (at ? `${at}.${k}` : k);
  if ("availability" in o && "availability_topic" in o) {
    add(p("availability"), "availability and availability_topic cannot be used together");
  }
  if ("availability_mode" in o && !AVAILABILITY_MODES.has(String(o.availability_mode))) {
    add(p("availability_mode"), `must be all, any or latest, got ${JSON.stringify(o.availability_mode)}`);
  }
  if ("availability" in o) {
    if (!Array.isArray(o.availability)) add(p("availability"), "must be a list of {topic, …}");
    else {
      o.availability.forEach((a, i) => {
        if (!isObj(a) || typeof a.topic !== "string" || a.topic === "")
          add(p(`availability[${i}]`), "needs a topic (`t`)");
        else if (typeof a.value_template === "string") {
          for (const t of templateProblems(a.value_template, "value_or_json"))
            add(p(`availability[${i}].value_template`), t);
        }
      });
    }
  }
}

export function checkComponent(c: Obj, ownKeys: readonly string[], at: string, add: Add): void {
  const p = c.platform;
  if (typeof p !== "string") {
    add(at, "needs a platform (`p`)");
    return;
  }
  if (!SUPPORTED_PLATFORMS.has(p)) {
    add(`${at}.platform`, `'${p}' is not an MQTT platform`);
    return;
  }
  const known = PLATFORM_KEYS[p];
  if (!known) return; // a platform localecu does not use: only the generic rules apply
  for (const k of ownKeys) if (!known.has(k)) add(`${at}.${k}`, `unknown key for ${p} (ignored by HA)`);
  if (typeof c.unique_id !== "string" || c.unique_id === "")
    add(`${at}.unique_id`, "required for entities in device discovery");
  for (const k of REQUIRED_KEYS[p] ?? []) if (c[k] === undefined) add(`${at}.${k}`, `required for ${p}`);
  for (const k of ["state_topic", "command_topic", "json_attributes_topic"]) {
    if (k in c && (typeof c[k] !== "string" || c[k] === "")) add(`${at}.${k}`, "must be a non-empty topic");
  }
  if (typeof c.command_topic === "string" && /[+#]/.test(c.command_topic)) {
    add(`${at}.command_topic`, "a publish topic cannot hold the wildcards + or #");
  }
  if ("qos" in c && ![0, 1, 2].includes(c.qos as number)) add(`${at}.qos`, "must be 0, 1 or 2");
  checkAvailability(c, at, add);
  checkCommon(c, p, at, add);
  for (const k of ["value_template", "json_attributes_template"]) {
    if (typeof c[k] === "string")
      for (const t of templateProblems(c[k] as string, "value_or_json")) add(`${at}.${k}`, t);
  }
  if (typeof c.command_template === "string") {
    for (const t of templateProblems(c.command_template, "value")) add(`${at}.command_template`, t);
  }
  if (p === "sensor") checkSensor(c, at, add);
  if (p === "number") checkNumber(c, at, add);
  if (p === "binary_sensor" || p === "switch") {
    for (const k of ["payload_on", "payload_off", "state_on", "state_off"]) {
      if (k in c && typeof c[k] !== "string") add(`${at}.${k}`, "must be a string");
    }
    if (c.payload_on !== undefined && c.payload_on === c.payload_off)
      add(`${at}.payload_on`, "equals payload_off");
  }
  if (p === "select") {
    const ops = c.options;
    if (!Array.isArray(ops) || ops.length === 0 || ops.some((o) => typeof o !== "string" || o === "")) {
      add(`${at}.options`, "must be a non-empty list of strings");
    } else if (new Set(ops).size !== ops.length) add(`${at}.options`, "has duplicates");
  }
  if (p === "event") {
    const types = c.event_types;
    if (!Array.isArray(types) || types.length === 0 || types.some((t) => typeof t !== "string" || t === "")) {
      add(`${at}.event_types`, "must be a non-empty list of event type names");
    }
  }
}

function checkCommon(c: Obj, p: string, at: string, add: Add): void {
  const dc = c.device_class;
  if (dc !== undefined && dc !== null && !DEVICE_CLASSES[p]?.has(String(dc))) {
    add(`${at}.device_class`, `'${String(dc)}' is not a ${p} device class`);
  }
  const cat = c.entity_category;
  if (cat !== undefined && !ENTITY_CATEGORIES.has(String(cat)))
    add(`${at}.entity_category`, "must be config or diagnostic");
  if (cat === "config" && (p === "sensor" || p === "binary_sensor")) {
    add(`${at}.entity_category`, `a ${p} cannot be a config entity (HA refuses to add it)`);
  }
  if ("enabled_by_default" in c && typeof c.enabled_by_default !== "boolean")
    add(`${at}.enabled_by_default`, "must be true or false");
  if ("icon" in c && (typeof c.icon !== "string" || !/^[a-z0-9-]+:[a-z0-9-]+$/.test(c.icon))) {
    add(`${at}.icon`, "must look like mdi:solar-power");
  }
  if ("default_entity_id" in c) {
    const id = String(c.default_entity_id);
    if (!/^(?!_)[a-z0-9_]+(?<!_)\.(?!_)[a-z0-9_]+(?<!_)$/.test(id) || id.includes("__")) {
      add(`${at}.default_entity_id`, `'${id}' is not an entity id (<platform>.<lower_case_id>)`);
    } else if (id.split(".")[0] !== p) add(`${at}.default_entity_id`, `'${id}' must start with '${p}.'`);
  }
  if ("name" in c && c.name !== null && typeof c.name !== "string")
    add(`${at}.name`, "must be a string or null");
}

function checkSensor(c: Obj, at: string, add: Add): void {
  const dc = typeof c.device_class === "string" ? c.device_class : undefined;
  const sc = c.state_class;
  const unit = c.unit_of_measurement;
  if (sc !== undefined && !STATE_CLASSES.has(String(sc)))
    add(`${at}.state_class`, `'${String(sc)}' is not a state class`);
  if (dc && NON_NUMERIC_SENSOR_CLASSES.has(dc)) {
    if (sc !== undefined) add(`${at}.state_class`, `a ${dc} sensor is not numeric: it takes no state_class`);
    if (unit !== undefined)
      add(`${at}.unit_of_measurement`, `a ${dc} sensor is not numeric: it takes no unit`);
  } else if (
    dc &&
    sc !== undefined &&
    DEVICE_CLASS_STATE_CLASSES[dc] &&
    !DEVICE_CLASS_STATE_CLASSES[dc]!.has(String(sc))
  ) {
    add(
      `${at}.state_class`,
      `'${String(sc)}' is not allowed with device class ${dc} (allowed: ${[...DEVICE_CLASS_STATE_CLASSES[dc]!].join(", ") || "none"})`,
    );
  }
  const units = dc ? DEVICE_CLASS_UNITS[dc] : undefined;
  if (units && !units.has((unit as string | undefined) ?? null)) {
    add(
      `${at}.unit_of_measurement`,
      `${JSON.stringify(unit ?? null)} is not a unit of ${dc} (allowed: ${[...units].map((u) => u ?? "none").join(", ")})`,
    );
  }
  if ("options" in c) {
    const ops = c.options;
    if (!Array.isArray(ops) || ops.length === 0) add(`${at}.options`, "must be a non-empty list");
    if (dc !== "enum") add(`${at}.options`, "only allowed with device class enum");
    if (sc !== undefined || unit !== undefined)
      add(`${at}.options`, "not allowed together with state_class or unit_of_measurement");
  } else if (dc === "enum") add(`${at}.options`, "an enum sensor needs its options");
  if ("last_reset_value_template" in c && sc !== "total")
    add(`${at}.last_reset_value_template`, "only with state_class total");
  const prec = c.suggested_display_precision;
  if (prec !== undefined && !(Number.isInteger(prec) && (prec as number) >= 0))
    add(`${at}.suggested_display_precision`, "must be a whole number ≥ 0");
}

function checkNumber(c: Obj, at: string, add: Add): void {
  const min = c.min ?? 1;
  const max = c.max ?? 100;
  if (typeof min !== "number" || typeof max !== "number") add(`${at}.min`, "min and max must be numbers");
  else if (min >= max) add(`${at}.min`, `min (${min}) must be smaller than max (${max})`);
  if ("step" in c && !(typeof c.step === "number" && c.step >= 0.001))
    add(`${at}.step`, "must be a number ≥ 0.001");
  if ("mode" in c && !NUMBER_MODES.has(String(c.mode))) add(`${at}.mode`, "must be auto, box or slider");
  const dc = typeof c.device_class === "string" ? c.device_class : undefined;
  const units = dc ? DEVICE_CLASS_UNITS[dc] : undefined;
  if (units && !units.has((c.unit_of_measurement as string | undefined) ?? null)) {
    add(
      `${at}.unit_of_measurement`,
      `${JSON.stringify(c.unit_of_measurement ?? null)} is not a unit of ${dc}`,
    );
  }
}
