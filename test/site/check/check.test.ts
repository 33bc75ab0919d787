import { describe, expect, it } from "vitest";
import { modelByName } from "../../../src/protocol/models.ts";
import { checkSite, DEFAULT_MIN_TEMPERATURE_C, type Finding, vocAt } from "../../../src/site/check/index.ts";
import { parseConfig } from "../../../src/site/config/index.ts";
import { configOf, EXAMPLE, MODULE_400 } from "../config/fixtures.ts";

const ds = modelByName("QS1")!.datasheet!;
const T_MIN = -20;
const COEFF = -0.3;
/** Voc (STC) whose value at T_MIN lands `delta` volts from the max input voltage. */
const vocFor = (delta: number) => (ds.maxInputV + delta) / (1 + (COEFF / 100) * (T_MIN - 25));

function siteWith(module: Record<string, number>, serial = "801000012345") {
  return configOf({
    site: { timezone: "Europe/Amsterdam", min_temperature_c: T_MIN },
    modules: { m: { ...MODULE_400, temp_coeff_voc_pct_per_c: COEFF, ...module } },
    inverters: [{ serial, channels: { A: { module: "m" }, B: { module: "m" } } }],
  });
}

const rule = (findings: Finding[], id: Finding["rule"]) => findings.filter((f) => f.rule === id);
const problems = (findings: Finding[], id: Finding["rule"]) =>
  rule(findings, id)
    .filter((f) => f.severity !== "info")
    .map((f) => f.severity);

describe("checkSite: module rules against the QS1 datasheet", () => {
  it.each([
    ["voc-cold", { voc_v: vocFor(+0.5) }, ["error"]],
    ["voc-cold", { voc_v: vocFor(-0.5) }, []],
    ["vmp-range", { vmp_v: ds.operatingV[1] + 1 }, ["error"]],
    ["vmp-range", { vmp_v: ds.operatingV[0] - 1 }, ["error"]],
    ["vmp-range", { vmp_v: ds.mpptV[1] + 1 }, ["warning"]],
    ["vmp-range", { vmp_v: ds.mpptV[0] - 1 }, ["warning"]],
    ["vmp-range", { vmp_v: (ds.mpptV[0] + ds.mpptV[1]) / 2 }, []],
    ["isc", { isc_a: ds.maxInputA + 0.3 }, ["warning"]],
    ["isc", { isc_a: ds.maxInputA - 0.3 }, []],
    ["imp", { imp_a: ds.maxInputA + 0.1, isc_a: ds.maxInputA + 0.5 }, ["warning"]],
    ["imp", { imp_a: ds.maxInputA - 0.5 }, []],
    ["module-wp", { wp: ds.moduleWp[1] + 10 }, ["warning"]],
    ["module-wp", { wp: ds.moduleWp[0] - 10 }, ["warning"]],
    ["module-wp", { wp: ds.moduleWp[1] }, []],
  ] as const)("%s with %j → %j", (id, module, expected) => {
    expect(problems(checkSite(siteWith(module)), id)).toEqual(expected);
  });

  it("quotes the datasheet line and the computed cold Voc", () => {
    const [f] = rule(checkSite(siteWith({ voc_v: vocFor(+0.5) })), "voc-cold");
    const cold = vocAt(vocFor(+0.5), COEFF, T_MIN);
    expect(f).toEqual({
      severity: "error",
      rule: "voc-cold",
      path: "modules.m.voc_v",
      message: `Voc at ${T_MIN} °C is ${cold.toFixed(1)} V, above the 60 V maximum (on 801000012345-A, 801000012345-B): the input can be damaged`,
      source: `${ds.source}: max input voltage ${ds.maxInputV} V`,
    });
  });

  it("assumes a default minimum temperature and Voc coefficient, and says so", () => {
    const c = configOf({
      site: { timezone: "Europe/Amsterdam" },
      modules: { m: { wp: 400, voc_v: 41.2, vmp_v: 34.2, isc_a: 11 } },
      inverters: [{ serial: "801000012345", channels: { A: { module: "m" } } }],
    });
    const f = checkSite(c);
    expect(rule(f, "assumption").map((x) => x.path)).toEqual([
      "site.min_temperature_c",
      "modules.m.temp_coeff_voc_pct_per_c",
    ]);
    expect(rule(f, "voc-cold")[0]!.message).toContain(`at ${DEFAULT_MIN_TEMPERATURE_C} °C`);
  });

  it("skips the datasheet rules for a YC600 with an info, even for an absurd module", () => {
    const f = checkSite(siteWith({ voc_v: 90, vmp_v: 80 }, "406000000001"));
    expect(f.filter((x) => x.severity !== "info")).toEqual([]);
    expect(rule(f, "no-datasheet")).toEqual([
      {
        severity: "info",
        rule: "no-datasheet",
        path: "inverters[0]",
        message:
          "no YC600 datasheet numbers on file: Voc, Vmp, current, module and branch rules skipped for 406000000001",
        source: "src/protocol/models.ts: datasheet",
      },
    ]);
  });
});

