import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig } from "../../../src/site/config/index.ts";
import { FIXTURES, issuesOf, issuesOfObject, MINIMAL, MODULE_400 } from "./fixtures.ts";

const base = { site: { timezone: "Europe/Amsterdam" } };

describe("parseConfig errors: one line each, file: path: what — how to fix", () => {
  it("YAML syntax errors give file:line:col", async () => {
    const file = join(FIXTURES, "syntax-error.yaml.txt");
    await expect(loadConfig(file)).rejects.toThrow(
      `${file}:7:1: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    );
    expect(issuesOf("site:\n\ttimezone: UTC\n")).toEqual([
      "site.yaml:2:1: YAML syntax: Tabs are not allowed as indentation — YAML does not allow tabs for indentation: use spaces",
    ]);
    expect(issuesOf("site:\n  name: Roof: south\n")).toEqual([
      `site.yaml:2:9: YAML syntax: Nested mappings are not allowed in compact mappings — a value containing ': ' must be quoted, e.g. name: "Roof: south"`,
    ]);
  });

  it("an alias with no anchor (`*name`, or a bare * typed as text) is a syntax error with its position", () => {
    // Line 2 `  name: *roof`: the alias starts at column 9. The YAML parser accepts it; only turning the
    // document into data finds it, and that threw a bare ReferenceError (check printed a stack trace).
    expect(issuesOf("site:\n  name: *roof\n  timezone: UTC\n")).toEqual([
      "site.yaml:2:9: YAML syntax: *roof refers to no anchor above it — define &roof before using *roof, or quote the value if * is meant as text",
    ]);
  });

  it("aliases multiplied past the limit (a billion-laughs file) are refused at the first alias", () => {
    const rows = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const [name, prev] of [
      ["b", "a"],
      ["c", "b"],
      ["d", "c"],
      ["e", "d"],
    ] as const)
      rows.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    rows.push(`f: [${Array(9).fill("*e").join(", ")}]`);
    // Line 2 `b: &b [*a, …`: the first alias is at column 8.
    expect(issuesOf(`${rows.join("\n")}\n`)).toEqual([
      "site.yaml:2:8: YAML syntax: Excessive alias count indicates a resource exhaustion attack — write the values out instead of repeating aliases (*name) so many times",
    ]);
  });

  it("duplicate YAML keys are syntax errors with their position", () => {
    expect(issuesOf(`${MINIMAL}site:\n  timezone: UTC\n`)).toEqual([
      "site.yaml:5:1: YAML syntax: Map keys must be unique — the same key appears twice in one section: keep one",
    ]);
  });

  it("a serial with 11 digits names the path, the value and the fix", () => {
    const text = MINIMAL.replace(
      '  - serial: "801000012345"\n',
      '  - serial: "801000012345"\n  - serial: "801000012346"\n  - serial: 80100008507\n',
    );
    expect(issuesOf(text)).toEqual([
      'site.yaml: inverters[2].serial: expected 12 digits, got "80100008507" — copy the serial from the inverter label',
    ]);
  });

  it("schema type errors name the path and carry the line", () => {
    try {
      parseConfig(`${MINIMAL}poll:\n  interval_s: five\n`);
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigError).issues).toEqual([
        {
          file: "site.yaml",
          path: "poll.interval_s",
          message: 'expected a whole number of seconds between 10 and 3600, got "five"',
          line: 6,
          col: 15,
        },
      ]);
    }
  });

  it.each([
    [
      "a misspelt key",
      { ...base, inverters: [{ serail: "801000012345" }] },
      'site.yaml: inverters[0].serail: unknown key "serail" — did you mean "serial"?',
    ],
    [
      "a misspelt section",
      { ...base, inverters: [], invertors: [] },
      'site.yaml: invertors: unknown key "invertors" — did you mean "inverters"?',
    ],
    [
      "a key with no close match",
      { ...base, inverters: [], poll: { every: 5 } },
      'site.yaml: poll.every: unknown key "every" — allowed keys: interval_s',
    ],
    [
      "a lower-case input",
      { ...base, inverters: [{ serial: "801000012345", channels: { a: "S1" } }] },
      'site.yaml: inverters[0].channels.a: unknown key "a" — did you mean "A"?',
    ],
    [
      "an input that does not exist",
      { ...base, inverters: [{ serial: "801000012345", channels: { E: "S1" } }] },
      'site.yaml: inverters[0].channels.E: unknown key "E" — inputs are A, B, C, D (channel 1 = A)',
    ],
  ])("unknown keys are errors: %s", (_name, obj, line) => {
    expect(issuesOfObject(obj)).toEqual([line]);
  });

  it.each([
    [
      "breaker rating",
      { ...base, inverters: [], branches: [{ breaker_a: 10, inverters: [] }] },
      "site.yaml: branches[0].breaker_a: expected one of 16, 20, 25, 32, got 10 — the rating printed on the breaker",
    ],
    [
      "model name",
      { ...base, inverters: [{ serial: "801000012345", model: "qs1" }] },
      'site.yaml: inverters[0].model: expected one of QS1, QS1A, YC600, YC1000, DS3, got "qs1" — did you mean "QS1"?',
    ],
    ["missing section", { inverters: [] }, 'site.yaml: site: missing (required) — add "site:"'],
    [
      "azimuth",
      {
        ...base,
        inverters: [],
        panels: { P1: { module: MODULE_400, orientation: { tilt_deg: 30, azimuth_deg: 360 } } },
      },
      "site.yaml: panels.P1.orientation.azimuth_deg: expected compass degrees from 0 (north) up to 360 (180 = south, 270 = west), got 360",
    ],
    [
      "panel id",
      { ...base, inverters: [], panels: { "S 1": "x" } },
      `site.yaml: panels["S 1"]: invalid id "S 1": expected an id of letters, digits, '-', '_' or '.' (at most 64, starting with a letter or digit) — ids end up in MQTT topics and entity ids`,
    ],
    [
      "a notify service without its domain",
      { ...base, inverters: [], automations: { faults: { notify: ["mobile_app_phone"] } } },
      `site.yaml: automations.faults.notify[0]: expected a service like notify.mobile_app_phone, got "mobile_app_phone" — Home Assistant lists them under Developer tools → Actions (notify.mobile_app_<phone>)`,
    ],
    [
      "a notify service listed twice",
      {
        ...base,
        inverters: [],
        homeassistant: { url: "http://ha:8123", token_env: "HA_TOKEN" },
        automations: { faults: { notify: ["notify.mobile_app_phone", "notify.mobile_app_phone"] } },
      },
      `site.yaml: automations.faults.notify: "notify.mobile_app_phone" is listed twice — list each entry once`,
    ],
    [
      "persistent as text",
      { ...base, inverters: [], automations: { faults: { persistent: "yes please" } } },
      `site.yaml: automations.faults.persistent: expected true or false, got "yes please"`,
    ],
  ])("schema: %s", (_name, obj, line) => {
    expect(issuesOfObject(obj)).toEqual([line]);
  });

  it("a duplicate serial points at the first entry", () => {
    expect(
      issuesOfObject({ ...base, inverters: [{ serial: "801000012345" }, { serial: "801000012345" }] }),
    ).toEqual([
      "site.yaml: inverters[1].serial: 801000012345 is already listed at inverters[0] — each inverter appears once: remove the duplicate or fix the typo",
    ]);
  });

  it("bad map references: unknown inverter and unknown panel, with suggestions", async () => {
    await expect(loadConfig(join(FIXTURES, "bad-references.yaml"))).rejects.toThrow(ConfigError);
    const file = join(FIXTURES, "bad-references.yaml");
    const lines = await loadConfig(file).catch((e: ConfigError) =>
      e.issues.map((i) => [i.path, i.message, i.hint, i.line]),
    );
    expect(lines).toEqual([
      [
        "inverters[1].serial",
        "801000012345 is already listed at inverters[0]",
        "each inverter appears once: remove the duplicate or fix the typo",
        9,
      ],
      ["map.arrays[0].cells[0].inverter", "unknown inverter 801000012346", "did you mean 801000012345?", 16],
      ["map.arrays[0].cells[1].channels.B", 'unknown panel "P2"', 'did you mean "P1"?', 17],
    ]);
  });

  it.each([
    [
      "an input the model does not have",
      {
        ...base,
        panels: { P1: { module: MODULE_400 } },
        inverters: [{ serial: "406000000001", channels: { C: "P1" } }],
      },
      "site.yaml: inverters[0].channels.C: a YC600 has inputs A, B only — remove input C or check the serial of 406000000001",
    ],
    [
      "a branch naming an unknown inverter",
      {
        ...base,
        inverters: [{ serial: "801000012345" }],
        branches: [{ breaker_a: 20, inverters: ["801000099999"] }],
      },
      "site.yaml: branches[0].inverters[0]: unknown inverter 801000099999 — add it under inverters: first",
    ],
    [
      "an inverter on two branches",
      {
        ...base,
        inverters: [{ serial: "801000012345" }],
        branches: [
          { name: "A", breaker_a: 20, inverters: ["801000012345"] },
          { breaker_a: 20, inverters: ["801000012345"] },
        ],
      },
      'site.yaml: branches[1].inverters[0]: 801000012345 is already on branch "A" — an inverter is fed by one branch',
    ],
    [
      "a panel on two inputs",
      {
        ...base,
        panels: { P1: { module: MODULE_400 } },
        inverters: [{ serial: "801000012345", channels: { A: "P1", B: "P1" } }],
      },
      "site.yaml: inverters[0].channels.B: panel P1 is already connected at inverters[0].channels.A — a panel feeds one input",
    ],
    [
      "an unknown module type",
      { ...base, modules: { "trina-400": MODULE_400 }, panels: { P1: "trina-40" }, inverters: [] },
      'site.yaml: panels.P1: unknown module type "trina-40" — did you mean "trina-400"?',
    ],
    [
      "a model override of another family",
      { ...base, inverters: [{ serial: "801000012345", model: "DS3" }] },
      "site.yaml: inverters[0].model: serial 801000012345 is a QS1 (prefix 801), not a DS3 — remove model: the serial prefix decides the model",
    ],
    [
      "a misspelt time zone",
      { site: { timezone: "Europe/Amsterdm" }, inverters: [] },
      'site.yaml: site.timezone: unknown time zone "Europe/Amsterdm" — did you mean "Europe/Amsterdam"?',
    ],
    [
      "two password sources",
      { ...base, inverters: [], mqtt: { password_file: "pw", password_env: "PW" } },
      "site.yaml: mqtt.password_env: password_file and password_env are both set — keep one",
    ],
    [
      "Home Assistant without a token",
      { ...base, inverters: [], homeassistant: { url: "http://ha:8123" } },
      "site.yaml: homeassistant.token_file: missing: Home Assistant needs a long-lived access token — set token_file or token_env",
    ],
    [
      "a meter entity without Home Assistant",
      { ...base, inverters: [], automations: { export_limit: { meter: { entity: "sensor.grid" } } } },
      "site.yaml: automations.export_limit.meter.entity: a Home Assistant meter needs the homeassistant section — add homeassistant: url and token",
    ],
    [
      "notify services without Home Assistant",
      { ...base, inverters: [], automations: { faults: { notify: ["notify.mobile_app_phone"] } } },
      "site.yaml: automations.faults.notify: sending notifications needs the homeassistant section — add homeassistant: url and token",
    ],
    [
      "a limiter priority for an inverter the site does not have",
      {
        ...base,
        inverters: [{ serial: "801000012345" }],
        automations: { export_limit: { meter: { topic: "p1/power" }, priority: { "801000099999": 2 } } },
      },
      "site.yaml: automations.export_limit.priority.801000099999: unknown inverter 801000099999 — use serials from inverters: (801000012345)",
    ],
    [
      "an MQTT unit on an entity meter",
      {
        ...base,
        inverters: [],
        homeassistant: { url: "http://ha:8123", token_env: "HA_TOKEN" },
        automations: { export_limit: { meter: { entity: "sensor.grid", unit: "kW" } } },
      },
      "site.yaml: automations.export_limit.meter.unit: is for an MQTT meter (topic) — remove it: the entity's unit_of_measurement is used",
    ],
  ])("semantic: %s", (_name, obj, line) => {
    expect(issuesOfObject(obj)).toEqual([line]);
  });

  it("reports every problem at once, in file order", async () => {
    const lines = await loadConfig(join(FIXTURES, "schema-errors.yaml")).catch((e: ConfigError) =>
      e.issues.map((i) => i.path),
    );
    expect(lines).toEqual([
      "site.history_days",
      "inverters[1].serial",
      "inverters[2].serail",
      "branches[0].breaker_a",
    ]);
  });

  it("an empty file says so", () => {
    expect(issuesOf("# nothing yet\n")).toEqual([
      "site.yaml: the file is empty — start from examples/site.yaml",
    ]);
  });

  it("a missing file is a ConfigError naming the path", async () => {
    await expect(loadConfig("/nonexistent/site.yaml")).rejects.toThrow(
      "/nonexistent/site.yaml: cannot read the file (no such file) — check the path",
    );
  });
});
