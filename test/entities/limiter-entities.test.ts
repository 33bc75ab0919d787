/**
 * The export limiter on the site device: discovery that Home Assistant accepts (checked against HA's
 * documented rules), a state payload every component renders from, and site commands validated before
 * anything happens, with errors that say what, where and how to fix.
 */
import { describe, expect, it } from "vitest";
import { LIMITER_ENTITIES, siteState } from "../../src/entities/catalog/index.ts";
import { discoveryMessage, siteDiscovery } from "../../src/entities/discovery.ts";
import { EntityPublisher } from "../../src/entities/publisher.ts";
import type { SiteCommand } from "../../src/entities/site-commands.ts";
import { validateSiteCommand } from "../../src/entities/site-commands.ts";
import type { LimiterSnapshot } from "../../src/entities/snapshot.ts";
import { checkDeviceDiscovery, expandDeviceDiscovery } from "../helpers/ha-discovery-schema.ts";
import { stateValueProblems } from "../helpers/ha-state.ts";
import { renderTemplate } from "../helpers/ha-template.ts";
import { FakeMqttClient } from "../helpers/mqtt-fake.ts";
import { CTX, SITE } from "./fixtures.ts";

function limiter(over: Partial<LimiterSnapshot> = {}): LimiterSnapshot {
  return {
    enabled: true,
    targetW: 0,
    mode: "export_limit",
    state: "limiting",
    reason: "export 230 W above the allowed 0 W: cut 2 inverters",
    totalLimitW: 3200,
    writesToday: 7,
    maxTargetW: 8000,
    ...over,
  };
}

describe("limiter entities on the site device", () => {
  it("are absent without a limiter and pass HA's rules with one", () => {
    const without = expandDeviceDiscovery(JSON.parse(discoveryMessage(siteDiscovery(CTX, SITE)).payload));
    expect(Object.keys(without.components)).not.toContain("export_limit");

    const m = discoveryMessage(siteDiscovery(CTX, SITE, limiter()));
    expect(checkDeviceDiscovery(m.topic, m.payload)).toEqual([]);
    const x = expandDeviceDiscovery(JSON.parse(m.payload));
    expect(x.components.export_limit).toMatchObject({
      platform: "switch",
      command_topic: "localecu/site/set",
      payload_on: '{"export_limit":"ON"}',
      payload_off: '{"export_limit":"OFF"}',
    });
    // 0 … Σ of the inverters' highest limits (8000 W here), in steps of 10 W.
    expect(x.components.export_limit_target).toMatchObject({
      platform: "number",
      min: 0,
      max: 8000,
      step: 10,
      unit_of_measurement: "W",
      command_template: '{"export_limit_target": {{ value }}}',
    });
    expect(x.components.export_limit_mode).toMatchObject({
      platform: "select",
      options: ["export_limit", "zero_export", "monitor"],
      command_template: '{"export_limit_mode": "{{ value }}"}',
    });
    expect(x.components.export_limit_state).toMatchObject({
      platform: "sensor",
      device_class: "enum",
      options: ["idle", "limiting", "fallback", "alarm", "off"],
      json_attributes_topic: "localecu/site",
    });
  });

  it("every component renders a valid state from the site payload", () => {
    const m = discoveryMessage(siteDiscovery(CTX, SITE, limiter({ totalLimitW: undefined })));
    const x = expandDeviceDiscovery(JSON.parse(m.payload));
    const state = JSON.stringify(siteState(SITE, limiter({ totalLimitW: undefined })));
    for (const d of LIMITER_ENTITIES) {
      expect({ key: d.key, problems: stateValueProblems(x.components[d.key]!, state) }).toEqual({
        key: d.key,
        problems: [],
      });
    }
    expect(JSON.parse(state)).toMatchObject({
      export_limit: "ON",
      export_limit_target: 0,
      export_limit_mode: "export_limit",
      export_limit_state: "limiting",
      export_limit_total: null,
      export_limit_writes_today: 7,
      export_limit_reason: "export 230 W above the allowed 0 W: cut 2 inverters",
    });
    // The switch's command payloads are what set/ accepts.
    const on = x.components.export_limit!.payload_on as string;
    expect(
      validateSiteCommand({ topic: "localecu/site/set", payload: on, retained: false, limiter: limiter() }),
    ).toEqual({ ok: true, command: { kind: "export_limit", enabled: true } });
    const cmd = renderTemplate(x.components.export_limit_target!.command_template as string, { value: 300 });
    expect(
      validateSiteCommand({ topic: "localecu/site/set", payload: cmd!, retained: false, limiter: limiter() }),
    ).toEqual({ ok: true, command: { kind: "export_limit_target", watts: 300 } });
  });
});