describe("checkSite: branches", () => {
  const serials = (n: number) => Array.from({ length: n }, (_, i) => `80100001${String(i).padStart(4, "0")}`);
  const branchSite = (breakerA: number, n: number) =>
    configOf({
      site: { timezone: "Europe/Amsterdam" },
      inverters: serials(n).map((serial) => ({ serial })),
      branches: [{ breaker_a: breakerA, inverters: serials(n) }],
    });

  it.each([
    [20, ds.unitsPerBreaker[20]!, []],
    [20, ds.unitsPerBreaker[20]! + 1, ["error"]],
    [25, ds.unitsPerBreaker[25]!, []],
    [25, ds.unitsPerBreaker[25]! + 1, ["error"]],
    [16, Math.floor(16 / ds.nominalOutputA), ["info"]],
    [16, Math.floor(16 / ds.nominalOutputA) + 1, ["error"]],
  ])("%i A breaker with %i QS1 → %j", (breakerA, n, expected) => {
    expect(rule(checkSite(branchSite(breakerA, n)), "branch-units").map((f) => f.severity)).toEqual(expected);
  });

  it("quotes the units-per-branch line", () => {
    const [f] = rule(checkSite(branchSite(20, 4)), "branch-units");
    expect(f).toMatchObject({
      path: "branches[0].inverters",
      message: "4 QS1 units on a 20 A breaker; at most 3 allowed — split the branch",
      source: `${ds.source}: maximum units per branch: 3 per 20 A breaker, 4 per 25 A breaker`,
    });
  });

  it("notes inverters on no branch", () => {
    const c = configOf({ site: { timezone: "Europe/Amsterdam" }, inverters: [{ serial: "801000012345" }] });
    expect(rule(checkSite(c), "branch-missing").map((f) => f.message)).toEqual([
      "no branch circuits described: units per breaker not checked",
    ]);
  });
});

