/**
 * The HA-side checker (test/helpers/ha-*.ts) must catch each kind of mistake, or the discovery tests that
 * lean on it prove nothing. Each case breaks one thing in a valid payload and names the problem expected.
 */
import { describe, expect, it } from "vitest";
import { discoveryMessage, inverterDiscovery } from "../../src/entities/discovery.ts";
import {
  checkDeviceDiscovery,
  checkUniqueIds,
  expandDeviceDiscovery,
} from "../helpers/ha-discovery-schema.ts";
import { stateValueProblems } from "../helpers/ha-state.ts";
import { renderTemplate, templateProblems } from "../helpers/ha-template.ts";
import { CTX, producing } from "./fixtures.ts";

// biome-ignore lint/suspicious/noExplicitAny: the mutation helpers poke anywhere into the payload
type Obj = Record<string, any>;

const GOOD = discoveryMessage(inverterDiscovery(CTX, producing("qs1", "Roof east 1"), { faults: true }));
const fresh = (): Obj => JSON.parse(GOOD.payload);
const problemsOf = (mutate: (p: Obj) => void, topic = GOOD.topic) => {
  const p = fresh();
  mutate(p);
  return checkDeviceDiscovery(topic, JSON.stringify(p));
};

it("the unbroken payload is clean (so every case below fails for its own reason)", () => {
  expect(checkDeviceDiscovery(GOOD.topic, GOOD.payload)).toEqual([]);
});