describe("site commands", () => {
  const T = "localecu/site/set";
  it.each<[string, string, string | undefined, SiteCommand]>([
    ["switch off", '{"export_limit": "OFF"}', undefined, { kind: "export_limit", enabled: false }],
    ["toggle (it is on)", '{"export_limit": "TOGGLE"}', undefined, { kind: "export_limit", enabled: false }],
    ["bare ON", "ON", "export_limit", { kind: "export_limit", enabled: true }],
    ["target", '{"export_limit_target": 600}', undefined, { kind: "export_limit_target", watts: 600 }],
    ["bare target", "0", "export_limit_target", { kind: "export_limit_target", watts: 0 }],
    ["mode", '{"export_limit_mode": "monitor"}', undefined, { kind: "export_limit_mode", mode: "monitor" }],
    ["bare mode", "zero_export", "export_limit_mode", { kind: "export_limit_mode", mode: "zero_export" }],
  ])("%s", (_name, payload, key, command) => {
    const topic = key ? `${T}/${key}` : T;
    expect(
      validateSiteCommand({ topic, payload, retained: false, limiter: limiter(), ...(key ? { key } : {}) }),
    ).toEqual({ ok: true, command });
  });

  it.each([
    [
      "no limiter on this site",
      '{"export_limit": "ON"}',
      undefined,
      false,
      "localecu/site/set: this site has no export limiter — add automations.export_limit (with a meter) to site.yaml and restart",
    ],
    [
      "lower-case on",
      '{"export_limit": "on"}',
      limiter(),
      false,
      'localecu/site/set: export_limit: expected "ON", "OFF" or "TOGGLE", got "on" (string) — send e.g. {"export_limit": "ON" (upper case)}',
    ],
    [
      "a target above what the inverters can give",
      '{"export_limit_target": 9000}',
      limiter(),
      false,
      "localecu/site/set: export_limit_target: 9000 W is above 8000 W, all the site's inverters can give — send a value between 0 and 8000",
    ],
    [
      "a negative target",
      '{"export_limit_target": -50}',
      limiter(),
      false,
      "localecu/site/set: export_limit_target: -50 W is below 0 — send a value between 0 (zero export) and 8000",
    ],
    [
      "a fractional target",
      '{"export_limit_target": 12.5}',
      limiter(),
      false,
      "localecu/site/set: export_limit_target: 12.5 is not a whole number of watts — send e.g. 13",
    ],
    [
      "a misspelt mode",
      '{"export_limit_mode": "zero_exprt"}',
      limiter(),
      false,
      'localecu/site/set: export_limit_mode: expected one of export_limit, zero_export, monitor, got "zero_exprt" (string) — did you mean "zero_export"?',
    ],
    [
      "a misspelt key",
      '{"export_limt": "ON"}',
      limiter(),
      false,
      'localecu/site/set: unknown key "export_limt" — did you mean "export_limit"? a site command holds one of: export_limit, export_limit_target, export_limit_mode',
    ],
    [
      "two controls",
      '{"export_limit": "ON", "export_limit_target": 0}',
      limiter(),
      false,
      "localecu/site/set: send one control per message, got export_limit and export_limit_target — send them as separate messages",
    ],
    [
      "not JSON",
      "zero please",
      limiter(),
      false,
      'localecu/site/set: payload is not JSON: zero please — send one of {"export_limit": "OFF"}, {"export_limit_target": 300}, {"export_limit_mode": "zero_export"}',
    ],
    [
      // Found by the MQTT command fuzz: the refusal said what was wrong but not how to fix it.
      "a transaction that is neither a short text nor a number",
      '{"export_limit": "OFF", "transaction": true}',
      limiter(),
      false,
      'localecu/site/set: transaction: expected a string of at most 64 characters or a number, got true (boolean) — e.g. "transaction": "abc123"',
    ],
    [
      "retained",
      '{"export_limit": "OFF"}',
      limiter(),
      true,
      "localecu/site/set: refused a retained command — commands must be published without the retain flag (a retained one would replay at every restart); clear it with: mosquitto_pub -r -n -t 'localecu/site/set'",
    ],
  ])("refuses %s", (_name, payload, l, retained, error) => {
    expect(validateSiteCommand({ topic: T, payload, retained, limiter: l })).toEqual({ ok: false, error });
  });
});

describe("the publisher routes site commands", () => {
  it("a valid command reaches onSiteCommand and its result is published; a bad one never does", async () => {
    const client = new FakeMqttClient();
    const got: SiteCommand[] = [];
    const p = new EntityPublisher({
      client,
      baseTopic: "localecu",
      discoveryPrefix: "homeassistant",
      bridgeId: "D8A3011B9780",
      onCommand: () => ({ ok: false, error: "not here" }),
      onSiteCommand: (c) => {
        got.push(c);
        return { ok: true };
      },
    });
    p.start();
    p.updateSite(SITE);
    p.updateLimiter(limiter());
    const results = () =>
      client.published
        .filter((m) => m.topic === "localecu/site/set/result")
        .map((m) => JSON.parse(m.payload));
    await p.handleMessage("localecu/site/set/export_limit_mode", "monitor", {});
    await p.handleMessage("localecu/site/set", '{"export_limit_target": "lots"}', {});
    expect(got).toEqual([{ kind: "export_limit_mode", mode: "monitor" }]);
    expect(results()).toEqual([
      { ok: true, command: { kind: "export_limit_mode", mode: "monitor" } },
      {
        ok: false,
        error:
          'localecu/site/set: export_limit_target: expected watts as a number, got "lots" (string) — send e.g. {"export_limit_target": 300}',
      },
    ]);
    // The limiter's keys ride on the site's retained state.
    const site = client.published.filter((m) => m.topic === "localecu/site").at(-1)!;
    expect(JSON.parse(site.payload)).toMatchObject({ power: 812.3, export_limit_state: "limiting" });
    p.stop();
  });
});
