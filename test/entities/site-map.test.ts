import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { discoveryMessage, siteDiscovery } from "../../src/entities/discovery.ts";
import { siteMapState, siteMapTopic, withMapComponent } from "../../src/entities/site-map.ts";
import { parseConfig } from "../../src/site/config/index.ts";
import { checkDeviceDiscovery, expandDeviceDiscovery } from "../helpers/ha-discovery-schema.ts";
import { renderState } from "../helpers/ha-state.ts";
import { EXAMPLE_SITE } from "../helpers/site-file.ts";
import { CTX, SITE } from "./fixtures.ts";

describe("the installation map for Home Assistant", () => {
  it("carries examples/site.yaml's roof with each panel's rating and power sensor", () => {
    const config = parseConfig(readFileSync(EXAMPLE_SITE, "utf8"), EXAMPLE_SITE);
    const map = siteMapState(config, { faults: true })!;
    // 4 QS1 × 4 inputs, all wired in the example.
    expect(map.panels).toBe(16);
    expect(map.arrays.map((a) => [a.name, a.label, a.tilt, a.azimuth, a.rows, a.columns])).toEqual([
      ["south", "South roof", 35, 180, 2, 2],
      ["west", "West roof (garage)", 20, 270, undefined, undefined],
    ]);
    expect(map.arrays[0]!.cells[0]).toEqual({
      inverter: "801000012345",
      row: 1,
      column: 1,
      panels: [
        { input: "A", id: "S1", wp: 400 },
        { input: "B", id: "S2", wp: 400 },
        { input: "C", id: "S7", wp: 400 },
        { input: "D", id: "S8", wp: 400 },
      ],
    });
    expect(map.arrays[1]!.cells[0]).toMatchObject({ inverter: "801000012348", x: 1.2, y: 0.5 });
    expect(map.inverters["801000012348"]).toEqual({
      name: "West",
      model: "QS1",
      panel_power: "sensor.west_dc_power_ch",
      problem: "binary_sensor.west_problem",
    });
  });

  it("names no problem sensor when the fault module is off", () => {
    const config = parseConfig(readFileSync(EXAMPLE_SITE, "utf8"), EXAMPLE_SITE);
    const map = siteMapState(config, { faults: false })!;
    expect(Object.values(map.inverters).map((i) => i.problem)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("is absent without map arrays", () => {
    const text = readFileSync(EXAMPLE_SITE, "utf8").replace(/\nmap:[\s\S]*?\n(?=automations:)/, "\n");
    expect(siteMapState(parseConfig(text, EXAMPLE_SITE), { faults: false })).toBeUndefined();
  });

  it("joins the site device as a Roof map sensor that passes HA's discovery rules", () => {
    const config = parseConfig(readFileSync(EXAMPLE_SITE, "utf8"), EXAMPLE_SITE);
    const map = siteMapState(config, { faults: true })!;
    const d = withMapComponent(siteDiscovery(CTX, SITE), CTX.baseTopic, SITE.name);
    const m = discoveryMessage(d);
    expect(checkDeviceDiscovery(m.topic, m.payload)).toEqual([]);
    const c = expandDeviceDiscovery(JSON.parse(m.payload)).components.roof_map!;
    expect(c.state_topic).toBe(`${CTX.baseTopic}/site/map`);
    expect(c.json_attributes_topic).toBe(siteMapTopic(CTX.baseTopic));
    expect(c.entity_category).toBe("diagnostic");
    expect(renderState(c, JSON.stringify(map))).toEqual({ value: "16" });
  });

  it("stays under HA's 16 KiB attribute limit for 40 QS1 on four roof faces", () => {
    // Recorder: MAX_STATE_ATTRS_BYTES = 16384 (attributes over it are not recorded).
    const serial = (n: number) => `8010000${String(10000 + n)}`;
    const lines = [
      "site: { name: Big farm, timezone: Europe/Amsterdam }",
      "modules:",
      "  m: { wp: 440, voc_v: 41, vmp_v: 34, isc_a: 13 }",
      "inverters:",
    ];
    for (let n = 0; n < 40; n++) {
      lines.push(
        `  - serial: "${serial(n)}"`,
        `    name: Roof ${String.fromCharCode(65 + Math.floor(n / 10))} unit ${n % 10}`,
      );
      lines.push(`    channels: { A: { module: m }, B: { module: m }, C: { module: m }, D: { module: m } }`);
    }
    lines.push("map:", "  arrays:");
    for (let a = 0; a < 4; a++) {
      lines.push(
        `    - name: face${a}`,
        "      label: A long roof face label",
        "      rows: 2",
        "      columns: 5",
        "      cells:",
      );
      for (let k = 0; k < 10; k++)
        lines.push(
          `        - { row: ${1 + Math.floor(k / 5)}, column: ${1 + (k % 5)}, inverter: "${serial(a * 10 + k)}" }`,
        );
    }
    const map = siteMapState(parseConfig(lines.join("\n")), { faults: true })!;
    expect(map.panels).toBe(160);
    // Inline panels keep their default ids (`<serial>-<input>`), which the map leaves out.
    expect(map.arrays[3]!.cells[9]!.panels[3]).toEqual({ input: "D", wp: 440 });
    expect(Buffer.byteLength(JSON.stringify(map))).toBeLessThan(16384);
  });
});
