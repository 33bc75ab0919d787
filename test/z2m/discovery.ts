/** The Home Assistant discovery zigbee2mqtt published for one device, by object id (e.g. dc_voltage_ch1). */
import type { Published } from "./harness.ts";

export interface Discovery {
  /** homeassistant/<component>/<ieee>/<object id>/config */
  component: string;
  name?: string;
  device_class?: string;
  state_class?: string;
  unit_of_measurement?: string;
  state_topic?: string;
  value_template?: string;
  options?: string[];
  device?: { model?: string; manufacturer?: string };
}

export function discoveryOf(published: readonly Published[], ieeeAddr: string): Map<string, Discovery> {
  const out = new Map<string, Discovery>();
  const re = new RegExp(`^homeassistant/(\\w+)/${ieeeAddr}/(\\w+)/config$`);
  for (const p of published) {
    const m = re.exec(p.topic);
    // an empty payload removes the entity again
    if (m && p.payload)
      out.set(m[2]!, { ...(JSON.parse(p.payload) as Omit<Discovery, "component">), component: m[1]! });
    else if (m) out.delete(m[2]!);
  }
  return out;
}
