/**
 * Home Assistant's lookup tables for MQTT discovery, transcribed (names and units are facts, not code) from:
 * - Abbreviations: https://www.home-assistant.io/integrations/mqtt/#supported-abbreviations-in-mqtt-discovery-messages
 *   (HA core homeassistant/components/mqtt/abbreviations.py: ABBREVIATIONS, DEVICE_ABBREVIATIONS,
 *   ORIGIN_ABBREVIATIONS). Only the keys of the platforms we use and the shared ones are listed.
 * - Sensor device classes, units, state classes: https://developers.home-assistant.io/docs/core/entity/sensor/
 *   (HA core homeassistant/components/sensor/const.py: SensorDeviceClass, DEVICE_CLASS_UNITS,
 *   DEVICE_CLASS_STATE_CLASSES, NON_NUMERIC_DEVICE_CLASSES).
 * - Binary sensor: https://developers.home-assistant.io/docs/core/entity/binary-sensor (BinarySensorDeviceClass).
 * - Number: https://developers.home-assistant.io/docs/core/entity/number (number/const.py NumberDeviceClass,
 *   DEVICE_CLASS_UNITS, NumberMode).
 * - Button / switch / event device classes: https://developers.home-assistant.io/docs/core/entity/button,
 *   …/entity/switch, …/entity/event.
 */

export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  avty: "availability",
  avty_mode: "availability_mode",
  avty_t: "availability_topic",
  avty_tpl: "availability_template",
  cmd_t: "command_topic",
  cmd_tpl: "command_template",
  cmps: "components",
  def_ent_id: "default_entity_id",
  dev: "device",
  dev_cla: "device_class",
  e: "encoding",
  en: "enabled_by_default",
  ent_cat: "entity_category",
  ent_pic: "entity_picture",
  evt_typ: "event_types",
  exp_aft: "expire_after",
  frc_upd: "force_update",
  ic: "icon",
  json_attr_t: "json_attributes_topic",
  json_attr_tpl: "json_attributes_template",
  lrst_val_tpl: "last_reset_value_template",
  max: "max",
  min: "min",
  mode: "mode",
  name: "name",
  o: "origin",
  obj_id: "object_id",
  off_dly: "off_delay",
  ops: "options",
  opt: "optimistic",
  p: "platform",
  pl_avail: "payload_available",
  pl_not_avail: "payload_not_available",
  pl_off: "payload_off",
  pl_on: "payload_on",
  pl_prs: "payload_press",
  pl_rst: "payload_reset",
  ret: "retain",
  stat_cla: "state_class",
  stat_off: "state_off",
  stat_on: "state_on",
  stat_t: "state_topic",
  step: "step",
  sug_dsp_prc: "suggested_display_precision",
  t: "topic",
  uniq_id: "unique_id",
  unit_of_meas: "unit_of_measurement",
  val_tpl: "value_template",
};

export const DEVICE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  cns: "connections",
  cu: "configuration_url",
  hw: "hw_version",
  ids: "identifiers",
  mdl: "model",
  mdl_id: "model_id",
  mf: "manufacturer",
  name: "name",
  sa: "suggested_area",
  sn: "serial_number",
  sw: "sw_version",
  via_device: "via_device",
};

export const ORIGIN_ABBREVIATIONS: Readonly<Record<string, string>> = {
  name: "name",
  sw: "sw_version",
  url: "support_url",
};

/** Options a device-discovery payload may set once for all its components (mqtt/schemas.py SHARED_OPTIONS). */
export const SHARED_OPTIONS = [
  "availability",
  "availability_mode",
  "availability_template",
  "availability_topic",
  "command_topic",
  "payload_available",
  "payload_not_available",
  "state_topic",
  "qos",
  "encoding",
] as const;

export const ROOT_KEYS = new Set(["device", "origin", "components", "~", ...SHARED_OPTIONS]);

/** Keys every entity platform accepts (mqtt/schemas.py MQTT_ENTITY_COMMON_SCHEMA + availability + qos). */
const COMMON_KEYS = [
  "platform",
  "unique_id",
  "name",
  "default_entity_id",
  "object_id",
  "icon",
  "entity_category",
  "entity_picture",
  "enabled_by_default",
  "device_class",
  "json_attributes_topic",
  "json_attributes_template",
  "availability",
  "availability_mode",
  "availability_template",
  "availability_topic",
  "payload_available",
  "payload_not_available",
  "qos",
  "encoding",
  "~",
];

const STATE_KEYS = ["state_topic", "value_template"];
const COMMAND_KEYS = ["command_topic", "command_template", "retain"];

