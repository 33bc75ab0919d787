/**
 * meta.overrideHaDiscoveryPayload (converters/lib/ha.ts) on payloads shaped as zigbee2mqtt 2.14 builds them
 * (lib/extension/homeassistant.ts: `value_template: {{ value_json["<property>"] }}`, label as name, device
 * class from its lookup by expose name, which has no entry for dc_voltage, dc_power or fault_*). Expected
 * fields are Home Assistant's MQTT sensor / binary_sensor discovery keys with the catalog's names and classes.
 */
import { describe, expect, it } from "vitest";
import { applyCatalogToHaPayload, entityForKey, propertyOfPayload } from "../../converters/lib/ha.ts";

/** What zigbee2mqtt sends for an entity of our device before the hook runs. */
function z2mPayload(property: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    object_id: `inverter_${property}`,
    unique_id: `0x705008001080ffff_${property}_zigbee2mqtt`,
    state_topic: "zigbee2mqtt/inverter",
    value_template: `{{ value_json["${property}"] }}`,
    origin: { name: "Zigbee2MQTT", sw: "2.14.1" },
    ...extra,
  };
}
const fixed = (p: Record<string, unknown>) => {
  applyCatalogToHaPayload(p);
  return p;
};

describe("the property a payload is about", () => {
  it.each([
    ['{{ value_json["dc_voltage_ch1"] }}', "dc_voltage_ch1"],
    ["{{ value_json.power }}", "power"],
    ["{{ value_json['energy_today_ch4'] }}", "energy_today_ch4"],
    ['{{ value_json[ "status" ] }}', "status"],
    ["{{ value_json[ 'temperature'] }}", "temperature"],
    [`{{ value_json["fault_dc"] | default('',True) | string | truncate(254, True, '', 0) }}`, "fault_dc"],
  ])("%s → %s", (template, key) => {
    expect(propertyOfPayload({ value_template: template })).toBe(key);
  });

  it.each([
    ["no value_template (a device trigger)", {}],
    ["a value_template that is not text", { value_template: 42 }],
    ["a template without value_json", { value_template: "{{ value }}" }],
  ])("none for %s", (_what, payload) => {
    expect(propertyOfPayload(payload)).toBeUndefined();
  });
});

describe("the catalog entity behind a state key", () => {
  it("inverter keys, and channel keys with their channel", () => {
    expect(entityForKey("ac_voltage")?.entity.name).toBe("AC voltage");
    expect(entityForKey("ac_voltage")?.channel).toBeUndefined();
    expect(entityForKey("dc_current_ch2")).toMatchObject({ entity: { name: "DC current" }, channel: 2 });
    expect(entityForKey("energy_today_ch4")).toMatchObject({ entity: { name: "Energy today" }, channel: 4 });
  });

  it.each([
    "linkquality", // zigbee2mqtt's own
    "last_seen", // zigbee2mqtt's own
    "max_power", // a control: not exposed in zigbee2mqtt
    "status_ch1", // an inverter key is no channel key
    "dc_voltage", // a channel key needs its channel
    "dc_voltage_ch", // … with a number
    "dc_voltage_ch1_x",
    "my-dc_voltage_ch1",
    "update",
  ])("none for %s", (key) => {
    expect(entityForKey(key)).toBeUndefined();
  });
});

describe("payload fix-ups", () => {
  it("a channel's DC power: name with its channel, class power, measurement, W, no decimals", () => {
    expect(fixed(z2mPayload("dc_power_ch2"))).toStrictEqual({
      ...z2mPayload("dc_power_ch2"),
      name: "DC power ch2",
      device_class: "power",
      state_class: "measurement",
      unit_of_measurement: "W",
      suggested_display_precision: 0,
    });
  });

  it("today's energy of a channel: energy, total_increasing, kWh, 2 decimals", () => {
    expect(fixed(z2mPayload("energy_today_ch1", { unit_of_measurement: "kWh" }))).toStrictEqual({
      ...z2mPayload("energy_today_ch1"),
      name: "Energy today ch1",
      device_class: "energy",
      state_class: "total_increasing",
      unit_of_measurement: "kWh",
      suggested_display_precision: 2,
    });
  });

  it("the inverter's frequency keeps its name without a channel", () => {
    expect(fixed(z2mPayload("ac_frequency", { name: "Ac frequency" }))).toStrictEqual({
      ...z2mPayload("ac_frequency"),
      name: "AC frequency",
      device_class: "frequency",
      state_class: "measurement",
      unit_of_measurement: "Hz",
      suggested_display_precision: 2,
    });
  });

  it("a fault binary sensor: problem, diagnostic, no unit or state class", () => {
    const payload = z2mPayload("fault_ground", { payload_on: true, payload_off: false });
    expect(fixed(payload)).toStrictEqual({
      ...z2mPayload("fault_ground", { payload_on: true, payload_off: false }),
      name: "DC ground fault",
      device_class: "problem",
      entity_category: "diagnostic",
    });
  });

  it("the status: an enum with every status as an option and its icon, no state class", () => {
    const payload = fixed(z2mPayload("status", { name: "Status" }));
    expect(payload).toStrictEqual({
      ...z2mPayload("status"),
      name: "Status",
      device_class: "enum",
      options: [
        "producing",
        "idle",
        "sleeping",
        "off",
        "fault",
        "unreachable",
        "encrypted",
        "unpaired",
        "starting",
      ],
      icon: "mdi:solar-power-variant",
    });
    // A copy: zigbee2mqtt may edit the payload it publishes without touching the catalog.
    (payload.options as string[]).push("x");
    expect(fixed(z2mPayload("status")).options).toHaveLength(9);
  });

  it.each([
    ["zigbee2mqtt's linkquality sensor", "linkquality"],
    ["zigbee2mqtt's last_seen sensor", "last_seen"],
    ["zigbee2mqtt's update entity", "update"],
  ])("leaves %s alone", (_what, property) => {
    const payload = z2mPayload(property, { name: "Linkquality", enabled_by_default: false });
    expect(fixed(payload)).toStrictEqual(
      z2mPayload(property, { name: "Linkquality", enabled_by_default: false }),
    );
  });

  it("leaves a payload without a value template alone", () => {
    const trigger = { automation_type: "trigger", topic: "zigbee2mqtt/inverter/action" };
    expect(fixed({ ...trigger })).toStrictEqual(trigger);
  });
});
