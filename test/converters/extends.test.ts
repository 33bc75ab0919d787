/**
 * The modern extends (converters/lib/aps.ts) and the expose sets they and localecu's bridge/devices carry
 * (exposes.ts, keys.ts), against docs/zigbee2mqtt.md ("State", "Why it is read-only") and zhc's expose
 * format: access bits STATE 0b001, SET 0b010 (STATE_SET 3); category "config" only on settable exposes.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { Expose } from "zigbee-herdsman-converters/lib/types";
import { acOutput, description, fingerprint, panels, telemetry } from "../../converters/lib/aps.ts";
import { exposedKeys, exposeFor, hostExposes, notExposedReason } from "../../converters/lib/exposes.ts";
import { fzApsReplies } from "../../converters/lib/fz.ts";
import { FAULT_INVERTER_ENTITIES, INVERTER_ENTITIES } from "../../src/entities/catalog/index.ts";
import { modelByName } from "../../src/protocol/models.ts";

const QS1 = modelByName("QS1")!;
const DS3 = modelByName("DS3")!;
const READ_ONLY =
  "read-only in zigbee2mqtt: it has no API to send the raw (non-ZCL) APS frames that poll or control these inverters";

// docs/zigbee2mqtt.md "State": per inverter, then per panel on endpoints ch1…chN.
const INVERTER_KEYS = [
  "power",
  "energy",
  "energy_today",
  "ac_voltage",
  "ac_frequency",
  "temperature",
  "status",
  "fault_ground",
  "fault_grid_voltage",
  "fault_grid_frequency",
  "fault_over_temperature",
  "fault_dc",
];
const PANEL_KEYS = ["dc_voltage", "dc_current", "dc_power", "energy", "energy_today"];
const panelKeys = (n: number) =>
  Array.from({ length: n }, (_, i) => PANEL_KEYS.map((k) => `${k}_ch${i + 1}`)).flat();
const props = (exposes: unknown[] | undefined) => (exposes as Expose[]).map((e) => e.property);
/** As localecu's bridge/devices and zigbee2mqtt serialise exposes. */
const json = (e: Expose) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>;

describe("modern extends", () => {
  it("telemetry: the reply converters, the HA fix-up hook and the stop handler", () => {
    const t = telemetry();
    expect(t.isModernExtend).toBe(true);
    expect(t.fromZigbee).toBe(fzApsReplies);
    expect(t.fromZigbee!.map((c) => c.cluster)).toEqual([262, "262"]);
    expect(t.onEvent).toHaveLength(1);
    const payload: Record<string, unknown> = { value_template: '{{ value_json["dc_voltage_ch3"] }}' };
    t.meta!.overrideHaDiscoveryPayload!(payload, {});
    expect(payload).toMatchObject({ name: "DC voltage ch3", device_class: "voltage" });
  });

  it("acOutput: the documented inverter keys, in order", () => {
    const e = acOutput({ model: "YC600" });
    expect(e.isModernExtend).toBe(true);
    expect(props(e.exposes)).toEqual(INVERTER_KEYS);
  });

  it("panels: every input of the model by default, or the count given", () => {
    expect(props(panels({ model: "QS1" }).exposes)).toEqual(panelKeys(4));
    expect(props(panels({ model: "DS3" }).exposes)).toEqual(panelKeys(2));
    const two = panels({ model: "QS1", count: 2 });
    expect(two.isModernExtend).toBe(true);
    expect(props(two.exposes)).toEqual(panelKeys(2));
    expect((two.exposes as Expose[]).map((e) => e.endpoint)).toEqual([
      ...Array(5).fill("ch1"),
      ...Array(5).fill("ch2"),
    ]);
  });

  it("description: the model's, marked read-only (zigbee2mqtt shows it as the HA device model)", () => {
    expect(description("DS3")).toBe(
      "Dual-panel microinverter (DS3 / DS3-L / DS3-H), read-only in zigbee2mqtt",
    );
    expect(description("QS1")).toBe("Quad-panel microinverter (1200 W), read-only in zigbee2mqtt");
  });

  it("fingerprint: IEEE patterns of the model's prefixes (DS3: 703, 704)", () => {
    const fps = fingerprint("DS3");
    expect(fps.map((f) => f.ieeeAddr!.test("0x001302003070ffff"))).toEqual([true, false]);
    expect(fps.map((f) => f.ieeeAddr!.test("0x942520004070ffff"))).toEqual([false, true]);
  });
});