// biome-ignore format: one case per line reads as a table
const CASES: [string, (p: Obj) => void, string, string][] = [
  // [what, mutation, expected path, expected words in the message]
  ["no device block", (p) => delete p.dev, "device", "required"],
  ["device without identifiers or connections", (p) => (p.dev = { name: "x" }), "device", "identifiers"],
  ["connections that are not pairs", (p) => (p.dev.cns = ["zigbee"]), "device.connections", "pairs"],
  ["device field of the wrong type", (p) => (p.dev.sn = 801000085070), "device.serial_number", "string"],
  ["no origin", (p) => delete p.o, "origin", "required"],
  ["origin without a name", (p) => (p.o = { sw: "1" }), "origin.name", "required"],
  ["origin url that is not a URL", (p) => (p.o.url = "github"), "origin.support_url", "URL"],
  ["availability list and topic together", (p) => (p.avty_t = "x/y"), "availability", "together"],
  ["unknown availability mode", (p) => (p.avty_mode = "both"), "availability_mode", "all, any or latest"],
  ["availability entry without topic", (p) => p.avty.push({ val_tpl: "{{ value }}" }), "availability[2]", "topic"],
  ["no components", (p) => delete p.cmps, "components", "required"],
  ["unknown key at the root", (p) => (p.state = "x"), "state", "unknown key"],
  ["component without platform", (p) => delete p.cmps.power.p, "components.power", "platform"],
  ["unknown platform", (p) => (p.cmps.power.p = "sensr"), "components.power.platform", "not an MQTT platform"],
  ["entity without unique_id", (p) => delete p.cmps.power.uniq_id, "components.power.unique_id", "required"],
  ["sensor without state_topic", (p) => delete p.cmps.power.stat_t, "components.power.state_topic", "required for sensor"],
  ["binary_sensor without state_topic", (p) => delete p.cmps.fault_dc.stat_t, "components.fault_dc.state_topic", "required"],
  ["number without command_topic", (p) => delete p.cmps.max_power.cmd_t, "components.max_power.command_topic", "required"],
  ["switch without command_topic", (p) => delete p.cmps.state.cmd_t, "components.state.command_topic", "required"],
  ["button without command_topic", (p) => delete p.cmps.poll.cmd_t, "components.poll.command_topic", "required"],
  ["event without state_topic", (p) => delete p.cmps.fault.stat_t, "components.fault.state_topic", "required"],
  ["event without event_types", (p) => delete p.cmps.fault.event_types, "components.fault.event_types", "required"],
  ["event with no event types", (p) => (p.cmps.fault.event_types = []), "components.fault.event_types", "non-empty"],
  ["sensor device class that does not exist", (p) => (p.cmps.power.dev_cla = "watts"), "components.power.device_class", "not a sensor device class"],
  ["binary_sensor device class from another platform", (p) => (p.cmps.fault_dc.dev_cla = "voltage"), "components.fault_dc.device_class", "binary_sensor"],
  ["number with a non-numeric device class", (p) => (p.cmps.max_power.dev_cla = "enum"), "components.max_power.device_class", "number"],
  ["switch device class", (p) => (p.cmps.state.dev_cla = "relay"), "components.state.device_class", "switch"],
  ["button device class", (p) => (p.cmps.poll.dev_cla = "refresh"), "components.poll.device_class", "button"],
  ["event device class", (p) => (p.cmps.fault.dev_cla = "alarm"), "components.fault.device_class", "event"],
  ["power in a unit HA does not know", (p) => (p.cmps.power.unit_of_meas = "Watt"), "components.power.unit_of_measurement", "not a unit of power"],
  ["energy in lower-case kwh", (p) => (p.cmps.energy.unit_of_meas = "kwh"), "components.energy.unit_of_measurement", "energy"],
  ["voltage as VDC (a bug HA logs for other integrations)", (p) => (p.cmps.ac_voltage.unit_of_meas = "VDC"), "components.ac_voltage.unit_of_measurement", "voltage"],
  ["temperature without a unit", (p) => delete p.cmps.temperature.unit_of_meas, "components.temperature.unit_of_measurement", "temperature"],
  ["number unit that does not fit its class", (p) => (p.cmps.max_power.unit_of_meas = "A"), "components.max_power.unit_of_measurement", "power"],
  ["state_class that does not exist", (p) => (p.cmps.power.stat_cla = "measure"), "components.power.state_class", "not a state class"],
  ["energy with state_class measurement", (p) => (p.cmps.energy.stat_cla = "measurement"), "components.energy.state_class", "total, total_increasing"],
  ["timestamp with a unit", (p) => (p.cmps.last_seen.unit_of_meas = "s"), "components.last_seen.unit_of_measurement", "not numeric"],
  ["timestamp with a state_class", (p) => (p.cmps.last_seen.stat_cla = "measurement"), "components.last_seen.state_class", "not numeric"],
  ["enum without options", (p) => delete p.cmps.status.ops, "components.status.options", "needs its options"],
  ["options on a non-enum sensor", (p) => (p.cmps.temperature.ops = ["a"]), "components.temperature.options", "only allowed with device class enum"],
  ["options with a state_class", (p) => (p.cmps.status.stat_cla = "measurement"), "components.status.options", "not allowed together"],
  ["empty options", (p) => (p.cmps.status.ops = []), "components.status.options", "non-empty"],
  ["last_reset template without state_class total", (p) => (p.cmps.energy.lrst_val_tpl = "{{ value_json.x }}"), "components.energy.last_reset_value_template", "total"],
  ["sensor in entity category config", (p) => (p.cmps.linkquality.ent_cat = "config"), "components.linkquality.entity_category", "cannot be a config entity"],
  ["entity category that does not exist", (p) => (p.cmps.poll.ent_cat = "settings"), "components.poll.entity_category", "config or diagnostic"],
  ["number whose min is not below max", (p) => (p.cmps.max_power.min = 500), "components.max_power.min", "smaller than max"],
  ["number step of 0", (p) => (p.cmps.max_power.step = 0), "components.max_power.step", "0.001"],
  ["number mode that does not exist", (p) => (p.cmps.max_power.mode = "dial"), "components.max_power.mode", "auto, box or slider"],
  ["unclosed template", (p) => (p.cmps.power.val_tpl = "{{ value_json.power }"), "components.power.value_template", "never closed"],
  ["empty template expression", (p) => (p.cmps.power.val_tpl = "{{ }}"), "components.power.value_template", "empty"],
  ["template that reads nothing", (p) => (p.cmps.power.val_tpl = "{{ 1 }}"), "components.power.value_template", "value_json"],
  ["template with a dangling value_json.", (p) => (p.cmps.power.val_tpl = "{{ value_json. }}"), "components.power.value_template", "followed by a name"],
  ["template with an unbalanced bracket", (p) => (p.cmps.power.val_tpl = "{{ value_json['power' }}"), "components.power.value_template", "unclosed"],
  ["command template without value", (p) => (p.cmps.max_power.cmd_tpl = '{"max_power": 1}'), "components.max_power.command_template", "value"],
  ["default_entity_id of another platform", (p) => (p.cmps.power.def_ent_id = "number.roof_power"), "components.power.default_entity_id", "sensor."],
  ["default_entity_id that is not an entity id", (p) => (p.cmps.power.def_ent_id = "Sensor.Roof East"), "components.power.default_entity_id", "not an entity id"],
  ["icon without its set prefix", (p) => (p.cmps.power.ic = "solar"), "components.power.icon", "mdi:"],
  ["fractional display precision", (p) => (p.cmps.power.sug_dsp_prc = 1.5), "components.power.suggested_display_precision", "whole number"],
  ["misspelt key HA would drop", (p) => (p.cmps.power.unit_of_measurment = "W"), "components.power.unit_of_measurment", "unknown key"],
  ["wildcard in a command topic", (p) => (p.cmps.poll.cmd_t = "localecu/+/set"), "components.poll.command_topic", "wildcards"],
  ["qos 3", (p) => (p.cmps.power.qos = 3), "components.power.qos", "0, 1 or 2"],
  ["binary sensor whose on and off payloads are equal", (p) => (p.cmps.fault_dc.pl_off = "True"), "components.fault_dc.payload_on", "equals"],
  ["binary sensor payload that is not a string", (p) => (p.cmps.fault_dc.pl_on = true), "components.fault_dc.payload_on", "string"],
  ["enabled_by_default that is not a boolean", (p) => (p.cmps.linkquality.en = "no"), "components.linkquality.enabled_by_default", "true or false"],
];

