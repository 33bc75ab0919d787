/**
 * The built zigbee2mqtt bundle in the real zigbee-herdsman-converters — both the newest and the one
 * zigbee2mqtt 2.14 ships: what it imports, what it exports, which devices it matches, what it exposes, and
 * which herdsman messages reach its converter. (test/z2m runs it inside zigbee2mqtt itself.)
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Expose } from "zigbee-herdsman-converters/lib/types";
import { exposedKeys } from "../../converters/lib/exposes.ts";
import { inverterIeee } from "../../src/protocol/ids.ts";
import { captures } from "../fixtures/captures.ts";
import { definitionFor, type LoadedBundle, loadBundle, ZHC_INSTALLS } from "./bundle.ts";
import { captureLogger, fakeDevice, herdsmanMessage, replyPayload, z2mReceive } from "./helpers.ts";

describe("zigbee-herdsman-converters versions", () => {
  it("tests run against zigbee2mqtt's zhc and the newest, and package.json pins their major", () => {
    const [newest, z2m] = ZHC_INSTALLS.map((i) => i.version.split(".").map(Number));
    expect(ZHC_INSTALLS).toHaveLength(2);
    expect(newest![0]).toBe(z2m![0]);
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as Record<string, Record<string, string>>;
    const range =
      pkg.dependencies?.["zigbee-herdsman-converters"] ?? pkg.devDependencies?.["zigbee-herdsman-converters"];
    expect(range).toMatch(new RegExp(`^\\^${z2m![0]}\\.`));
  });
});

describe.each(ZHC_INSTALLS)("in zigbee-herdsman-converters $label", (install) => {
  const { zhc } = install;
  let bundle: LoadedBundle;

  beforeAll(async () => {
    zhc.setLogger(captureLogger().logger);
    bundle = await loadBundle(install);
  });

  afterAll(async () => {
    await bundle?.unload();
  });

  describe("the bundle", () => {
    it("imports nothing at run time but zigbee-herdsman-converters", () => {
      expect(bundle.imports.length).toBeGreaterThan(0);
      for (const p of bundle.imports) expect(p).toMatch(/^zigbee-herdsman-converters\//);
      const specifiers = [
        ...bundle.text.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']/g),
      ].map((m) => m[1] ?? m[2]);
      expect(specifiers.every((s) => s?.startsWith("zigbee-herdsman-converters/"))).toBe(true);
      expect(bundle.text).not.toMatch(/\brequire\(/);
      expect(bundle.text).not.toMatch(/["']node:/);
    });

    it("default-exports the four definitions", () => {
      expect(bundle.definitions.map((d) => [d.model, d.vendor])).toEqual([
        ["QS1", "APsystems"],
        ["QS1A", "APsystems"],
        ["YC600", "APsystems"],
        ["DS3", "APsystems"],
      ]);
      for (const d of bundle.definitions) expect(d.description).toMatch(/read-only in zigbee2mqtt/);
    });
  });

  describe("matching devices (findByDevice)", () => {
    it.each([
      ["801000085070", "QS1"],
      ["806000042582", "QS1A"],
      ["408000158215", "YC600"],
      ["704000202594", "DS3"],
      ["703000021300", "DS3"],
    ])("an inverter with serial %s and no modelID is a %s", async (serial, model) => {
      const def = await definitionFor(serial, zhc);
      expect(def.model).toBe(model);
      expect(def.vendor).toBe("APsystems");
    });

    it.each([
      ["a Xiaomi contact sensor", fakeDevice("0x00158d000122fcd1", { modelID: "lumi.sensor_magnet" })],
      ["an unknown device without modelID", fakeDevice("0x00124b0012345678")],
      ["a coordinator", fakeDevice(inverterIeee("801000085070"), { type: "Coordinator" })],
    ])("%s is not matched by our fingerprints", async (_what, device) => {
      const def = await zhc.findByDevice(device);
      expect(def?.vendor).not.toBe("APsystems");
    });
  });

  describe("exposes of the hosted definitions", () => {
    it.each([
      ["801000085070", 4],
      ["408000158215", 2],
      ["704000202594", 2],
    ])("%s exposes every catalog state key as a zhc expose type", async (serial, channels) => {
      const def = await definitionFor(serial, zhc);
      expect(Array.isArray(def.exposes)).toBe(true);
      const exposes = def.exposes as Expose[];
      expect(exposes.map((e) => e.property).sort()).toEqual(exposedKeys(channels).sort());
      for (const e of exposes) {
        const x: object = e;
        const isZhcType =
          x instanceof install.exposes.Numeric ||
          x instanceof install.exposes.Binary ||
          x instanceof install.exposes.Enum;
        expect(isZhcType, e.property).toBe(true);
      }
      expect(
        def.toZigbee.every((t) => !(t.key ?? []).some((k) => ["max_power", "state", "poll"].includes(k))),
      ).toBe(true);
    });

    it("fixes Home Assistant discovery through meta.overrideHaDiscoveryPayload", async () => {
      const def = await definitionFor("801000085070", zhc);
      const payload: Record<string, unknown> = { value_template: "{{ value_json.dc_current_ch2 }}" };
      def.meta?.overrideHaDiscoveryPayload?.(payload);
      expect(payload).toMatchObject({
        name: "DC current ch2",
        device_class: "current",
        state_class: "measurement",
      });
    });
  });

  describe("which herdsman messages reach the converter (zigbee2mqtt's receive: cluster === and type)", () => {
    // zigbee-herdsman's Controller.onZclPayload: "raw" carries the numeric cluster; a payload that parses as
    // ZCL carries the unknown cluster's name "262" and the type of its global command: report →
    // attributeReport, read → read, write → write, readRsp → readResponse (no message for any other command).
    it.each([
      ["raw", 262],
      ["read", "262"],
      ["readResponse", "262"],
      ["write", "262"],
      ["attributeReport", "262"],
    ])("type %s on cluster %j: exactly one converter", async (type, cluster) => {
      for (const serial of ["801000085070", "806000042582", "408000158215", "704000202594"]) {
        const def = await definitionFor(serial, zhc);
        const hits = def.fromZigbee.filter(
          (c) => c.cluster === cluster && (Array.isArray(c.type) ? c.type.includes(type) : c.type === type),
        );
        expect(hits, serial).toHaveLength(1);
      }
    });

    it.each([
      ["QS1 (raw)", "801000085070", captures.qs1Johan, "producing"],
      ["YC600 (raw)", "408000158215", captures.yc600Case0, "producing"],
      ['DS3 (ZCL read, cluster "262")', "703000021300", captures.ds3Telemetry, "producing"],
    ])("%s: a captured reply as herdsman delivers it decodes", async (_what, serial, capture, status) => {
      const def = await definitionFor(serial, zhc);
      const device = fakeDevice(inverterIeee(serial));
      const state = await z2mReceive(def, herdsmanMessage(device, replyPayload(capture).payload), {});
      expect(state.status).toBe(status);
      await def.onEvent?.({ type: "stop", data: { ieeeAddr: inverterIeee(serial) } });
    });
  });
});