describe("checkSite: serials, wiring, secrets", () => {
  const one = (extra: object) =>
    configOf({ site: { timezone: "Europe/Amsterdam" }, inverters: [{ serial: "801000012345" }], ...extra });

  it.each([
    [{ serial: "123000000001" }, ["error"]],
    [{ serial: "123000000001", model: "QS1" }, ["warning"]],
    [{ serial: "806000042582" }, []],
  ])("unknown prefix %j → %j", (inverter, expected) => {
    const c = configOf({ site: { timezone: "Europe/Amsterdam" }, inverters: [inverter] });
    expect(problems(checkSite(c), "unknown-prefix")).toEqual(expected);
  });

  it("finds duplicate serials in a config built in code", () => {
    const c = one({});
    c.inverters.push({ ...c.inverters[0]!, path: "inverters[1]" });
    expect(rule(checkSite(c), "duplicate-serial")).toEqual([
      {
        severity: "error",
        rule: "duplicate-serial",
        path: "inverters[1].serial",
        message: "801000012345 is listed twice (also inverters[0])",
        source: "localecu: one entry per inverter",
      },
    ]);
  });

  it.each([
    [{ mqtt: { password: "pw" } }, ["mqtt.password"]],
    [{ homeassistant: { url: "http://ha:8123", token: "t" } }, ["homeassistant.token"]],
    [{ mqtt: { password_env: "PW" }, homeassistant: { url: "http://ha:8123", token_file: "t" } }, []],
  ])("inline secrets warn: %j", (extra, paths) => {
    expect(rule(checkSite(one(extra)), "inline-secret").map((f) => [f.severity, f.path])).toEqual(
      paths.map((p) => ["warning", p]),
    );
  });

  it("warns (never errs: the link is optional) when the Home Assistant token cannot be read", () => {
    const unresolved = (extra: object, env: NodeJS.ProcessEnv) =>
      rule(checkSite(one(extra), env), "unresolved-secret").map((f) => [f.severity, f.path, f.message]);
    expect(unresolved({ homeassistant: { url: "http://ha:8123", token_env: "HA_TOKEN" } }, {})).toEqual([
      [
        "warning",
        "homeassistant.token_env",
        "homeassistant.token_env (HA_TOKEN): environment variable HA_TOKEN is not set — export it before starting; until then localecu runs without the Home Assistant link",
      ],
    ]);
    expect(
      unresolved({ homeassistant: { url: "http://ha:8123", token_env: "HA_TOKEN" } }, { HA_TOKEN: "x" }),
    ).toEqual([]);
    expect(unresolved({ homeassistant: { token_file: "/nonexistent/token" } }, {})).toEqual([
      [
        "warning",
        "homeassistant.url",
        "homeassistant.url is not set and SUPERVISOR_TOKEN is absent (not running as a Home Assistant add-on) — set homeassistant.url, e.g. http://homeassistant.local:8123; until then localecu runs without the Home Assistant link",
      ],
    ]);
    expect(unresolved({ homeassistant: {} }, { SUPERVISOR_TOKEN: "s" })).toEqual([]);
    expect(unresolved({}, {})).toEqual([]);
  });

  it("warns about panels wired nowhere and inverters missing from the map", () => {
    const c = one({
      modules: { m: MODULE_400 },
      panels: { P9: "m" },
      map: { arrays: [{ name: "roof", cells: [] }] },
    });
    const f = checkSite(c);
    expect(rule(f, "unused-panel").map((x) => x.message)).toEqual([
      "panel P9 is not wired to any inverter input",
    ]);
    expect(rule(f, "map").map((x) => [x.severity, x.message])).toEqual([
      ["warning", "801000012345 is not on the installation map"],
    ]);
  });

  it("passes the demo site with only warnings and info, errors first in the list", () => {
    // The example reads its Home Assistant token from LOCALECU_HA_TOKEN (without it: a warning, tested above).
    const f = checkSite(parseConfig(EXAMPLE), { LOCALECU_HA_TOKEN: "token" });
    expect(f.filter((x) => x.severity === "error")).toEqual([]);
    // The demo module's Isc (12.28 A) is above the 12 A input rating: a warning, not an error.
    expect(f.filter((x) => x.severity === "warning").map((x) => x.path)).toEqual(["modules.trina-400.isc_a"]);
  });
});

describe("checkSite: automations.schedule.use_on_off", () => {
  const site = (schedule: Record<string, unknown>) =>
    configOf({
      site: { timezone: "Europe/Amsterdam" },
      inverters: [{ serial: "801000012345" }, { serial: "801000012346" }, { serial: "703000054321" }],
      automations: { schedule: { rules: [{ at: "22:00", until: "06:00", action: "off" }], ...schedule } },
    });

  it("warns per model when it asks for the on/off command, unverified on the QS1 and the DS3", () => {
    const f = rule(checkSite(site({ use_on_off: true })), "unverified-control");
    expect(f).toEqual([
      {
        severity: "warning",
        rule: "unverified-control",
        path: "automations.schedule.use_on_off",
        message:
          "the QS1's on/off command is unverified (openaps encoder only (C1/C2); never seen on air): off stays max power at the QS1's minimum for 801000012345, 801000012346 — remove use_on_off, or keep it for when the command is confirmed",
        source: "src/protocol/models.ts: controls.onOff",
      },
      {
        severity: "warning",
        rule: "unverified-control",
        path: "automations.schedule.use_on_off",
        message:
          "the DS3's on/off command is unverified (openaps encoder only (C1/C2); never seen on air): off stays max power at the DS3's minimum for 703000054321 — remove use_on_off, or keep it for when the command is confirmed",
        source: "src/protocol/models.ts: controls.onOff",
      },
    ]);
  });

  it("says nothing when it is off (the default) or set to false", () => {
    expect(rule(checkSite(site({})), "unverified-control")).toEqual([]);
    expect(rule(checkSite(site({ use_on_off: false })), "unverified-control")).toEqual([]);
  });
});