export const PLATFORM_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  sensor: new Set([
    ...COMMON_KEYS,
    ...STATE_KEYS,
    "unit_of_measurement",
    "state_class",
    "suggested_display_precision",
    "options",
    "expire_after",
    "force_update",
    "last_reset_value_template",
  ]),
  binary_sensor: new Set([
    ...COMMON_KEYS,
    ...STATE_KEYS,
    "payload_on",
    "payload_off",
    "expire_after",
    "force_update",
    "off_delay",
  ]),
  number: new Set([
    ...COMMON_KEYS,
    ...STATE_KEYS,
    ...COMMAND_KEYS,
    "min",
    "max",
    "step",
    "mode",
    "unit_of_measurement",
    "optimistic",
    "payload_reset",
  ]),
  switch: new Set([
    ...COMMON_KEYS,
    ...STATE_KEYS,
    ...COMMAND_KEYS,
    "payload_on",
    "payload_off",
    "state_on",
    "state_off",
    "optimistic",
  ]),
  button: new Set([...COMMON_KEYS, ...COMMAND_KEYS, "payload_press"]),
  // https://www.home-assistant.io/integrations/select.mqtt/ (options required; no device classes)
  select: new Set([...COMMON_KEYS, ...STATE_KEYS, ...COMMAND_KEYS, "options", "optimistic"]),
  event: new Set([...COMMON_KEYS, ...STATE_KEYS, "event_types"]),
};

/** Keys each platform cannot work without (HA docs, each platform page's "Configuration Variables"). */
export const REQUIRED_KEYS: Readonly<Record<string, readonly string[]>> = {
  sensor: ["state_topic"],
  binary_sensor: ["state_topic"],
  number: ["command_topic"],
  switch: ["command_topic"],
  button: ["command_topic"],
  select: ["command_topic", "options"],
  event: ["state_topic", "event_types"],
};

// biome-ignore format: a word list
export const SENSOR_DEVICE_CLASSES = new Set([
  "date", "enum", "timestamp", "absolute_humidity", "apparent_power", "aqi", "area", "atmospheric_pressure",
  "battery", "blood_glucose_concentration", "carbon_monoxide", "carbon_dioxide", "conductivity", "current",
  "data_rate", "data_size", "distance", "duration", "energy", "energy_distance", "energy_storage", "frequency",
  "gas", "humidity", "illuminance", "irradiance", "moisture", "monetary", "nitrogen_dioxide", "nitrogen_monoxide",
  "nitrous_oxide", "ozone", "ph", "pm1", "pm10", "pm25", "pm4", "power_factor", "power", "precipitation",
  "precipitation_intensity", "pressure", "reactive_energy", "reactive_power", "signal_strength", "sound_pressure",
  "speed", "sulphur_dioxide", "temperature", "temperature_delta", "volatile_organic_compounds",
  "volatile_organic_compounds_parts", "voltage", "volume", "volume_storage", "volume_flow_rate", "water", "weight",
  "wind_direction", "wind_speed",
]);

/** sensor/const.py NON_NUMERIC_DEVICE_CLASSES: no unit, no state_class. */
export const NON_NUMERIC_SENSOR_CLASSES = new Set(["date", "enum", "timestamp"]);

/** NumberDeviceClass: the numeric sensor classes (number/const.py "should be aligned with SensorDeviceClass"). */
export const NUMBER_DEVICE_CLASSES = new Set(
  [...SENSOR_DEVICE_CLASSES].filter((c) => !NON_NUMERIC_SENSOR_CLASSES.has(c)),
);

// biome-ignore format: a word list
export const BINARY_SENSOR_DEVICE_CLASSES = new Set([
  "battery", "battery_charging", "carbon_monoxide", "cold", "connectivity", "door", "garage_door", "gas", "heat",
  "light", "lock", "moisture", "motion", "moving", "occupancy", "opening", "plug", "power", "presence", "problem",
  "running", "safety", "smoke", "sound", "tamper", "update", "vibration", "window",
]);

export const BUTTON_DEVICE_CLASSES = new Set(["identify", "restart", "update"]);
export const SWITCH_DEVICE_CLASSES = new Set(["outlet", "switch"]);
export const EVENT_DEVICE_CLASSES = new Set(["button", "doorbell", "motion"]);

export const DEVICE_CLASSES: Readonly<Record<string, ReadonlySet<string>>> = {
  sensor: SENSOR_DEVICE_CLASSES,
  binary_sensor: BINARY_SENSOR_DEVICE_CLASSES,
  number: NUMBER_DEVICE_CLASSES,
  button: BUTTON_DEVICE_CLASSES,
  switch: SWITCH_DEVICE_CLASSES,
  event: EVENT_DEVICE_CLASSES,
  select: new Set<string>(),
};

