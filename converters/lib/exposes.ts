/**
 * zigbee2mqtt exposes built from the entity catalog (src/entities/catalog.ts) — never listed by hand.
 * Channel entities get `.withEndpoint("ch<n>")`, which makes zhc's property `<key>_ch<n>`: the catalog's
 * channelKey(). Controls and the fault event are left out of zigbee2mqtt, for the reasons in `notExposedReason`.
 */
import zhcExposes from "zigbee-herdsman-converters/lib/exposes";
import type { Expose } from "zigbee-herdsman-converters/lib/types";
import type { EntityDescription } from "../../src/entities/catalog.ts";
import type { ModelInfo } from "../../src/protocol/models.ts";
import { EXPOSED_CHANNEL_ENTITIES, EXPOSED_INVERTER_ENTITIES } from "./keys.ts";

export {
  EXPOSED_CHANNEL_ENTITIES,
  EXPOSED_INVERTER_ENTITIES,
  exposedKeys,
  notExposedReason,
  READ_ONLY_REASON,
} from "./keys.ts";

const { access, Binary, Enum, Numeric } = zhcExposes;

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

export function exposeFor<S>(d: EntityDescription<S>, model: ModelInfo): Expose {
  let e: InstanceType<typeof Numeric> | InstanceType<typeof Binary> | InstanceType<typeof Enum>;
  if (d.platform === "binary_sensor") e = new Binary(d.key, access.STATE, true, false);
  else if (d.options) e = new Enum(d.key, access.STATE, [...d.options]);
  else if (d.platform === "sensor") {
    const n = new Numeric(d.key, access.STATE);
    if (d.unit) n.withUnit(d.unit);
    if (d.unit && NON_NEGATIVE_UNITS.has(d.unit)) n.withValueMin(0);
    const max = datasheetMax(d.key, model);
    if (max !== undefined) n.withValueMax(max);
    e = n;
  } else {
    throw new Error(
      `catalog entity '${d.key}' (${d.platform}) has no zigbee2mqtt expose; add it to notExposedReason`,
    );
  }
  e.withLabel(d.name).withDescription(d.description);
  if (d.entityCategory === "diagnostic") e.withCategory("diagnostic");
  const ha: { deviceClass?: string; icon?: string; enabledByDefault?: boolean } = {};
  if (d.deviceClass) ha.deviceClass = d.deviceClass;
  if (d.icon) ha.icon = d.icon;
  if (d.enabledByDefault === false) ha.enabledByDefault = false;
  if (Object.keys(ha).length > 0) e.withHomeAssistant(ha);
  return e;
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
