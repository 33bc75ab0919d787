import { describe, expect, it } from "vitest";
import { prepareDefinition } from "zigbee-herdsman-converters";
import { definitions } from "../../converters/apsystems.ts";
import { bridgeDevices, type ExposeJson, exposesJson } from "../../src/entities/bridge.ts";
import { CHANNEL_ENTITIES, INVERTER_ENTITIES } from "../../src/entities/catalog/index.ts";
import {
  bridgeWill,
  discoveryTopic,
  inverterTopics,
  parseSetTopic,
  topicName,
  topicNameProblems,
  topicRootProblem,
} from "../../src/entities/topics.ts";
import { modelByName } from "../../src/protocol/models.ts";
import { CTX, producing } from "./fixtures.ts";

describe("names in topics", () => {
  it.each([
    ["Roof east 1", "Roof east 1"],
    ["  padded  ", "padded"],
    ["east/west", "east_west"],
    ["a+b#c", "a_b_c"],
    ["$SYS", "_SYS"],
    ["tab\there", "tab_here"],
    ["", "inverter"],
  ])("%j → %j", (name, topic) => {
    expect(topicName(name)).toBe(topic);
  });

  it("reports reserved names and names that collide once made topic-safe", () => {
    expect(
      topicNameProblems([
        { serial: "801000000001", name: "Roof" },
        { serial: "801000000002", name: "Shed" },
      ]),
    ).toEqual([]);
    expect(topicNameProblems([{ serial: "801000000001", name: "bridge" }])[0]).toContain("reserved");
    const clash = topicNameProblems([
      { serial: "801000000001", name: "a/b" },
      { serial: "801000000002", name: "a+b" },
    ]);
    expect(clash).toEqual([
      "inverters 801000000001 and 801000000002 would share the topic <base>/a_b — give them different names in site.yaml",
    ]);
  });

  it("refuses wildcards and empty levels in the base topic", () => {
    expect(topicRootProblem("base topic", "localecu")).toBeUndefined();
    expect(topicRootProblem("base topic", "home/localecu")).toBeUndefined();
    for (const bad of ["", "a/+", "#", "a//b", "a/"])
      expect(topicRootProblem("base topic", bad)).toContain("plain topic");
  });
});

describe("topic layout", () => {
  it("follows zigbee2mqtt: state, availability, set, set/<key>, set/result", () => {
    const t = inverterTopics("localecu", "Roof east 1");
    expect([
      t.state,
      t.availability,
      t.set,
      t.setKey("max_power"),
      t.setResult,
      t.controls,
      t.event("fault"),
    ]).toEqual([
      "localecu/Roof east 1",
      "localecu/Roof east 1/availability",
      "localecu/Roof east 1/set",
      "localecu/Roof east 1/set/max_power",
      "localecu/Roof east 1/set/result",
      "localecu/Roof east 1/controls",
      "localecu/Roof east 1/event/fault",
    ]);
    expect(bridgeWill("localecu")).toEqual({
      topic: "localecu/bridge/state",
      payload: '{"state":"offline"}',
      retain: true,
      qos: 1,
    });
  });

  it.each([
    ["localecu/Roof/set", { name: "Roof" }],
    ["localecu/Roof/set/max_power", { name: "Roof", key: "max_power" }],
    ["home/localecu/Roof/set", undefined],
    ["localecu/Roof/set/result", undefined],
    ["localecu/Roof", undefined],
    ["localecu/Roof/get", undefined],
    ["localecu/Roof/set/a/b", undefined],
    ["other/Roof/set", undefined],
  ])("parses %s", (topic, parsed) => {
    expect(parseSetTopic("localecu", topic)).toEqual(parsed);
  });

  it("parses set topics under a multi-level base", () => {
    expect(parseSetTopic("home/localecu", "home/localecu/Roof/set/state")).toEqual({
      name: "Roof",
      key: "state",
    });
  });

  it("discovery ids hold only what HA allows", () => {
    expect(discoveryTopic("homeassistant", "localecu_801000085070")).toBe(
      "homeassistant/device/localecu_801000085070/config",
    );
    expect(() => discoveryTopic("homeassistant", "roof east")).toThrow(/letters, digits/);
  });
});

