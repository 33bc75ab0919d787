/**
 * What Home Assistant would make of a state payload for one discovered component: its value template is
 * rendered against the JSON (ha-template.ts) and the result checked the way HA's entity classes do
 * (https://developers.home-assistant.io/docs/core/entity/sensor/: a sensor with a unit, a state class or a
 * numeric device class must report a number; enum states must be among the options; timestamps are ISO 8601
 * with a time zone. Binary sensors and switches compare the rendered text with payload_on/off or
 * state_on/off. "None" — a JSON null — is HA's "unknown" and always accepted).
 */
import { NON_NUMERIC_SENSOR_CLASSES } from "./ha-discovery-tables.ts";
import { renderTemplate } from "./ha-template.ts";

type Obj = Record<string, unknown>;

/** The rendered state, or a problem. `component` must be expanded (expandDeviceDiscovery). */
export function renderState(component: Obj, stateText: string): { value?: string; problem?: string } {
  const template = component.value_template;
  if (typeof template !== "string") return { value: stateText };
  let json: unknown;
  try {
    json = JSON.parse(stateText);
  } catch {
    return { problem: `state is not JSON: ${stateText.slice(0, 40)}` };
  }
  const key = /value_json\.([A-Za-z_]\w*)/.exec(template)?.[1];
  if (key && (typeof json !== "object" || json === null || !(key in json))) {
    return { problem: `the state has no '${key}' (HA would log a template warning and keep the old state)` };
  }
  const value = renderTemplate(template, { value: stateText, value_json: json });
  return value === undefined
    ? { problem: `template ${template} is not renderable by this checker` }
    : { value };
}

export function stateValueProblems(component: Obj, stateText: string): string[] {
  const { value, problem } = renderState(component, stateText);
  if (problem) return [problem];
  if (value === undefined || value === "None") return [];
  const p = component.platform;
  const dc = typeof component.device_class === "string" ? component.device_class : undefined;
  if (p === "sensor") {
    const numeric =
      component.state_class !== undefined ||
      component.unit_of_measurement !== undefined ||
      component.suggested_display_precision !== undefined ||
      (dc !== undefined && !NON_NUMERIC_SENSOR_CLASSES.has(dc));
    if (numeric && !isNumber(value)) return [`'${value}' is not numeric, but the sensor is`];
    if (dc === "enum" && !(component.options as string[]).includes(value)) {
      return [`'${value}' is not one of the options ${JSON.stringify(component.options)}`];
    }
    if (dc === "timestamp" && !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(value)) {
      return [`'${value}' is not an ISO 8601 timestamp with a time zone`];
    }
  }
  if (p === "number" && !isNumber(value)) return [`'${value}' is not a number`];
  if (p === "binary_sensor") {
    const on = (component.payload_on as string | undefined) ?? "ON";
    const off = (component.payload_off as string | undefined) ?? "OFF";
    if (value !== on && value !== off)
      return [`'${value}' matches neither payload_on '${on}' nor payload_off '${off}'`];
  }
  if (p === "switch") {
    const on = (component.state_on ?? component.payload_on ?? "ON") as string;
    const off = (component.state_off ?? component.payload_off ?? "OFF") as string;
    if (value !== on && value !== off)
      return [`'${value}' matches neither state_on '${on}' nor state_off '${off}'`];
  }
  return [];
}

function isNumber(s: string): boolean {
  return s.trim() !== "" && Number.isFinite(Number(s));
}
