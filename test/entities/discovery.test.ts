import { describe, expect, it } from "vitest";
import {
  CHANNEL_ENTITIES,
  INVERTER_ENTITIES,
  inverterState,
  SITE_ENTITIES,
  siteState,
} from "../../src/entities/catalog/index.ts";
import { validateCommand } from "../../src/entities/commands.ts";
import {
  bridgeDiscovery,
  type DeviceDiscovery,
  discoveryMessage,
  inverterDiscovery,
  retireInverterMessages,
  siteDiscovery,
  withRemovedComponents,
} from "../../src/entities/discovery.ts";
import { controlsPayload, haLinkMessage } from "../../src/entities/state.ts";
import { ONLINE } from "../../src/entities/topics.ts";
import { modelByName } from "../../src/protocol/models.ts";
import {
  checkDeviceDiscovery,
  checkUniqueIds,
  expandDeviceDiscovery,
} from "../helpers/ha-discovery-schema.ts";
import { stateValueProblems } from "../helpers/ha-state.ts";
import { renderTemplate } from "../helpers/ha-template.ts";
import { CTX, producing, SITE, sleeping } from "./fixtures.ts";

const QS1 = producing("qs1", "Roof east 1");
const YC600 = producing("yc600", "Garage");
const DS3 = producing("ds3", "Shed", { firmware: "1.2.3" });
const INVERTERS = [QS1, YC600, DS3];

const all: DeviceDiscovery[] = [
  ...INVERTERS.map((s) => inverterDiscovery(CTX, s)),
  siteDiscovery(CTX, SITE),
  bridgeDiscovery(CTX),
];
const expanded = (d: DeviceDiscovery) => expandDeviceDiscovery(JSON.parse(discoveryMessage(d).payload));

describe("discovery payloads pass Home Assistant's documented rules", () => {
  it.each(all.map((d) => [d.id, d] as const))("%s", (_id, d) => {
    const m = discoveryMessage(d);
    expect(m.retain).toBe(true);
    expect(checkDeviceDiscovery(m.topic, m.payload)).toEqual([]);
  });

  it("no unique_id is used twice across every device", () => {
    const payloads = all.map((d) => ({ topic: d.topic, text: discoveryMessage(d).payload }));
    expect(checkUniqueIds(payloads)).toEqual([]);
  });
});

describe("inverter devices", () => {
  it.each([
    [QS1, 4],
    [YC600, 2],
    [DS3, 2],
  ] as const)("%# every catalog entity of a %s-panel inverter is a component", (s, panels) => {
    const { components } = expanded(inverterDiscovery(CTX, s));
    const expectedKeys = [
      ...INVERTER_ENTITIES.map((d) => d.key),
      ...Array.from({ length: panels }, (_, i) => CHANNEL_ENTITIES.map((d) => `${d.key}_ch${i + 1}`)).flat(),
    ];
    expect(Object.keys(components).sort()).toEqual(expectedKeys.sort());
    for (const [key, c] of Object.entries(components))
      expect(c.unique_id).toBe(`localecu_${s.serial}_${key}`);
  });

  it("is one device per inverter, hanging off the bridge, with serial, model and firmware when known", () => {
    const ds3 = expanded(inverterDiscovery(CTX, DS3));
    expect(ds3.device).toEqual({
      identifiers: ["localecu_703000021300"],
      name: "Shed",
      manufacturer: "APsystems",
      model: "DS3",
      serial_number: "703000021300",
      sw_version: "1.2.3",
      via_device: "localecu_bridge_d8a3011b9780",
    });
    expect(expanded(inverterDiscovery(CTX, QS1)).device).not.toHaveProperty("sw_version");
    expect(ds3.origin).toEqual({
      name: "localecu",
      sw_version: "0.1.0",
      support_url: "https://example.invalid/localecu",
    });
    expect(inverterDiscovery(CTX, DS3).topic).toBe("homeassistant/device/localecu_703000021300/config");
  });

  it("is available only when both the bridge and the inverter say online", () => {
    const { root } = expanded(inverterDiscovery(CTX, QS1));
    expect(root.availability_mode).toBe("all");
    expect(root.availability).toEqual([
      { topic: "localecu/bridge/state", value_template: "{{ value_json.state }}" },
      { topic: "localecu/Roof east 1/availability", value_template: "{{ value_json.state }}" },
    ]);
    expect(renderTemplate("{{ value_json.state }}", { value_json: JSON.parse(ONLINE) })).toBe("online");
  });

  it("gives energy sensors what the energy dashboard needs and electrical sensors state_class measurement", () => {
    const { components } = expanded(inverterDiscovery(CTX, QS1));
    for (const key of ["energy", "energy_today", "energy_ch1", "energy_today_ch4"]) {
      expect(components[key]).toMatchObject({
        device_class: "energy",
        unit_of_measurement: "kWh",
        state_class: "total_increasing",
      });
    }
    for (const [key, dc, unit] of [
      ["power", "power", "W"],
      ["ac_voltage", "voltage", "V"],
      ["ac_frequency", "frequency", "Hz"],
      ["temperature", "temperature", "°C"],
      ["dc_voltage_ch2", "voltage", "V"],
      ["dc_current_ch3", "current", "A"],
      ["dc_power_ch4", "power", "W"],
    ]) {
      expect(components[key!]).toMatchObject({
        device_class: dc,
        unit_of_measurement: unit,
        state_class: "measurement",
      });
    }
  });

  it.each([
    ["producing", QS1],
    ["sleeping", sleeping(QS1)],
    [
      "never heard",
      { ...QS1, status: "unpaired" as const, telemetry: undefined, maxPowerW: undefined, on: undefined },
    ],
    ["DS3 producing", DS3],
  ])("HA accepts every entity's value from the state payload (%s)", (_name, s) => {
    const { components } = expanded(inverterDiscovery(CTX, s));
    const state = JSON.stringify(inverterState(s));
    for (const [key, c] of Object.entries(components)) {
      if (c.platform === "button" || c.platform === "event") continue;
      expect([key, stateValueProblems(c, state)]).toEqual([key, []]);
    }
  });
});

