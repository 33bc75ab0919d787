/**
 * The built zigbee2mqtt bundle in the real zigbee-herdsman-converters: what it imports, what it exports,
 * which devices it matches and what it exposes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as zhc from "zigbee-herdsman-converters";
import zhcExposes from "zigbee-herdsman-converters/lib/exposes";
import type { Expose } from "zigbee-herdsman-converters/lib/types";
import { exposedKeys } from "../../converters/lib/exposes.ts";
import { inverterIeee } from "../../src/protocol/ids.ts";
import { definitionFor, type LoadedBundle, loadBundle } from "./bundle.ts";
import { captureLogger, fakeDevice } from "./helpers.ts";

let bundle: LoadedBundle;

beforeAll(async () => {
  zhc.setLogger(captureLogger().logger);
  bundle = await loadBundle();
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
    const def = await definitionFor(serial);
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
    const def = await definitionFor(serial);
    expect(Array.isArray(def.exposes)).toBe(true);
    const exposes = def.exposes as Expose[];
    expect(exposes.map((e) => e.property).sort()).toEqual(exposedKeys(channels).sort());
    for (const e of exposes) {
      const x: object = e;
      const isZhcType =
        x instanceof zhcExposes.Numeric || x instanceof zhcExposes.Binary || x instanceof zhcExposes.Enum;
      expect(isZhcType, e.property).toBe(true);
    }
    expect(
      def.toZigbee.every((t) => !(t.key ?? []).some((k) => ["max_power", "state", "poll"].includes(k))),
    ).toBe(true);
  });

  it("fixes Home Assistant discovery through meta.overrideHaDiscoveryPayload", async () => {
    const def = await definitionFor("801000085070");
    const payload: Record<string, unknown> = { value_template: "{{ value_json.dc_current_ch2 }}" };
    def.meta?.overrideHaDiscoveryPayload?.(payload);
    expect(payload).toMatchObject({
      name: "DC current ch2",
      device_class: "current",
      state_class: "measurement",
    });
  });
});