describe("bridge/devices in zigbee2mqtt's shape", () => {
  const devices = bridgeDevices(
    [producing("qs1", "Roof east 1"), producing("ds3", "Shed")],
    CTX.coordinatorIeee,
  );

  it("lists the coordinator first, then each inverter by its IEEE address", () => {
    expect(devices.map((d) => [d.type, d.ieee_address, d.friendly_name])).toEqual([
      ["Coordinator", "0xd8a3011b9780ffff", "Coordinator"],
      ["Router", "0x705008001080ffff", "Roof east 1"],
      // 703000021300 → on air 70 30 00 02 13 00, printed little-endian after FF FF (DESIGN.md §2)
      ["Router", "0x001302003070ffff", "Shed"],
    ]);
  });

  it("describes each inverter with model, vendor, exposes and the short address", () => {
    const qs1 = devices[1]!;
    expect(qs1).toMatchObject({
      network_address: 0x05c0,
      supported: true,
      interview_state: "SUCCESSFUL",
      power_source: "DC Source",
      definition: { model: "QS1", vendor: "APsystems", description: "Quad-panel microinverter (1200 W)" },
    });
    expect(qs1.endpoints["20"]?.clusters.output).toEqual(["262"]);
  });
});

describe("exposes", () => {
  const byProperty = (exposes: ExposeJson[]) =>
    Object.fromEntries(
      exposes.flatMap((e) =>
        e.type === "switch" ? (e.features ?? []).map((f) => [f.property, f]) : [[e.property, e]],
      ),
    );

  it("expose every state property of the catalog, with z2m's endpoint convention for panels", () => {
    const x = byProperty(exposesJson(modelByName("QS1")!));
    const stateKeys = INVERTER_ENTITIES.filter((d) => d.platform !== "event").map((d) => d.key);
    const channelKeys = [1, 2, 3, 4].flatMap((n) => CHANNEL_ENTITIES.map((d) => `${d.key}_ch${n}`));
    expect(Object.keys(x).sort()).toEqual([...stateKeys, ...channelKeys].sort());
    expect(x.dc_voltage_ch3).toMatchObject({
      type: "numeric",
      name: "dc_voltage",
      endpoint: "ch3",
      unit: "V",
      access: 1,
    });
    expect(x.status).toMatchObject({ type: "enum", access: 1 });
    expect(x.state).toMatchObject({
      type: "binary",
      value_on: "ON",
      value_off: "OFF",
      value_toggle: "TOGGLE",
      access: 3,
    });
    expect(x.poll).toMatchObject({ type: "enum", values: ["poll"], access: 2 });
  });

  it.each(["QS1", "QS1A", "YC600", "DS3"])(
    "%s: the zigbee2mqtt definition's exposes, plus the controls and what zigbee2mqtt adds itself",
    (model) => {
      const def = prepareDefinition(definitions.find((d) => d.model === model)!);
      const z2m = byProperty(JSON.parse(JSON.stringify(def.exposes)) as ExposeJson[]);
      const ours = byProperty(exposesJson(modelByName(model as "QS1")!));
      // zigbee2mqtt adds linkquality itself; the controls and the grid profile need raw APS frames it cannot send.
      const extra = [
        "grid_profile",
        "last_seen",
        "linkquality",
        "max_power",
        "poll",
        "read_grid_profile",
        "state",
      ];
      expect(Object.keys(ours).sort()).toEqual([...Object.keys(z2m), ...extra].sort());
      for (const [property, e] of Object.entries(z2m)) expect(ours[property], property).toEqual(e);
    },
  );

  it("give max power the model's range", () => {
    expect(byProperty(exposesJson(modelByName("DS3")!)).max_power).toMatchObject({
      type: "numeric",
      access: 3,
      value_min: 30,
      value_max: 1100,
      category: "config",
    });
  });
});
