/**
 * Grid meter payloads as real meters publish them (shapes from the vendors' documentation: Shelly Gen1
 * `emeter/0/power`, Shelly Gen2 `status/em:0`, Tasmota `tele/…/SENSOR` with ENERGY or an SML script, a P1
 * reader in kW), and the garbage that must never become a number.
 */
import { describe, expect, it } from "vitest";
import { parseHaMeter, parseMqttMeter } from "../../../src/automations/export-limit/meter-payload.ts";

describe("MQTT meter payloads → grid W (positive = import)", () => {
  it.each([
    ["Shelly Gen1 EM: a bare number, export negative", "-230.5", {}, -230.5],
    [
      "Shelly Gen2 Pro EM: JSON, value_key",
      '{"id":0,"a_current":1.2,"a_act_power":-231.4,"total_act_power":-231.4}',
      { valueKey: "total_act_power" },
      -231.4,
    ],
    [
      "Tasmota energy monitor: dotted path",
      '{"Time":"2026-06-21T11:00:00","ENERGY":{"Total":12.3,"Power":412,"Voltage":231}}',
      { valueKey: "ENERGY.Power" },
      412,
    ],
    [
      "Tasmota SML reader: export reported positive, inverted",
      '{"Time":"2026-06-21T11:00:00","SML":{"Total_in":1234.5,"Power":180}}',
      { valueKey: "SML.Power", invert: true },
      -180,
    ],
    // 0.23 kW delivered to the grid, reported positive: −0.23 × 1000 = −230 W.
    [
      "P1 reader in kW, export positive",
      '{"power_kw": 0.23}',
      { valueKey: "power_kw", unit: "kW" as const, invert: true },
      -230,
    ],
    ["a number sent as a JSON string", '{"power":"-75.5"}', { valueKey: "power" }, -75.5],
    ["a key holding a dot itself", '{"power.w": 90}', { valueKey: "power.w" }, 90],
    ["a bare number in kW", "1.5", { unit: "kW" as const }, 1500],
    ["surrounding whitespace", " 42\n", {}, 42],
  ])("%s", (_name, payload, f, gridW) => {
    expect(parseMqttMeter(payload, { topic: "meter/power", ...f })).toEqual({ ok: true, gridW });
  });

  it.each([
    [
      "JSON without a value_key, with the power key suggested",
      '{"ENERGY":{"Total":12.3,"Power":412}}',
      {},
      "json-without-key",
      'meter/power: the payload is JSON ({"ENERGY":{"Total":12.3,"Power":412}}) — set automations.export_limit.meter.value_key to the key that holds the power, e.g. value_key: ENERGY.Power',
    ],
    [
      "a value_key that is not there, listing the keys that are",
      '{"SML":{"Total_in":1234.5,"Power_curr":180}}',
      { valueKey: "SML.Power" },
      "missing-key",
      'meter/power: no "SML.Power" in the payload (under SML) — set meter.value_key to one of: SML.Total_in, SML.Power_curr; nested keys are written with dots, e.g. ENERGY.Power',
    ],
    [
      "text where JSON is expected",
      "online",
      { valueKey: "power" },
      "not-json",
      'meter/power: payload is not JSON (online), but meter.value_key "power" expects a JSON object — remove value_key if the topic carries a bare number',
    ],
    [
      "text where a number is expected",
      "offline",
      {},
      "not-a-number",
      "meter/power: expected a number of watts, got offline — point meter.topic at the power topic, or set meter.value_key for a JSON payload",
    ],
    [
      "a value that is not a number",
      '{"power": null}',
      { valueKey: "power" },
      "not-a-number",
      'meter/power: "power" is null, not a number — point value_key at the power in W',
    ],
    [
      "NaN spelt out",
      "NaN",
      {},
      "not-a-number",
      "meter/power: expected a number of watts, got NaN — point meter.topic at the power topic, or set meter.value_key for a JSON payload",
    ],
    ["an empty payload", "", {}, "empty", "meter/power: empty payload — the meter should publish its power"],
  ])("refuses %s", (_name, payload, f, kind, why) => {
    expect(parseMqttMeter(payload, { topic: "meter/power", ...f })).toEqual({ ok: false, kind, why });
  });
});