describe("the checker catches", () => {
  it.each(CASES)("%s", (_what, mutate, path, words) => {
    const problems = problemsOf(mutate);
    expect(
      problems.some((p) => p.path === path && p.message.includes(words)),
      JSON.stringify(problems),
    ).toBe(true);
  });

  it("a discovery topic that is not a device topic or holds invalid characters", () => {
    expect(problemsOf(() => {}, "homeassistant/sensor/localecu_1/power/config")[0]?.path).toBe("topic");
    expect(problemsOf(() => {}, "homeassistant/device/roof east!/config")[0]?.path).toBe("topic");
  });

  it("a payload that is not JSON, or not an object", () => {
    expect(checkDeviceDiscovery(GOOD.topic, "{")[0]?.message).toContain("not JSON");
    expect(checkDeviceDiscovery(GOOD.topic, "[]")[0]?.message).toContain("JSON object");
  });

  it("a unique_id used by two devices", () => {
    const other = fresh();
    other.dev.ids = ["another"];
    const problems = checkUniqueIds([
      { topic: GOOD.topic, text: GOOD.payload },
      { topic: "homeassistant/device/another/config", text: JSON.stringify(other) },
    ]);
    expect(problems.length).toBe(Object.keys(other.cmps).length);
    expect(problems[0]?.message).toContain("already used");
  });
});

