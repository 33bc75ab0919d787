/**
 * The catalog is a public contract (`key` = state key = unique_id suffix, never renamed). These tests guard
 * its integrity and pin the keys, so a rename shows up as a failing test rather than as orphaned entities in
 * every user's Home Assistant.
 */
import { describe, expect, it } from "vitest";
import {
  BRIDGE_ENTITIES,
  CHANNEL_ENTITIES,
  channelName,
  controlInfo,
  type EntityDescription,
  FAULT_EVENT_TYPES,
  FAULT_INVERTER_ENTITIES,
  FAULT_SITE_ENTITIES,
  FAULTS,
  INVERTER_ENTITIES,
  SITE_ENTITIES,
  STATUS_OPTIONS,
} from "../../src/entities/catalog/index.ts";
import { MODELS } from "../../src/protocol/models.ts";

const TABLES: [string, readonly EntityDescription<never>[]][] = [
  ["inverter", INVERTER_ENTITIES as readonly EntityDescription<never>[]],
  ["channel", CHANNEL_ENTITIES as readonly EntityDescription<never>[]],
  ["site", SITE_ENTITIES as readonly EntityDescription<never>[]],
  ["bridge", BRIDGE_ENTITIES as readonly EntityDescription<never>[]],
  ["inverter faults", FAULT_INVERTER_ENTITIES as readonly EntityDescription<never>[]],
  ["site faults", FAULT_SITE_ENTITIES as readonly EntityDescription<never>[]],
];

describe("catalog integrity", () => {
  it.each(TABLES)("%s keys are unique snake_case and every entry is described", (_t, table) => {
    const keys = table.map((d) => d.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const d of table) {
      expect(d.key).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(d.name.length).toBeGreaterThan(0);
      expect(d.description.length).toBeGreaterThan(10);
    }
  });

  it.each(TABLES)(
    "%s: state entities have a value, controls have a command, events their types",
    (_t, table) => {
      for (const d of table) {
        if (d.platform === "event") expect(d.eventTypes?.length).toBeGreaterThan(0);
        else if (d.platform === "button") expect(d.control).toBeDefined();
        else expect(d.value).toBeDefined();
        if (["number", "switch", "button"].includes(d.platform)) expect(d.control).toBeDefined();
        if (d.platform === "number") expect(d.number).toBeDefined();
      }
    },
  );

  it("channel keys cannot collide with inverter keys once _ch<n> is appended", () => {
    const inverterKeys = new Set(INVERTER_ENTITIES.map((d) => d.key));
    for (const d of CHANNEL_ENTITIES)
      for (let n = 1; n <= 4; n++) expect(inverterKeys.has(`${d.key}_ch${n}`)).toBe(false);
  });

  it("pins the public keys", () => {
    // biome-ignore format: a word list
    expect(INVERTER_ENTITIES.map((d) => d.key)).toEqual([
      "power", "energy", "energy_today", "ac_voltage", "ac_frequency", "temperature", "status",
      ...FAULTS.map((f) => f.key), "linkquality", "grid_profile", "last_seen", "max_power", "state", "poll", "read_grid_profile",
    ]);
    // biome-ignore format: a word list
    expect(FAULTS.map((f) => f.key)).toEqual([
      "fault_ground", "fault_grid_voltage", "fault_grid_frequency", "fault_over_temperature", "fault_dc",
    ]);
    // The fault module's (only when it runs): the problem sensor and the event on each inverter and the site.
    expect(FAULT_INVERTER_ENTITIES.map((d) => d.key)).toEqual(["problem", "fault"]);
    expect(FAULT_SITE_ENTITIES.map((d) => d.key)).toEqual(["faults_open", "fault"]);
    expect(FAULT_EVENT_TYPES).toEqual(["fault_opened", "fault_cleared", "fault_repeated"]);
    expect(CHANNEL_ENTITIES.map((d) => d.key)).toEqual([
      "dc_voltage",
      "dc_current",
      "dc_power",
      "energy",
      "energy_today",
    ]);
    expect(SITE_ENTITIES.map((d) => d.key)).toEqual([
      "power",
      "energy",
      "energy_today",
      "inverters_producing",
    ]);
    expect(BRIDGE_ENTITIES.map((d) => d.key)).toEqual(["state"]);
    expect(STATUS_OPTIONS).toContain("sleeping");
  });

  it("names panel entities by panel number", () => {
    expect(channelName("DC voltage", 0)).toBe("Input A DC voltage");
    expect(channelName("Lifetime energy", 3)).toBe("Input D lifetime energy");
    expect(channelName("DC voltage", 1, "S3")).toBe("Panel S3 (B) DC voltage");
  });

  it("every model states status and evidence for every control command", () => {
    for (const m of MODELS) {
      for (const c of ["max_power", "on_off", "poll"] as const) {
        const info = controlInfo(m, c);
        expect(["confirmed", "unverified"]).toContain(info.status);
        expect(info.evidence.length).toBeGreaterThan(5);
      }
      expect(controlInfo(m, "on_off").status).toBe("unverified");
    }
  });
});
