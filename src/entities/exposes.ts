/**
 * zigbee2mqtt "exposes" as plain JSON, built from the catalog: the shape zigbee-herdsman-converters'
 * expose builders serialise to (`e.numeric("power", ea.STATE).withUnit("W").withEndpoint("ch1")` →
 * {type, name, label, access, property: "power_ch1", endpoint: "ch1", unit, …}). Used in
 * `<base>/bridge/devices`; plain data so any consumer can read it without zigbee-herdsman-converters.
 *
 * Access bits (zhc exposes.access): 1 = published in state, 2 = settable, 4 = gettable (we have no /get).
 */
import type { ModelInfo } from "../protocol/models.ts";
import { CHANNEL_ENTITIES, channelKey, type EntityDescription, INVERTER_ENTITIES } from "./catalog.ts";

export const ACCESS = { STATE: 1, SET: 2, STATE_SET: 3 } as const;

export interface ExposeBase {
  type: "numeric" | "binary" | "enum" | "text" | "switch";
  name: string;
  label: string;
  access: number;
  property: string;
  description: string;
  endpoint?: string;
  category?: "config" | "diagnostic";
}

export interface NumericExpose extends ExposeBase {
  type: "numeric";
  unit?: string;
  value_min?: number;
  value_max?: number;
  value_step?: number;
}

export interface BinaryExpose extends ExposeBase {
  type: "binary";
  value_on: string | boolean;
  value_off: string | boolean;
  value_toggle?: string;
}

export interface EnumExpose extends ExposeBase {
  type: "enum";
  values: string[];
}

export interface TextExpose extends ExposeBase {
  type: "text";
}

/** zhc's `e.switch()`: a composite whose one feature is the binary `state`. */
export interface SwitchExpose {
  type: "switch";
  features: BinaryExpose[];
}

export type Expose = NumericExpose | BinaryExpose | EnumExpose | TextExpose | SwitchExpose;

/** Every state property of an inverter of this model, in catalog order (inverter, then channels). */
export function inverterExposes(model: ModelInfo): Expose[] {
  const out: Expose[] = [];
  for (const d of INVERTER_ENTITIES) {
    const x = toExpose(d, d.key, model);
    if (x) out.push(x);
  }
  for (let i = 0; i < model.channels; i++) {
    for (const d of CHANNEL_ENTITIES) {
      const x = toExpose(d, channelKey(d.key, i), model);
      if (x) out.push({ ...x, name: d.key, endpoint: `ch${i + 1}` } as Expose);
    }
  }
  return out;
}

function toExpose<S>(d: EntityDescription<S>, property: string, model: ModelInfo): Expose | undefined {
  const base = {
    name: d.key,
    label: d.name,
    property,
    description: d.description,
    ...(d.entityCategory ? { category: d.entityCategory } : {}),
  };
  switch (d.platform) {
    case "sensor":
      if (d.deviceClass === "enum")
        return { ...base, type: "enum", access: ACCESS.STATE, values: [...(d.options ?? [])] };
      if (d.deviceClass === "timestamp") return { ...base, type: "text", access: ACCESS.STATE };
      return { ...base, type: "numeric", access: ACCESS.STATE, ...(d.unit ? { unit: d.unit } : {}) };
    case "binary_sensor":
      return { ...base, type: "binary", access: ACCESS.STATE, value_on: true, value_off: false };
    case "number":
      return {
        ...base,
        type: "numeric",
        access: ACCESS.STATE_SET,
        ...(d.unit ? { unit: d.unit } : {}),
        ...(d.number
          ? { value_min: d.number.min(model), value_max: d.number.max(model), value_step: d.number.step }
          : {}),
      };
    case "switch":
      return {
        type: "switch",
        features: [
          {
            ...base,
            type: "binary",
            access: ACCESS.STATE_SET,
            value_on: "ON",
            value_off: "OFF",
            value_toggle: "TOGGLE",
          },
        ],
      };
    case "button":
      // zhc models a button as a settable one-value enum (like `identify`).
      return { ...base, type: "enum", access: ACCESS.SET, values: [d.key] };
    case "event":
      // Events are not state properties: they go to <name>/event/<key>, so they are not exposed.
      return undefined;
  }
}