describe("meter values that look like numbers but are not readings (found by the meter fuzz)", () => {
  const topic = "meter/power";

  it('a list holding a number is refused: String([5]) is "5", but a list is not a power', () => {
    expect(parseMqttMeter('{"power":[5]}', { topic, valueKey: "power" })).toEqual({
      ok: false,
      kind: "not-a-number",
      why: 'meter/power: "power" is [5], not a number — point value_key at the power in W',
    });
    expect(parseMqttMeter('{"power":["-7"]}', { topic, valueKey: "power" })).toMatchObject({
      ok: false,
      kind: "not-a-number",
    });
  });

  it("value_key finds only the payload's own keys, not constructor or toString of every object", () => {
    expect(parseMqttMeter('{"power":1}', { topic, valueKey: "constructor" })).toEqual({
      ok: false,
      kind: "missing-key",
      why: 'meter/power: no "constructor" in the payload (at the top level) — set meter.value_key to one of: power; nested keys are written with dots, e.g. ENERGY.Power',
    });
    expect(parseMqttMeter('{"a":{"b":2}}', { topic, valueKey: "a.toString" })).toMatchObject({
      ok: false,
      kind: "missing-key",
    });
  });

  it.each([
    // 1e300 W: a corrupted reading.
    ["a bare 1e300", "1e300", {}, "1.000e+300 W", "a value that is not the power in W"],
    // 12 000 kW × 1000 = 12 000 000 W = 12 MW > 10 MW: a meter sending W with unit: kW set.
    ["12000 with unit kW", "12000", { unit: "kW" as const }, "1.200e+7 W", "meter.unit: kW on a meter"],
    ["-2e7 in JSON", '{"p":-2e7}', { valueKey: "p" }, "-2.000e+7 W", "a value that is not"],
  ])(
    "%s is beyond any grid connection (over 10 MW): refused, naming what to check",
    (_n, payload, f, shown, fix) => {
      const v = parseMqttMeter(payload, { topic, ...f });
      expect(v).toMatchObject({ ok: false, kind: "implausible" });
      const why = (v as { why: string }).why;
      expect(why).toContain(
        `meter/power: ${shown} is more than any grid connection carries (over 10 MW), ignored`,
      );
      expect(why).toContain(fix);
    },
  );

  it("9 999 kW (just under 10 MW) is still a reading: the bound refuses garbage, not big sites", () => {
    expect(parseMqttMeter("9999", { topic, unit: "kW" })).toEqual({ ok: true, gridW: 9_999_000 });
  });

  it("an HA unit named like an Object method is no unit: refused as a unit problem", () => {
    const s = {
      entityId: "sensor.grid_power",
      state: "5",
      attributes: { unit_of_measurement: "constructor" },
    };
    expect(parseHaMeter(s)).toMatchObject({ ok: false, kind: "unit" });
    const huge = { entityId: "sensor.grid_power", state: "20000", attributes: { unit_of_measurement: "kW" } };
    expect(parseHaMeter(huge)).toMatchObject({ ok: false, kind: "implausible" });
  });
});

describe("Home Assistant meter states", () => {
  const state = (s: string, unit?: string) => ({
    entityId: "sensor.grid_power",
    state: s,
    attributes: unit === undefined ? {} : { unit_of_measurement: unit },
  });

  it.each([
    ["W", state("-312", "W"), false, -312],
    ["kW", state("0.45", "kW"), false, 450],
    ["kW, export positive", state("0.45", "kW"), true, -450],
  ])("%s", (_name, s, invert, gridW) => {
    expect(parseHaMeter(s, invert)).toEqual({ ok: true, gridW });
  });

  it.each(["unavailable", "unknown"])("%s is no sample (the meter goes stale, it does not read 0 W)", (s) => {
    expect(parseHaMeter(state(s, "W"))).toBeUndefined();
  });

  it("an energy sensor in kWh is refused, naming the entity and the setting", () => {
    expect(parseHaMeter(state("1234.5", "kWh"))).toEqual({
      ok: false,
      kind: "unit",
      why: 'sensor.grid_power reports in "kWh"; the export limiter needs a power entity in W or kW — set automations.export_limit.meter.entity to your grid power sensor (not an energy or current sensor)',
    });
    expect(parseHaMeter(state("12"))).toMatchObject({ ok: false, kind: "unit" });
  });
});