describe("controls", () => {
  it.each([
    ["QS1", QS1, 20, 500],
    ["YC600", YC600, 20, 500],
    ["DS3", DS3, 30, 1100],
  ] as const)(
    "%s max power is a number over the model's range whose command validates",
    (_m, s, min, max) => {
      const c = expanded(inverterDiscovery(CTX, s)).components.max_power!;
      expect(c).toMatchObject({
        platform: "number",
        min,
        max,
        step: 1,
        mode: "box",
        command_topic: `localecu/${s.name}/set`,
      });
      const payload = renderTemplate(c.command_template as string, { value: max });
      const r = validateCommand({
        topic: c.command_topic as string,
        payload: payload!,
        retained: false,
        model: s.model,
      });
      expect(r).toEqual({ ok: true, command: { kind: "max_power", watts: max, per: s.model.limitPer } });
    },
  );

  it("the switch and the button send payloads our validator turns into commands", () => {
    const { components } = expanded(inverterDiscovery(CTX, QS1));
    const run = (payload: unknown) =>
      validateCommand({
        topic: "localecu/Roof east 1/set",
        payload: String(payload),
        retained: false,
        model: QS1.model,
      });
    expect(run(components.state!.payload_on)).toEqual({ ok: true, command: { kind: "on_off", on: true } });
    expect(run(components.state!.payload_off)).toEqual({ ok: true, command: { kind: "on_off", on: false } });
    expect(run(components.poll!.payload_press)).toEqual({ ok: true, command: { kind: "poll" } });
  });

  it("carry their on-air status as attributes; the switch says it is unverified on hardware", () => {
    const { components } = expanded(inverterDiscovery(CTX, QS1));
    const controls = controlsPayload(QS1);
    for (const key of ["max_power", "state", "poll"]) {
      const c = components[key]!;
      expect(c.json_attributes_topic).toBe("localecu/Roof east 1/controls");
      expect(
        JSON.parse(renderTemplate(c.json_attributes_template as string, { value_json: controls })!),
      ).toEqual(controls[key]);
    }
    expect(controls.state).toMatchObject({
      control_status: "unverified",
      evidence: QS1.model.controls.onOff.evidence,
    });
    expect(controls.state!.note).toContain("unverified on hardware");
    expect(controls.max_power).toMatchObject({
      control_status: "confirmed",
      evidence: QS1.model.controls.maxPower.evidence,
    });
    expect(controlsPayload(DS3).max_power!.control_status).toBe("unverified");
  });
});

