import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig, resolveSecret } from "../../../src/site/config/index.ts";
import { EXAMPLE_PATH, MINIMAL } from "./fixtures.ts";

describe("loadConfig on examples/site.yaml", () => {
  it("loads the demo site: 4 QS1, 16 panels, two arrays, two 20 A branches", async () => {
    const c = await loadConfig(EXAMPLE_PATH);
    expect(c.inverters.map((i) => [i.serial, i.model?.model])).toEqual([
      ["801000012345", "QS1"],
      ["801000012346", "QS1"],
      ["801000012347", "QS1"],
      ["801000012348", "QS1"],
    ]);
    expect(c.panels).toHaveLength(16);
    expect(c.panels.every((p) => p.module.id === "trina-400" && p.inverter !== undefined)).toBe(true);
    expect(c.map.arrays.map((a) => [a.name, a.rows, a.columns, a.cells.length])).toEqual([
      ["south", 2, 2, 3],
      ["west", undefined, undefined, 1],
    ]);
    expect(c.branches.map((b) => [b.breakerA, b.inverters.length])).toEqual([
      [20, 2],
      [20, 2],
    ]);
    expect(c.site).toMatchObject({
      timezone: "Europe/Amsterdam",
      minTemperatureC: -15,
      energyCalibration: 1,
    });
    expect(c.site.dataDir).toBe(resolve(dirname(EXAMPLE_PATH), "data"));
    expect(c.mqtt).toMatchObject({
      url: "mqtt://localhost:1883",
      baseTopic: "localecu",
      discoveryPrefix: "homeassistant",
    });
    expect(c.mqtt.password).toEqual({ env: "LOCALECU_MQTT_PASSWORD" });
    expect(c.stick).toMatchObject({ transport: "serial", ecuId: "D8A3011B9780", baudRate: 115200 });
    expect(c.inverters[0]).toMatchObject({
      name: "South top left",
      channels: { A: "S1", B: "S2", C: "S7", D: "S8" },
      branch: "Circuit 1 (south)",
      positions: [{ array: "south", row: 1, column: 1, inputs: ["A", "B", "C", "D"] }],
    });
    expect(c.automations.exportLimit).toEqual({
      targetW: 0,
      meter: { entity: "sensor.grid_power" },
      maxWritesPerHour: 12,
    });
    expect(c.automations.schedule).toBeUndefined();
    expect(c.poll.intervalS).toBe(300);
  });
});

describe("parseConfig defaults", () => {
  it("fills in every default for the smallest file", () => {
    const c = parseConfig(MINIMAL, "/srv/solar/site.yaml");
    expect(c.mqtt).toEqual({
      baseTopic: "localecu",
      discoveryPrefix: "homeassistant",
      embedded: { port: 1883, host: "127.0.0.1" },
    });
    expect(c.site).toEqual({
      name: "Solar",
      timezone: "Europe/Amsterdam",
      energyCalibration: 1,
      dataDir: "/srv/solar/data",
      historyDays: 90,
      gridOverrides: {},
    });
    expect(c.poll).toEqual({ intervalS: 300 });
    expect(c.automations).toEqual({});
    expect(c.inverters[0]).toMatchObject({ label: "QS1 801000012345", channels: {}, positions: [] });
    expect(c.stick).toBeUndefined();
  });

  it("accepts an unquoted serial (a YAML number) as the same serial", () => {
    const c = parseConfig(MINIMAL.replace('"801000012345"', "801000012345"));
    expect(c.inverters[0]!.serial).toBe("801000012345");
  });

  it("splits a tcp:// stick port into host and port", () => {
    const c = parseConfig(`${MINIMAL}stick:\n  port: tcp://192.168.1.20:3333\n  ecu_id: d8a3011b9780\n`);
    expect(c.stick).toEqual({
      port: "tcp://192.168.1.20:3333",
      transport: "tcp",
      host: "192.168.1.20",
      tcpPort: 3333,
      baudRate: 115200,
      ecuId: "D8A3011B9780",
    });
  });

  it.each([
    ["absent", undefined, undefined],
    ["empty (null)", null, undefined],
    ["an empty mapping", {}, undefined],
    ["enabled: false", { enabled: false, target_w: 100, meter: { topic: "p1/power" } }, undefined],
    [
      "settings",
      { target_w: 100, meter: { topic: "p1/power", value_key: "power_w" } },
      { targetW: 100, meter: { topic: "p1/power", valueKey: "power_w" } },
    ],
    [
      "a kW meter and a priority",
      { meter: { topic: "dsmr/power", unit: "kW", invert: true }, priority: { "801000012345": 2 } },
      { meter: { topic: "dsmr/power", unit: "kW", invert: true }, priority: { "801000012345": 2 } },
    ],
  ])("export_limit %s → %j", (_name, section, expected) => {
    const automations = section === undefined ? {} : { export_limit: section };
    const c = parseConfig(`${MINIMAL}automations: ${JSON.stringify(automations)}\n`);
    expect(c.automations.exportLimit).toEqual(expected);
  });
});

describe("resolveSecret", () => {
  const dir = mkdtempSync(join(tmpdir(), "localecu-secret-"));

  it("reads a file relative to site.yaml, trimmed", () => {
    writeFileSync(join(dir, "mqtt.pw"), "  s3cret\n");
    const c = parseConfig(`${MINIMAL}mqtt:\n  password_file: mqtt.pw\n`, join(dir, "site.yaml"));
    expect(c.mqtt.password).toEqual({ file: join(dir, "mqtt.pw") });
    expect(resolveSecret(c.mqtt.password!)).toBe("s3cret");
  });

  it("reads an environment variable", () => {
    expect(resolveSecret({ env: "HA_TOKEN" }, "token", { HA_TOKEN: "abc\n" })).toBe("abc");
  });

  it.each([
    [{ env: "NOPE" }, "token: environment variable NOPE is not set — export it before starting"],
    [
      { file: "/nonexistent/pw" },
      "token: cannot read /nonexistent/pw (ENOENT) — create it with only the secret inside",
    ],
  ])("fails clearly for %j", (ref, message) => {
    expect(() => resolveSecret(ref, "token", {})).toThrow(message);
  });

  it("an inline secret works but never shows up in serialised config", () => {
    const c = parseConfig(`${MINIMAL}homeassistant:\n  url: http://ha:8123\n  token: very-secret\n`);
    expect(resolveSecret(c.homeassistant!.token)).toBe("very-secret");
    expect(JSON.stringify(c)).not.toContain("very-secret");
  });
});