// biome-ignore format: a word list
const ENERGY_UNITS = ["J", "kJ", "MJ", "GJ", "mWh", "Wh", "kWh", "MWh", "GWh", "TWh", "cal", "kcal", "Mcal", "Gcal"];

/**
 * DEVICE_CLASS_UNITS for the classes an energy/electrical integration can meet; `null` = no unit allowed.
 * Classes missing here are not unit-checked (their unit lists — lengths, volumes, speeds… — are long and
 * irrelevant to inverters).
 */
export const DEVICE_CLASS_UNITS: Readonly<Record<string, ReadonlySet<string | null>>> = {
  apparent_power: new Set(["mVA", "VA", "kVA"]),
  aqi: new Set([null]),
  battery: new Set(["%"]),
  carbon_dioxide: new Set(["ppm"]),
  carbon_monoxide: new Set(["ppm", "mg/m³"]),
  current: new Set(["mA", "A"]),
  // biome-ignore format: a word list
  data_size: new Set(["bit", "kbit", "Mbit", "Gbit", "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]),
  duration: new Set(["d", "h", "min", "s", "ms", "μs"]),
  energy: new Set(ENERGY_UNITS),
  energy_storage: new Set(ENERGY_UNITS),
  frequency: new Set(["Hz", "kHz", "MHz", "GHz"]),
  humidity: new Set(["%"]),
  illuminance: new Set(["lx"]),
  irradiance: new Set(["W/m²", "BTU/(h⋅ft²)"]),
  moisture: new Set(["%"]),
  ph: new Set([null]),
  power: new Set(["mW", "W", "kW", "MW", "GW", "TW", "BTU/h"]),
  power_factor: new Set(["%", null]),
  reactive_power: new Set(["mvar", "var", "kvar"]),
  signal_strength: new Set(["dB", "dBm"]),
  temperature: new Set(["°C", "°F", "K"]),
  temperature_delta: new Set(["°C", "°F", "K"]),
  voltage: new Set(["μV", "µV", "mV", "V", "kV", "MV"]),
};

const ALL = new Set(["measurement", "total", "total_increasing"]);
const M = new Set(["measurement"]);
const TOTALS = new Set(["total", "total_increasing"]);

/** DEVICE_CLASS_STATE_CLASSES: which state_class each sensor device class allows. */
// biome-ignore format: a table
export const DEVICE_CLASS_STATE_CLASSES: Readonly<Record<string, ReadonlySet<string>>> = {
  apparent_power: M, aqi: M, area: ALL, atmospheric_pressure: M, battery: M, blood_glucose_concentration: M,
  carbon_monoxide: M, carbon_dioxide: M, conductivity: M, current: M, data_rate: M, data_size: ALL, date: new Set(),
  distance: ALL, duration: ALL, energy: TOTALS, energy_distance: M, energy_storage: M, enum: new Set(), frequency: M,
  gas: TOTALS, humidity: M, illuminance: M, irradiance: M, moisture: M, monetary: new Set(["total"]),
  nitrogen_dioxide: M, nitrogen_monoxide: M, nitrous_oxide: M, ozone: M, ph: M, pm1: M, pm10: M, pm25: M,
  power_factor: M, power: M, precipitation: ALL, precipitation_intensity: M, pressure: M, reactive_power: M,
  signal_strength: M, sound_pressure: M, speed: M, sulphur_dioxide: M, temperature: M, temperature_delta: M,
  timestamp: new Set(), volatile_organic_compounds: M, volatile_organic_compounds_parts: M, voltage: M,
  volume: TOTALS, volume_storage: M, volume_flow_rate: M, water: TOTALS, weight: ALL, wind_direction: new Set(),
  wind_speed: M,
};

export const STATE_CLASSES = ALL;
export const NUMBER_MODES = new Set(["auto", "box", "slider"]);
export const AVAILABILITY_MODES = new Set(["all", "any", "latest"]);
export const ENTITY_CATEGORIES = new Set(["config", "diagnostic"]);
// biome-ignore format: a word list
export const SUPPORTED_PLATFORMS = new Set([
  "alarm_control_panel", "binary_sensor", "button", "camera", "climate", "cover", "device_automation",
  "device_tracker", "event", "fan", "humidifier", "image", "lawn_mower", "light", "lock", "notify", "number",
  "scene", "select", "sensor", "siren", "switch", "tag", "text", "update", "vacuum", "valve", "water_heater",
]);