describe("the checker reads payloads the way HA does", () => {
  it("accepts full key names as well as abbreviations", () => {
    const full = {
      device: { identifiers: ["x1"], name: "X" },
      origin: { name: "test", sw_version: "1", support_url: "https://example.invalid" },
      components: {
        p1: {
          platform: "sensor",
          unique_id: "x1_p",
          state_topic: "x/state",
          value_template: "{{ value_json.p }}",
          device_class: "power",
          unit_of_measurement: "W",
          state_class: "measurement",
        },
      },
    };
    expect(checkDeviceDiscovery("homeassistant/device/x1/config", JSON.stringify(full))).toEqual([]);
  });

  it("substitutes ~ in topics and merges shared root options into components", () => {
    const payload = {
      "~": "localecu/Roof",
      dev: { ids: ["x1"] },
      o: { name: "test" },
      stat_t: "~",
      avty: [{ t: "~/availability" }],
      cmps: {
        p1: { p: "sensor", uniq_id: "x1_p", val_tpl: "{{ value_json.p }}" },
        b: { p: "button", uniq_id: "x1_b", cmd_t: "~/set" },
      },
    };
    expect(checkDeviceDiscovery("homeassistant/device/x1/config", JSON.stringify(payload))).toEqual([]);
    const x = expandDeviceDiscovery(payload);
    expect(x.components.p1?.state_topic).toBe("localecu/Roof");
    expect(x.components.b?.command_topic).toBe("localecu/Roof/set");
    expect(x.components.p1?.availability).toEqual([{ topic: "localecu/Roof/availability" }]);
  });
});

describe("state values as HA would take them", () => {
  const c = (extra: Obj) => ({ platform: "sensor", state_topic: "s", ...extra });
  it.each([
    [
      "a word for a numeric sensor",
      c({ value_template: "{{ value_json.p }}", unit_of_measurement: "W" }),
      { p: "abc" },
      "not numeric",
    ],
    [
      "a value outside the enum options",
      c({ value_template: "{{ value_json.s }}", device_class: "enum", options: ["a"] }),
      { s: "b" },
      "not one of the options",
    ],
    [
      "a timestamp without a time zone",
      c({ value_template: "{{ value_json.t }}", device_class: "timestamp" }),
      { t: "2024-06-21T10:30:00" },
      "time zone",
    ],
    [
      "a key the state lacks",
      c({ value_template: "{{ value_json.q }}", unit_of_measurement: "W" }),
      { p: 1 },
      "has no 'q'",
    ],
    [
      "a binary value matching neither payload",
      {
        platform: "binary_sensor",
        value_template: "{{ value_json.f }}",
        payload_on: "true",
        payload_off: "false",
      },
      { f: true },
      "neither",
    ],
    [
      "a switch state matching neither state_on nor state_off",
      { platform: "switch", value_template: "{{ value_json.state }}", state_on: "ON", state_off: "OFF" },
      { state: "on" },
      "neither",
    ],
  ] as [string, Obj, unknown, string][])("rejects %s", (_what, component, state, words) => {
    const problems = stateValueProblems(component, JSON.stringify(state));
    expect(problems.join("; ")).toContain(words);
  });

  it("takes JSON null as unknown and renders values with Python's str()", () => {
    expect(
      stateValueProblems(c({ value_template: "{{ value_json.p }}", unit_of_measurement: "W" }), '{"p":null}'),
    ).toEqual([]);
    expect(renderTemplate("{{ value_json.f }}", { value_json: { f: true } })).toBe("True");
    expect(renderTemplate("{{ value_json['a'].b }}", { value_json: { a: { b: null } } })).toBe("None");
    expect(renderTemplate('{"max_power": {{ value }}}', { value: 300 })).toBe('{"max_power": 300}');
    expect(renderTemplate("{{ value_json.x | tojson }}", { value_json: { x: { a: 1 } } })).toBe('{"a":1}');
    expect(renderTemplate("{{ value_json.x | float }}", { value_json: { x: 1 } })).toBeUndefined();
  });

  it("template syntax: valid Jinja passes", () => {
    expect(templateProblems("{% if value_json.on %}ON{% else %}OFF{% endif %}", "value_or_json")).toEqual([]);
    expect(templateProblems("{{ value_json['a b'] | default(0) }}", "value_or_json")).toEqual([]);
    expect(templateProblems("{{ value | int }} W", "value")).toEqual([]);
  });
});
