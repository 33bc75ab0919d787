import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/site/config/index.ts";
import { ReplaceError, replaceInverter } from "../../src/site/replace.ts";
import { EXAMPLE, MINIMAL } from "./config/fixtures.ts";

const OLD = "801000012345";
const NEW = "801000012399";

describe("replaceInverter", () => {
  it("moves the old unit's position, name, panels and branch to the new serial", () => {
    const before = parseConfig(EXAMPLE).inverters.find((i) => i.serial === OLD)!;
    const r = replaceInverter(EXAMPLE, OLD, NEW);
    const after = parseConfig(r.text);
    expect(after.inverters.some((i) => i.serial === OLD)).toBe(false);
    const inv = after.inverters.find((i) => i.serial === NEW)!;
    expect(inv.positions).toEqual(before.positions);
    expect(inv.name).toBe(before.name);
    expect(inv.channels).toEqual(before.channels);
    expect(inv.branch).toBe(before.branch);
    expect(after.map.arrays[0]!.cells[0]!.inverter).toBe(NEW);
    expect(r).toMatchObject({
      oldSerial: OLD,
      newSerial: NEW,
      oldModel: "QS1",
      newModel: "QS1",
      name: "South top left",
    });
    expect(r.changes).toEqual([
      { path: "inverters[0].serial", from: OLD, to: NEW },
      { path: "branches[0].inverters[0]", from: OLD, to: NEW },
      { path: "map.arrays[0].cells[0].inverter", from: OLD, to: NEW },
    ]);
  });

  it("keeps comments and layout byte for byte: only the serials differ", () => {
    const r = replaceInverter(EXAMPLE, OLD, NEW);
    expect(r.text).toContain("        # row 2, column 2 stays empty: the roof window.\n");
    expect(r.text.split("\n")[0]).toBe("# yaml-language-server: $schema=../src/site/schema/site.schema.json");
    expect(r.text.replaceAll(NEW, OLD)).toBe(EXAMPLE);
    const changed = r.text.split("\n").filter((line, i) => line !== EXAMPLE.split("\n")[i]);
    expect(changed).toEqual([
      `  - serial: "${NEW}"`,
      `    inverters: ["${NEW}", "801000012346"]`,
      `        - { row: 1, column: 1, inverter: "${NEW}" }`,
    ]);
  });

  it("keeps the quoting of each serial (plain stays plain)", () => {
    const text = `${MINIMAL.replace('"801000012345"', "801000012345")}branches:\n  - breaker_a: 20\n    inverters: ['801000012345']\n`;
    const r = replaceInverter(text, OLD, NEW);
    expect(r.text).toContain(`  - serial: ${NEW}\n`);
    expect(r.text).toContain(`    inverters: ['${NEW}']\n`);
  });

  it("pins derived ids of anonymous inline panels so their history stays attached", () => {
    const text = `${MINIMAL}    channels:
      A: { module: { wp: 400, voc_v: 41.2, vmp_v: 34.2, isc_a: 11 } }
      B:
        module: { wp: 400, voc_v: 41.2, vmp_v: 34.2, isc_a: 11 }
      C: { id: C1, module: { wp: 400, voc_v: 41.2, vmp_v: 34.2, isc_a: 11 } }
`;
    const r = replaceInverter(text, OLD, NEW);
    expect(r.text).toContain(`      A: { id: "${OLD}-A", module: { wp: 400`);
    expect(r.text).toContain(`      B:\n        id: "${OLD}-B"\n        module: { wp: 400`);
    const before = parseConfig(text).inverters[0]!.channels;
    expect(parseConfig(r.text).inverters[0]!.channels).toEqual(before);
    expect(r.changes.map((c) => c.path)).toEqual([
      "inverters[0].serial",
      "inverters[0].channels.A.id",
      "inverters[0].channels.B.id",
    ]);
  });

  it("updates a model override to the new unit's model", () => {
    const text = MINIMAL.replace('"801000012345"\n', '"801000012345"\n    model: QS1\n');
    const r = replaceInverter(text, OLD, "806000042582");
    expect(r.text).toContain("    model: QS1A\n");
    expect(r.changes).toContainEqual({ path: "inverters[0].model", from: "QS1", to: "QS1A" });
  });

  it.each([
    [OLD.replace("45", "44"), NEW, "801000012344 is not in site.yaml — did you mean 801000012345?"],
    [
      OLD,
      "80100001239",
      'new serial: expected 12 digits, got "80100001239" — copy the serial from the new inverter\'s label',
    ],
    [
      OLD,
      "123000000001",
      "new serial 123000000001: prefix 123 is not a known model — known prefixes: QS1 801/802/804/805",
    ],
    [
      OLD,
      "801000012346",
      "801000012346 is already in site.yaml (inverters[1]) — a unit can only be listed once",
    ],
    [
      OLD,
      "406000000001",
      "a YC600 has 2 inputs, but 801000012345 uses A, B, C, D — use a unit with at least 4 inputs",
    ],
  ])("refuses %s → %s", (oldSerial, newSerial, message) => {
    expect(() => replaceInverter(EXAMPLE, oldSerial, newSerial)).toThrow(ReplaceError);
    expect(() => replaceInverter(EXAMPLE, oldSerial, newSerial)).toThrow(message);
  });
});