describe("site and bridge devices", () => {
  it("the site device carries every site entity and reads the site state", () => {
    const x = expanded(siteDiscovery(CTX, SITE));
    expect(Object.keys(x.components).sort()).toEqual(SITE_ENTITIES.map((d) => d.key).sort());
    expect(x.device?.via_device).toBe("localecu_bridge_d8a3011b9780");
    const state = JSON.stringify(siteState(SITE));
    for (const c of Object.values(x.components)) expect(stateValueProblems(c, state)).toEqual([]);
  });

  it("the bridge device names the coordinator's IEEE as its zigbee connection and reads bridge/state", () => {
    const x = expanded(bridgeDiscovery(CTX));
    expect(x.device?.connections).toEqual([["zigbee", "0xd8a3011b9780ffff"]]);
    const c = x.components.state!;
    expect(c).toMatchObject({
      device_class: "connectivity",
      state_topic: "localecu/bridge/state",
      payload_on: "online",
    });
    expect(stateValueProblems(c, ONLINE)).toEqual([]);
  });

  it("with a Home Assistant link, the bridge gets a diagnostic enum sensor reading bridge/homeassistant", () => {
    expect(expanded(bridgeDiscovery(CTX)).components.homeassistant_link).toBeUndefined();
    const d = bridgeDiscovery(CTX, { haLink: true });
    const m = discoveryMessage(d);
    expect(checkDeviceDiscovery(m.topic, m.payload)).toEqual([]);
    const c = expanded(d).components.homeassistant_link!;
    expect(c).toEqual({
      platform: "sensor",
      unique_id: "localecu_bridge_d8a3011b9780_homeassistant_link",
      default_entity_id: "sensor.localecu_bridge_homeassistant_link",
      name: "Home Assistant link",
      device_class: "enum",
      entity_category: "diagnostic",
      icon: "mdi:home-assistant",
      state_topic: "localecu/bridge/homeassistant",
      value_template: "{{ value_json.homeassistant_link }}",
      options: ["connecting", "up", "down", "auth_failed", "off"],
      json_attributes_topic: "localecu/bridge/homeassistant",
      availability: [{ topic: "localecu/bridge/state", value_template: "{{ value_json.state }}" }],
      qos: 1, // the device-level option, shared with every component
    });
    const state = haLinkMessage("localecu", { state: "auth_failed", detail: "fix homeassistant.token_env" });
    expect(state).toEqual({
      topic: "localecu/bridge/homeassistant",
      payload: '{"homeassistant_link":"auth_failed","detail":"fix homeassistant.token_env"}',
      retain: true,
      qos: 1,
    });
    expect(stateValueProblems(c, state.payload)).toEqual([]);
    expect(stateValueProblems(c, '{"homeassistant_link":"sideways","detail":null}')).not.toEqual([]);
  });
});

describe("removal", () => {
  it("a retired inverter gets an empty retained config, and its retained topics are cleared unless reused", () => {
    const gone = retireInverterMessages(CTX, QS1, { keepTopics: false });
    expect(gone).toEqual([
      { topic: "homeassistant/device/localecu_801000085070/config", payload: "", retain: true, qos: 1 },
      { topic: "localecu/Roof east 1", payload: "", retain: true, qos: 1 },
      { topic: "localecu/Roof east 1/availability", payload: "", retain: true, qos: 1 },
      { topic: "localecu/Roof east 1/controls", payload: "", retain: true, qos: 1 },
    ]);
    expect(retireInverterMessages(CTX, QS1, { keepTopics: true })).toEqual(gone.slice(0, 1));
  });

  it("components a device no longer has are sent as HA's {p} removal stubs", () => {
    const before = inverterDiscovery(CTX, QS1);
    const after = inverterDiscovery(CTX, { ...QS1, model: modelByName("YC600")! });
    const sent = withRemovedComponents(after, before.config.cmps);
    const removed = Object.entries(sent.config.cmps).filter(([, c]) => Object.keys(c).length === 1);
    expect(removed.map(([k]) => k).sort()).toEqual(
      CHANNEL_ENTITIES.flatMap((d) => [`${d.key}_ch3`, `${d.key}_ch4`]).sort(),
    );
    expect(removed.every(([, c]) => c.p === "sensor")).toBe(true);
    const m = discoveryMessage(sent);
    expect(checkDeviceDiscovery(m.topic, m.payload)).toEqual([]);
  });
});