describe("what zigbee2mqtt gets, and why the rest is left out", () => {
  it("exposedKeys: the inverter keys, then each channel's", () => {
    expect(exposedKeys(2)).toEqual([...INVERTER_KEYS, ...panelKeys(2)]);
    expect(exposedKeys(0)).toEqual(INVERTER_KEYS);
  });

  it.each([
    ["max_power", `max_power is a control, ${READ_ONLY}`],
    ["state", `state is a control, ${READ_ONLY}`],
    ["poll", `poll is a control, ${READ_ONLY}`],
    ["linkquality", "zigbee2mqtt publishes linkquality for every device itself"],
    ["last_seen", "zigbee2mqtt publishes last_seen itself (advanced.last_seen)"],
    ["grid_profile", `grid_profile is read from the protection pages by localecu's own radio; ${READ_ONLY}`],
  ])("%s: %s", (key, reason) => {
    expect(notExposedReason(INVERTER_ENTITIES.find((d) => d.key === key)!)).toBe(reason);
  });

  it("the fault event: zhc exposes have no event type", () => {
    // The fault module's event entity (src/entities/catalog/faults.ts): the controller publishes it, zigbee2mqtt cannot.
    const fault = FAULT_INVERTER_ENTITIES.find((d) => d.key === "fault")!;
    expect(notExposedReason(fault)).toMatch(
      /^fault is an event entity; zigbee2mqtt exposes have no event type/,
    );
    expect(() => exposeFor(fault, QS1)).toThrow(
      "catalog entity 'fault' (event) has no zigbee2mqtt expose; add it to notExposedReason",
    );
  });
});

describe("hostExposes: localecu's bridge/devices, controls included", () => {
  // Built per test, not at collection: Stryker activates a mutant only for the tests' run.
  let qs1: Expose[] = [];
  beforeEach(() => {
    qs1 = hostExposes(QS1);
  });
  const find = (list: Expose[], p: string) => json(list.find((e) => e.property === p || e.type === p)!);

  it("every state key, zigbee2mqtt's own sensors and the controls; the event is no state", () => {
    const names = qs1.map((e) => e.property ?? e.type);
    for (const k of [
      ...INVERTER_KEYS,
      ...panelKeys(4),
      "linkquality",
      "last_seen",
      "max_power",
      "poll",
      "switch",
    ])
      expect(names, k).toContain(k);
    expect(names).not.toContain("fault");
    // 12 inverter keys + linkquality, grid_profile, last_seen + 4 controls + 4 × 5 panel keys.
    expect(names).toContain("grid_profile");
    expect(names).toContain("read_grid_profile");
    expect(qs1).toHaveLength(39);
  });

  it("max power: a settable number over the model's limit range, config", () => {
    expect(find(qs1, "max_power")).toMatchObject({
      type: "numeric",
      access: 3,
      unit: "W",
      value_min: 20,
      value_max: 500,
      value_step: 1,
      category: "config",
      label: "Max power",
      homeassistant: { deviceClass: "power", icon: "mdi:speedometer" },
    });
    expect(find(hostExposes(DS3), "max_power")).toMatchObject({ value_min: 30, value_max: 1100 });
  });

  it("output: zhc's switch, a binary ON/OFF/TOGGLE state feature", () => {
    const sw = find(qs1, "switch");
    expect(sw.features).toEqual([
      expect.objectContaining({
        type: "binary",
        name: "state",
        property: "state",
        access: 3,
        value_on: "ON",
        value_off: "OFF",
        value_toggle: "TOGGLE",
        label: "Output",
        homeassistant: { icon: "mdi:power" },
      }),
    ]);
    // The output is a primary control, not a configuration entity (no entity_category in HA).
    expect((sw.features as Record<string, unknown>[])[0]!.category).toBeUndefined();
  });

  it("poll: zhc's button shape, a settable one-value enum; diagnostic becomes config (settable)", () => {
    expect(find(qs1, "poll")).toMatchObject({
      type: "enum",
      access: 2,
      values: ["poll"],
      category: "config",
    });
  });

  it("zigbee2mqtt's own sensors: diagnostic, off by default, last_seen as a timestamp text", () => {
    expect(find(qs1, "linkquality")).toMatchObject({
      type: "numeric",
      access: 1,
      unit: "lqi",
      category: "diagnostic",
      homeassistant: { icon: "mdi:signal", enabledByDefault: false },
    });
    expect(find(qs1, "linkquality").value_min).toBeUndefined();
    expect(find(qs1, "last_seen")).toMatchObject({
      type: "text",
      access: 1,
      category: "diagnostic",
      homeassistant: { deviceClass: "timestamp", enabledByDefault: false },
    });
  });

  it("sensors: read-only, non-negative, the QS1 datasheet's maxima (DESIGN.md §5: 1250 W peak, 60 V, 12 A)", () => {
    expect(find(qs1, "power")).toMatchObject({ access: 1, value_min: 0, value_max: 1250 });
    expect(find(qs1, "power").homeassistant).toEqual({ deviceClass: "power" });
    expect(find(qs1, "dc_voltage_ch4")).toMatchObject({ value_min: 0, value_max: 60, endpoint: "ch4" });
    expect(find(qs1, "dc_current_ch1")).toMatchObject({ value_min: 0, value_max: 12 });
    expect(find(qs1, "ac_frequency")).toMatchObject({ value_min: 0, unit: "Hz" });
    expect(find(qs1, "ac_frequency").value_max).toBeUndefined();
    expect(find(qs1, "dc_power_ch2").value_max).toBeUndefined();
    expect(find(qs1, "temperature").value_min).toBeUndefined();
    expect(find(qs1, "status")).toMatchObject({
      type: "enum",
      access: 1,
      homeassistant: { deviceClass: "enum", icon: "mdi:solar-power-variant" },
    });
    expect(find(qs1, "fault_dc")).toMatchObject({
      type: "binary",
      value_on: true,
      value_off: false,
      category: "diagnostic",
      homeassistant: { deviceClass: "problem" },
    });
  });
});
