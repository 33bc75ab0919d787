/**
 * The grid-profile diagnostic entity: discovery that Home Assistant's rules accept, a state HA can show,
 * and the settings as attributes. The reading is openaps' captured QS1A page A (grid-protection.md §4.2);
 * the expected values are what that source states for it, written out.
 */
import { describe, expect, it } from "vitest";
import { inverterState } from "../../src/entities/catalog/index.ts";
import { validateCommand } from "../../src/entities/commands.ts";
import { discoveryMessage, inverterDiscovery } from "../../src/entities/discovery.ts";
import type { InverterSnapshot } from "../../src/entities/snapshot.ts";
import { controlsPayload } from "../../src/entities/state.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { decodeProtectionPage, mergeProtectionPages } from "../../src/protocol/protection/index.ts";
import { protectionPages } from "../fixtures/protection-pages.ts";
import { checkDeviceDiscovery, expandDeviceDiscovery } from "../helpers/ha-discovery-schema.ts";
import { stateValueProblems } from "../helpers/ha-state.ts";
import { renderTemplate } from "../helpers/ha-template.ts";
import { CTX, producing } from "./fixtures.ts";

function withProfile(): InverterSnapshot {
  const page = decodeProtectionPage(fromHex(protectionPages.qs1aPageA), "qs1");
  const protection = mergeProtectionPages("801000085070", "QS1A", [page]);
  return {
    ...producing("qs1", "Roof east 1"),
    protection,
    protectionAtMs: Date.parse("2026-12-02T10:00:00Z"),
  };
}

describe("grid profile entity", () => {
  it("is a diagnostic sensor whose discovery Home Assistant accepts", () => {
    const d = inverterDiscovery(CTX, withProfile());
    const m = discoveryMessage(d);
    expect(checkDeviceDiscovery(m.topic, m.payload)).toEqual([]);
    const c = expandDeviceDiscovery(JSON.parse(m.payload)).components.grid_profile!;
    expect(c).toMatchObject({
      platform: "sensor",
      entity_category: "diagnostic",
      icon: "mdi:transmission-tower",
    });
    expect(c).not.toHaveProperty("unit_of_measurement");
  });

  it("shows the trip window and how much was readable; every setting is an attribute", () => {
    const s = withProfile();
    const d = inverterDiscovery(CTX, s);
    const c = expandDeviceDiscovery(JSON.parse(discoveryMessage(d).payload)).components.grid_profile!;
    const state = JSON.stringify(inverterState(s));
    expect(stateValueProblems(c, state)).toEqual([]);
    // AC 183 V, AD 264 V, AE 47.5 Hz, AF 52 Hz (§4.2); 13 settings read, 9 QS1 page-A slots not readable.
    expect(renderTemplate(c.value_template as string, { value_json: JSON.parse(state) })).toBe(
      "U 183–264 V · f 47.5–52 Hz · 13 read, 9 not readable",
    );
    // HA takes the attribute from the same state payload: {"settings": <the list>}.
    expect(c.json_attributes_topic).toBe(c.state_topic);
    expect(c.json_attributes_template).toBe('{{ {"settings": value_json.grid_profile_settings} | tojson }}');
    const attrs = { settings: JSON.parse(state).grid_profile_settings as Record<string, unknown>[] };
    expect(attrs.settings).toContainEqual({
      code: "AC",
      meaning: "under-voltage stage 1 (U<), trips after BD",
      value: 183,
      unit: "V",
    });
    expect(attrs.settings).toContainEqual(
      expect.objectContaining({
        code: "BD",
        not_readable: true,
        why: expect.stringMatching(/cannot be verified/),
      }),
    );
    // Codes of unknown meaning (AX, BF…) stay out of the entity: nothing to check them against.
    expect(attrs.settings.map((x) => x.code)).not.toContain("AX");
  });

  it("reads unknown until the settings were read", () => {
    const s = producing("qs1", "Roof east 1");
    const state = inverterState(s);
    expect(state.grid_profile).toBeNull();
    expect(state.grid_profile_settings).toBeNull();
  });
});

describe("read grid profile button", () => {
  it('takes {"read_grid_profile": true} on set and a bare true on set/read_grid_profile', () => {
    const model = producing("qs1", "Roof east 1").model;
    const base = { topic: "localecu/Roof east 1/set", retained: false, model };
    expect(validateCommand({ ...base, payload: '{"read_grid_profile": true}' })).toEqual({
      ok: true,
      command: { kind: "read_grid_profile" },
    });
    expect(
      validateCommand({
        ...base,
        topic: `${base.topic}/read_grid_profile`,
        key: "read_grid_profile",
        payload: "true",
      }),
    ).toEqual({ ok: true, command: { kind: "read_grid_profile" } });
    expect(validateCommand({ ...base, payload: '{"read_grid_profile": 5}' })).toMatchObject({ ok: false });
  });

  it("states per model whether reading the pages is confirmed on air", () => {
    // QS1A pages A/B/C and DS3 pages A/B were captured (openaps); no page of a plain QS1 was.
    expect(controlsPayload(producing("qs1", "x")).read_grid_profile).toMatchObject({
      control_status: "unverified",
      evidence: expect.stringMatching(/no QS1 page captured/),
    });
    expect(controlsPayload(producing("ds3", "x")).read_grid_profile).toMatchObject({
      control_status: "confirmed",
      note: "confirmed on air for DS3",
    });
  });
});
