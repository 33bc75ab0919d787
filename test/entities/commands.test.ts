import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { INVERTER_ENTITIES } from "../../src/entities/catalog/index.ts";
import { CONTROL_KEYS, commandSchema, validateCommand } from "../../src/entities/commands.ts";
import { MODELS, type ModelInfo, modelByName } from "../../src/protocol/models.ts";

const QS1 = modelByName("QS1")!;
const YC600 = modelByName("YC600")!;
const DS3 = modelByName("DS3")!;
const SET = "localecu/Roof east 1/set";

interface Case {
  payload: string;
  model?: ModelInfo;
  key?: string;
  retained?: boolean;
  on?: boolean;
}

const run = (c: Case) =>
  validateCommand({
    topic: c.key ? `${SET}/${c.key}` : SET,
    payload: c.payload,
    retained: c.retained ?? false,
    model: c.model ?? QS1,
    ...(c.key ? { key: c.key } : {}),
    ...(c.on !== undefined ? { on: c.on } : {}),
  });

describe("good commands become typed commands", () => {
  // biome-ignore format: a table
  it.each([
    ["max power per panel", { payload: '{"max_power": 300}' }, { kind: "max_power", watts: 300, per: "panel" }],
    ["max power at the QS1 bounds", { payload: '{"max_power": 500}' }, { kind: "max_power", watts: 500, per: "panel" }],
    ["max power per inverter on DS3", { payload: '{"max_power": 1100}', model: DS3 }, { kind: "max_power", watts: 1100, per: "inverter" }],
    ["on", { payload: '{"state": "ON"}' }, { kind: "on_off", on: true }],
    ["off", { payload: '{"state": "OFF"}' }, { kind: "on_off", on: false }],
    ["toggle when on", { payload: '{"state": "TOGGLE"}', on: true }, { kind: "on_off", on: false }],
    ["toggle when off", { payload: '{"state": "TOGGLE"}', on: false }, { kind: "on_off", on: true }],
    ["poll", { payload: '{"poll": true}' }, { kind: "poll" }],
    ["poll as a z2m frontend sends it", { payload: '{"poll": "poll"}' }, { kind: "poll" }],
    ["bare max power on set/max_power", { payload: "250", key: "max_power", model: YC600 }, { kind: "max_power", watts: 250, per: "panel" }],
    ["bare ON on set/state", { payload: "ON", key: "state" }, { kind: "on_off", on: true }],
    ["quoted OFF on set/state", { payload: '"OFF"', key: "state" }, { kind: "on_off", on: false }],
    ["bare poll on set/poll", { payload: "true", key: "poll" }, { kind: "poll" }],
    ["surrounding whitespace", { payload: '  {"poll": true}\n' }, { kind: "poll" }],
  ] as [string, Case, unknown][])("%s", (_what, c, command) => {
    expect(run(c)).toEqual({ ok: true, command });
  });

  it("echoes a transaction id", () => {
    expect(run({ payload: '{"poll": true, "transaction": 42}' })).toEqual({
      ok: true,
      command: { kind: "poll" },
      transaction: 42,
    });
  });

  it("accepts bytes as well as text", () => {
    const r = validateCommand({
      topic: SET,
      payload: new TextEncoder().encode('{"max_power": 100}'),
      retained: false,
      model: QS1,
    });
    expect(r.ok).toBe(true);
  });
});

