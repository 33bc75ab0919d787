/**
 * The one catalog → exposes mapping (src/entities/catalog/index.ts → zigbee-herdsman-converters expose objects),
 * never listed by hand. zigbee2mqtt gets the state-only set (`inverterExposes` + `channelExposes`: controls
 * and the fault event are left out for the reasons in `notExposedReason`); localecu's controller publishes
 * the full set with the controls in `<base>/bridge/devices` (`hostExposes`), serialised exactly as
 * zigbee2mqtt serialises these objects. Channel entities get `.withEndpoint("ch<n>")`, which makes zhc's
 * property `<key>_ch<n>`: the catalog's channelKey().
 */
import zhcExposes from "zigbee-herdsman-converters/lib/exposes";
import type { Expose } from "zigbee-herdsman-converters/lib/types";
import {
  CHANNEL_ENTITIES,
  type EntityDescription,
  INVERTER_ENTITIES,
} from "../../src/entities/catalog/index.ts";
import type { ModelInfo } from "../../src/protocol/models.ts";
import { EXPOSED_CHANNEL_ENTITIES, EXPOSED_INVERTER_ENTITIES } from "./keys.ts";

export {
  EXPOSED_CHANNEL_ENTITIES,
  EXPOSED_INVERTER_ENTITIES,
  exposedKeys,
  notExposedReason,
  READ_ONLY_REASON,
} from "./keys.ts";

const { access, Binary, Enum, Numeric, Switch, Text } = zhcExposes;

/** Units whose readings cannot be negative (power is output only; energies only grow). */
const NON_NEGATIVE_UNITS = new Set(["W", "kWh", "V", "A", "Hz"]);

/** Upper bounds from the datasheet, where models.ts carries one (QS1-EU manual section 8). */
function datasheetMax(key: string, model: ModelInfo): number | undefined {
  const ds = model.datasheet;
  if (!ds) return undefined;
  if (key === "power") return ds.peakW;
  if (key === "dc_voltage") return ds.maxInputV;
  if (key === "dc_current") return ds.maxInputA;
  return undefined;
}

type AnyExpose =
  | InstanceType<typeof Numeric>
  | InstanceType<typeof Binary>
  | InstanceType<typeof Enum>
  | InstanceType<typeof Text>;

export function exposeFor<S>(d: EntityDescription<S>, model: ModelInfo): Expose {
  if (d.platform === "switch") {
    // zhc's switch: a composite whose one feature is the binary `state` (ON/OFF, settable).
    const state = new Binary(d.key, access.STATE_SET, "ON", "OFF").withValueToggle("TOGGLE");
    describe(state.withLabel(d.name).withDescription(d.description), d);
    const sw = new Switch();
    sw.features.push(state);
    return sw;
  }
  let e: AnyExpose;
  if (d.platform === "binary_sensor") e = new Binary(d.key, access.STATE, true, false);
  else if (d.platform === "button")
    e = new Enum(d.key, access.SET, [d.key]); // zhc's button shape (identify)
  else if (d.options) e = new Enum(d.key, access.STATE, [...d.options]);
  else if (d.deviceClass === "timestamp") e = new Text(d.key, access.STATE);
  else if (d.platform === "sensor" || d.platform === "number") {
    const n = new Numeric(d.key, d.platform === "number" ? access.STATE_SET : access.STATE);
    if (d.unit) n.withUnit(d.unit);
    if (d.number) {
      n.withValueMin(d.number.min(model)).withValueMax(d.number.max(model)).withValueStep(d.number.step);
    } else {
      if (d.unit && NON_NEGATIVE_UNITS.has(d.unit)) n.withValueMin(0);
      const max = datasheetMax(d.key, model);
      if (max !== undefined) n.withValueMax(max);
    }
    e = n;
  } else {
    throw new Error(
      `catalog entity '${d.key}' (${d.platform}) has no zigbee2mqtt expose; add it to notExposedReason`,
    );
  }
  describe(e.withLabel(d.name).withDescription(d.description), d);
  return e;
}

function describe<S>(e: AnyExpose, d: EntityDescription<S>): void {
  // zhc allows "diagnostic" only on read-only exposes; a settable one in that category is "config".
  if (d.entityCategory) e.withCategory(e.access & access.SET ? "config" : d.entityCategory);
  const ha: { deviceClass?: string; icon?: string; enabledByDefault?: boolean } = {};
  if (d.deviceClass) ha.deviceClass = d.deviceClass;
  if (d.icon) ha.icon = d.icon;
  if (d.enabledByDefault === false) ha.enabledByDefault = false;
  if (Object.keys(ha).length > 0) e.withHomeAssistant(ha);
}

/**
 * Every state property and control of an inverter of this model for localecu's own bridge/devices: the
 * inverter's entities (events excepted: they are not state), then each channel's.
 */
export function hostExposes(model: ModelInfo): Expose[] {
  const out = INVERTER_ENTITIES.filter((d) => d.platform !== "event").map((d) => exposeFor(d, model));
  for (let i = 0; i < model.channels; i++)
    for (const d of CHANNEL_ENTITIES) out.push(exposeFor(d, model).withEndpoint(`ch${i + 1}`));
  return out;
}

export function inverterExposes(model: ModelInfo): Expose[] {
  return EXPOSED_INVERTER_ENTITIES.map((d) => exposeFor(d, model));
}

/** Per-channel exposes, channel 1 = input A; property `<key>_ch<n>`. */
export function channelExposes(model: ModelInfo, count: number): Expose[] {
  const out: Expose[] = [];
  for (let i = 0; i < count; i++) {
    for (const d of EXPOSED_CHANNEL_ENTITIES) out.push(exposeFor(d, model).withEndpoint(`ch${i + 1}`));
  }
  return out;
}
