import { beforeEach, describe, expect, it } from "vitest";
import zhcExposes from "zigbee-herdsman-converters/lib/exposes";
import {
  channelExposes,
  EXPOSED_CHANNEL_ENTITIES,
  exposedKeys,
  inverterExposes,
  notExposedReason,
} from "../../converters/lib/exposes.ts";
import { applyCatalogToHaPayload, entityForKey, propertyOfPayload } from "../../converters/lib/ha.ts";
import { CHANNEL_ENTITIES, channelKey, INVERTER_ENTITIES } from "../../src/entities/catalog/index.ts";
import { MODELS } from "../../src/protocol/models.ts";

const qs1 = MODELS.find((m) => m.model === "QS1")!;
const ds3 = MODELS.find((m) => m.model === "DS3")!;

describe("exposes from the catalog", () => {
  // Built inside each test, not at collection: Stryker activates a mutant only for the tests' run.
  let exposes: ReturnType<typeof inverterExposes> = [];
  let byProperty = new Map<string | undefined, (typeof exposes)[number]>();
  beforeEach(() => {
    exposes = [...inverterExposes(qs1), ...channelExposes(qs1, 4)];
    byProperty = new Map(exposes.map((e) => [e.property, e]));
  });

  it("every catalog key is exposed, or left out with a stated reason", () => {
    for (const d of INVERTER_ENTITIES) {
      const reason = notExposedReason(d);
      if (reason === undefined) expect(byProperty.has(d.key), d.key).toBe(true);
      else expect(byProperty.has(d.key), d.key).toBe(false);
    }
    for (const d of CHANNEL_ENTITIES)
      for (let i = 0; i < 4; i++) expect(byProperty.has(channelKey(d.key, i)), d.key).toBe(true);
  });

  it("leaves out exactly the controls, the event and what zigbee2mqtt adds itself", () => {
    const left = INVERTER_ENTITIES.filter((d) => notExposedReason(d) !== undefined).map((d) => d.key);
    expect(left.sort()).toEqual([
      "grid_profile",
      "last_seen",
      "linkquality",
      "max_power",
      "poll",
      "read_grid_profile",
      "state",
    ]);
    for (const k of ["max_power", "state", "poll", "read_grid_profile"])
      expect(notExposedReason(INVERTER_ENTITIES.find((d) => d.key === k)!)).toMatch(/raw .*APS frames/);
  });

  it("channel exposes sit on endpoints ch1…chN with the catalog's <key>_ch<n> property", () => {
    const ch = channelExposes(ds3, 2);
    expect(ch).toHaveLength(2 * EXPOSED_CHANNEL_ENTITIES.length);
    for (const e of ch) {
      expect(e.endpoint).toMatch(/^ch[12]$/);
      expect(e.property).toBe(`${e.name}_${e.endpoint}`);
    }
    expect(exposedKeys(2).sort()).toEqual([...inverterExposes(ds3), ...ch].map((e) => e.property).sort());
  });

  it("are zhc expose types, read-only, with the catalog's unit, label, description and category", () => {
    for (const e of exposes) {
      const found = entityForKey(e.property!)!;
      const d = found.entity;
      expect(e.access).toBe(zhcExposes.access.STATE);
      expect(e.label).toBe(d.name);
      expect(e.description).toBe(d.description);
      expect(e.category).toBe(d.entityCategory);
      if (d.platform === "binary_sensor") expect(e).toBeInstanceOf(zhcExposes.Binary);
      else if (d.options) {
        expect(e).toBeInstanceOf(zhcExposes.Enum);
        expect((e as InstanceType<typeof zhcExposes.Enum>).values).toEqual([...d.options]);
      } else {
        expect(e).toBeInstanceOf(zhcExposes.Numeric);
        expect((e as InstanceType<typeof zhcExposes.Numeric>).unit).toBe(d.unit);
      }
    }
  });

  it("carry value ranges: non-negative physical readings, datasheet maxima where known", () => {
    const n = (p: string) => byProperty.get(p) as InstanceType<typeof zhcExposes.Numeric>;
    expect(n("power").value_min).toBe(0);
    expect(n("power").value_max).toBe(qs1.datasheet!.peakW);
    expect(n("dc_voltage_ch3").value_max).toBe(qs1.datasheet!.maxInputV);
    expect(n("dc_current_ch2").value_max).toBe(qs1.datasheet!.maxInputA);
    expect(n("energy_ch1").value_min).toBe(0);
    expect(n("temperature").value_min).toBeUndefined();
    // No datasheet in models.ts for the DS3: no invented maximum.
    const ds3Power = inverterExposes(ds3).find((e) => e.property === "power") as InstanceType<
      typeof zhcExposes.Numeric
    >;
    expect(ds3Power.value_max).toBeUndefined();
  });
});

describe("Home Assistant discovery override", () => {
  // Shapes zigbee2mqtt 2.x produces: device_class from the expose name (none for dc_voltage), name deleted.
  it.each([
    ['{{ value_json["dc_voltage_ch1"] }}', "dc_voltage_ch1"],
    ["{{ value_json.power }}", "power"],
    ["{{ value_json['energy_today_ch4'] }}", "energy_today_ch4"],
  ])("finds the property in %s", (template, key) => {
    expect(propertyOfPayload({ value_template: template })).toBe(key);
  });

  it("gives a channel voltage its device_class, state_class, unit and a channel name", () => {
    const payload: Record<string, unknown> = {
      value_template: "{{ value_json.dc_voltage_ch3 }}",
      unit_of_measurement: "V",
      object_id: "inverter_dc_voltage_ch3",
    };
    applyCatalogToHaPayload(payload);
    expect(payload).toMatchObject({
      name: "DC voltage ch3",
      device_class: "voltage",
      state_class: "measurement",
      unit_of_measurement: "V",
      suggested_display_precision: 1,
    });
  });

  it("keeps lifetime energy total_increasing in kWh and the status an enum with its options", () => {
    const energy: Record<string, unknown> = { value_template: "{{ value_json.energy }}" };
    applyCatalogToHaPayload(energy);
    expect(energy).toMatchObject({
      device_class: "energy",
      state_class: "total_increasing",
      unit_of_measurement: "kWh",
    });
    const status: Record<string, unknown> = { value_template: "{{ value_json.status }}" };
    applyCatalogToHaPayload(status);
    expect(status.device_class).toBe("enum");
    expect(status.options).toContain("sleeping");
    expect(status.state_class).toBeUndefined();
  });

  it("leaves payloads that are not ours alone (zigbee2mqtt's own linkquality sensor)", () => {
    const payload = { value_template: "{{ value_json.linkquality }}", name: "Linkquality" };
    applyCatalogToHaPayload(payload);
    expect(payload).toEqual({ value_template: "{{ value_json.linkquality }}", name: "Linkquality" });
  });
});