describe("bad commands are refused with what, where and how to fix", () => {
  // biome-ignore format: a table
  it.each([
    ["above the QS1 range", { payload: '{"max_power": 900}' }, "max_power: 900 is above 500 W per panel for QS1 — send a value between 20 and 500"],
    ["below the QS1 range", { payload: '{"max_power": 10}' }, "max_power: 10 is below 20 W per panel for QS1 — send a value between 20 and 500"],
    ["above the schema's widest range", { payload: '{"max_power": 5000}' }, "max_power: 5000 is above 500 W per panel for QS1"],
    ["above the DS3 range", { payload: '{"max_power": 1200}', model: DS3 }, "max_power: 1200 is above 1100 W per inverter for DS3 — send a value between 30 and 1100"],
    ["below the DS3 range but fine for QS1", { payload: '{"max_power": 25}', model: DS3 }, "max_power: 25 is below 30 W per inverter for DS3"],
    ["a string for max power", { payload: '{"max_power": "300W"}' }, 'max_power: expected a whole number of watts, got "300W" (string) — send e.g. {"max_power": 300}'],
    ["a fraction of a watt", { payload: '{"max_power": 300.5}' }, 'max_power: 300.5 is not a whole number of watts — send e.g. {"max_power": 301}'],
    ["lower-case on", { payload: '{"state": "on"}' }, 'state: expected "ON", "OFF" or "TOGGLE", got "on" (string) — send e.g. {"state": "ON"} (upper case)'],
    ["a boolean state", { payload: '{"state": true}' }, 'state: expected "ON", "OFF" or "TOGGLE", got true (boolean)'],
    ["poll false", { payload: '{"poll": false}' }, 'poll: expected true, got false (boolean) — send {"poll": true}'],
    ["an unknown key", { payload: '{"max_pwr": 300}' }, 'unknown key "max_pwr" — did you mean "max_power"? a command holds one of: max_power, state, poll'],
    ["an unknown key with no near match", { payload: '{"brightness": 3}' }, 'unknown key "brightness" — a command holds one of'],
    ["two controls in one message", { payload: '{"state": "ON", "max_power": 300}' }, "send one control per message, got state and max_power"],
    ["no control", { payload: '{"transaction": 1}' }, 'no command in the payload — send one of {"max_power": 300}, {"state": "OFF"}, {"poll": true}'],
    ["an empty object", { payload: "{}" }, "no command in the payload"],
    ["an array", { payload: "[300]" }, "payload must be a JSON object, got [300] (an array)"],
    ["a bare number on /set", { payload: "300" }, "payload must be a JSON object, got 300 (number)"],
    ["text that is not JSON", { payload: "max power 300" }, "payload is not JSON: max power 300 — send e.g."],
    ["an empty payload", { payload: "" }, "empty payload"],
    ["TOGGLE before the state is known", { payload: '{"state": "TOGGLE"}' }, "TOGGLE needs the current output state"],
    ["an unknown key in the topic", { payload: "1", key: "brightness" }, 'unknown command "brightness" in the topic — use set/max_power, set/state, set/poll'],
    ["a typo in the topic", { payload: "1", key: "max_pwr" }, 'did you mean "max_power"?'],
    ["JSON on a bare-value topic", { payload: '{"max_power": 300}', key: "max_power" }, "this topic takes a bare value"],
    ["a bare value out of range", { payload: "600", key: "max_power" }, "max_power: 600 is above 500 W per panel for QS1"],
    ["a retained command", { payload: '{"max_power": 300}', retained: true }, "refused a retained command — commands must be published without the retain flag"],
    // 1e400 is beyond the largest double (≈1.8e308), so JSON.parse gives Infinity; QS1's range is 20–500 W per panel.
    ["a number too large to be finite", { payload: '{"max_power": 1e400}' }, 'max_power: not a finite number (JSON numbers beyond ±1.8e308, such as 1e400, read as infinity) — send a whole number of watts between 20 and 500 (per panel for QS1), e.g. {"max_power": 300}'],
    ["minus infinity on DS3", { payload: '{"max_power": -1e400}', model: DS3 }, "not a finite number (JSON numbers beyond ±1.8e308, such as 1e400, read as infinity) — send a whole number of watts between 30 and 1100 (per inverter for DS3)"],
    ["a 65-character transaction id", { payload: `{"poll": true, "transaction": "${"x".repeat(65)}"}` }, "transaction: 65 characters is longer than the 64 allowed — use a shorter id"],
  ] as [string, Case, string][])("%s", (_what, c, words) => {
    const r = run(c);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.startsWith(c.key ? `${SET}/${c.key}: ` : `${SET}: `)).toBe(true);
    expect(r.error).toContain(words);
  });

  it("keeps the transaction id on a refusal", () => {
    expect(run({ payload: '{"max_power": 900, "transaction": "t1"}' })).toMatchObject({
      ok: false,
      transaction: "t1",
    });
  });

  it("never suggests Infinity for an infinite max_power", () => {
    const r = run({ payload: '{"max_power": 1e400}' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).not.toMatch(/Infinity/);
  });

  it("accepts a 64-character transaction id and refuses a 1 MiB one without echoing it", () => {
    const ok = run({ payload: `{"poll": true, "transaction": "${"t".repeat(64)}"}` });
    expect(ok).toEqual({ ok: true, command: { kind: "poll" }, transaction: "t".repeat(64) });
    const huge = run({ payload: `{"poll": true, "transaction": "${"t".repeat(1 << 20)}"}` });
    expect(huge.ok).toBe(false);
    expect(huge.transaction).toBeUndefined();
    expect(JSON.stringify(huge).length).toBeLessThan(400);
    if (!huge.ok) expect(huge.error).toContain(`${1 << 20} characters is longer than the 64 allowed`);
  });

  it("refuses a retained command even when it is valid, saying how to clear it", () => {
    const r = run({ payload: '{"poll": true}', retained: true });
    expect(r).toEqual({
      ok: false,
      error: expect.stringContaining(`mosquitto_pub -r -n -t '${SET}'`),
    });
  });
});

describe("the published schema", () => {
  it("is strict JSON Schema that ajv compiles, refusing extra keys", () => {
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(commandSchema);
    expect(validate({ max_power: 300 })).toBe(true);
    expect(validate({ max_power: 300, extra: 1 })).toBe(false);
  });

  it("holds exactly the catalog's control keys", () => {
    const props = Object.keys((commandSchema as { properties: Record<string, unknown> }).properties);
    const controls = INVERTER_ENTITIES.filter((d) => d.control).map((d) => d.key);
    expect(props.filter((k) => k !== "transaction").sort()).toEqual(controls.sort());
    expect([...CONTROL_KEYS.keys()].sort()).toEqual(controls.sort());
  });

  it("spans exactly the widest max power range of all models", () => {
    const mp = (commandSchema as { properties: { max_power: { minimum: number; maximum: number } } })
      .properties.max_power;
    expect(mp.minimum).toBe(Math.min(...MODELS.map((m) => m.limitRangeW[0])));
    expect(mp.maximum).toBe(Math.max(...MODELS.map((m) => m.limitRangeW[1])));
  });
});
