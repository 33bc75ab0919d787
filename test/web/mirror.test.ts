/**
 * The local page's `hass` from the controller's messages: the states a user would see in Home Assistant
 * for the forms our discovery writes (values written out here, from HA's MQTT docs).
 */
import { describe, expect, it } from "vitest";
import { HassMirror } from "../../src/web/mirror.ts";

describe("HassMirror", () => {
  it("reads sensors, binary sensors and switches the way HA's MQTT integration does", () => {
    const m = new HassMirror("homeassistant");
    const changes: string[][] = [];
    m.onChange((ids) => changes.push(ids));
    m.take(
      "homeassistant/device/localecu_site_x/config",
      JSON.stringify({
        dev: { ids: ["localecu_site_x"], name: "Home" },
        cmps: {
          power: {
            p: "sensor",
            def_ent_id: "sensor.home_power",
            name: "Power",
            stat_t: "b/site",
            val_tpl: "{{ value_json.power }}",
            unit_of_meas: "W",
          },
          problem: {
            p: "binary_sensor",
            def_ent_id: "binary_sensor.home_problem",
            name: "Problem",
            stat_t: "b/site",
            val_tpl: "{{ value_json.problem }}",
            pl_on: "True",
            pl_off: "False",
            json_attr_t: "b/site",
            json_attr_tpl: '{{ {"findings": value_json.list} | tojson }}',
          },
          export_limit: {
            p: "switch",
            def_ent_id: "switch.home_export_limit",
            name: "Export limiter",
            stat_t: "b/site",
            val_tpl: "{{ value_json.export_limit }}",
            pl_on: '{"export_limit": "ON"}',
            stat_on: "ON",
            stat_off: "OFF",
          },
          gone: { p: "sensor" },
        },
      }),
      true,
    );
    expect(changes).toEqual([[]]);
    m.take(
      "b/site",
      JSON.stringify({ power: 1234.5, problem: true, list: [{ title: "No data" }], export_limit: "ON" }),
      true,
    );
    m.take("b/site/set/result", "{}", false);
    const h = m.hass();
    expect(Object.keys(h.states).sort()).toEqual([
      "binary_sensor.home_problem",
      "sensor.home_power",
      "switch.home_export_limit",
    ]);
    expect(h.states["sensor.home_power"]).toEqual({
      entity_id: "sensor.home_power",
      state: "1234.5",
      attributes: { friendly_name: "Home Power", unit_of_measurement: "W" },
    });
    expect(h.states["binary_sensor.home_problem"]!.state).toBe("on");
    expect(h.states["binary_sensor.home_problem"]!.attributes.findings).toEqual([{ title: "No data" }]);
    expect(h.states["switch.home_export_limit"]!.state).toBe("on");
    expect(h.devices.localecu_site_x).toEqual({
      id: "localecu_site_x",
      name: "Home",
      identifiers: [["mqtt", "localecu_site_x"]],
    });
    expect(changes[1]!.sort()).toEqual([
      "binary_sensor.home_problem",
      "sensor.home_power",
      "switch.home_export_limit",
    ]);
    m.take("b/site", JSON.stringify({ power: null, problem: false, export_limit: "OFF" }), true);
    expect(
      m.states(["sensor.home_power", "binary_sensor.home_problem", "switch.home_export_limit"]),
    ).toMatchObject({
      "sensor.home_power": { state: "unknown" },
      "binary_sensor.home_problem": { state: "off" },
      "switch.home_export_limit": { state: "off" },
    });
  });
  it("follows a device whose discovery moves its state topic, and forgets a removed device", () => {
    const m = new HassMirror("homeassistant");
    const changes: string[][] = [];
    m.onChange((ids) => changes.push(ids));
    const inverter = (stateTopic: string) =>
      JSON.stringify({
        dev: { ids: ["localecu_801000085070"], name: "Roof east 1" },
        cmps: {
          power: {
            p: "sensor",
            def_ent_id: "sensor.roof_east_1_power",
            name: "Power",
            stat_t: stateTopic,
            val_tpl: "{{ value_json.power }}",
          },
        },
      });
    const other = JSON.stringify({
      dev: { ids: ["localecu_801000085071"], name: "Roof east 2" },
      cmps: {
        power: {
          p: "sensor",
          def_ent_id: "sensor.roof_east_2_power",
          name: "Power",
          stat_t: "b/Roof east 2",
          val_tpl: "{{ value_json.power }}",
        },
      },
    });
    m.take("homeassistant/device/localecu_801000085070/config", inverter("b/Roof east 1"), true);
    m.take("homeassistant/device/localecu_801000085071/config", other, true);
    m.take("homeassistant/device/localecu_801000085070/config", inverter("b/Roof west 1"), true);
    changes.length = 0;
    m.take("b/Roof east 1", '{"power":100}', true);
    m.take("b/Roof west 1", '{"power":212}', true);
    m.take("b/Roof east 2", '{"power":198}', true);
    expect(changes).toEqual([["sensor.roof_east_1_power"], ["sensor.roof_east_2_power"]]);
    expect(m.hass().states["sensor.roof_east_1_power"]!.state).toBe("212");
    m.take("homeassistant/device/localecu_801000085071/config", "", true);
    changes.length = 0;
    m.take("b/Roof east 2", '{"power":199}', true);
    expect(changes).toEqual([]);
    expect(Object.keys(m.hass().states)).toEqual(["sensor.roof_east_1_power"]);
  });

  it("keeps a state sent before its discovery, and keeps a large payload only when an entity reads it", () => {
    const m = new HassMirror("homeassistant");
    const device = (id: string, stateTopic: string) =>
      JSON.stringify({
        dev: { ids: [id], name: id },
        cmps: {
          power: {
            p: "sensor",
            def_ent_id: `sensor.${id}_power`,
            name: "Power",
            stat_t: stateTopic,
            val_tpl: "{{ value_json.power }}",
          },
        },
      });
    // 20 000 characters of padding: bridge/devices at two inverters is that size, at 500 ~5 MB.
    const large = (power: number) => JSON.stringify({ power, pad: "x".repeat(20_000) });
    // The bridge's state goes out before the bridge's discovery (publishAll): small, so it is kept.
    m.take("b/early", '{"power":7}', true);
    // Nothing reads b/devices: the large payload is not kept, so a later reader starts at unknown.
    m.take("b/devices", large(1), true);
    m.take("homeassistant/device/early/config", device("early", "b/early"), true);
    m.take("homeassistant/device/late/config", device("late", "b/devices"), true);
    expect(m.hass().states["sensor.early_power"]!.state).toBe("7");
    expect(m.hass().states["sensor.late_power"]!.state).toBe("unknown");
    // Once an entity reads the topic, a large payload on it is kept like any other.
    m.take("b/devices", large(2), true);
    expect(m.hass().states["sensor.late_power"]!.state).toBe("2");
  });
});
