/**
 * The built zigbee2mqtt bundle, loaded and driven the way zigbee2mqtt 2.x does it: esbuild output in an
 * external_converters/ folder with node_modules symlinked next to it, `import()`, externalConverterName +
 * addExternalDefinition, findByDevice, and fromZigbee converters picked by cluster and type.
 */
import { mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { Zcl } from "zigbee-herdsman";
import * as zhc from "zigbee-herdsman-converters";
import zhcExposes from "zigbee-herdsman-converters/lib/exposes";
import type {
  Definition,
  DefinitionWithExtend,
  Expose,
  KeyValue,
} from "zigbee-herdsman-converters/lib/types";
import { definitions as sourceDefinitions } from "../../converters/apsystems.ts";
import { runFromZigbee } from "../../converters/host.ts";
import { systemTimeZone } from "../../converters/lib/decode.ts";
import { exposedKeys } from "../../converters/lib/exposes.ts";
import { SLEEP_AFTER_MS } from "../../converters/lib/fz.ts";
import { buildConverter } from "../../scripts/build-converter.mjs";
import { inverterIeee } from "../../src/protocol/ids.ts";
import { decodeReply } from "../../src/protocol/replies.ts";
import { QS1_ENERGY_WH_PER_LSB } from "../../src/protocol/scales.ts";
import type { Telemetry } from "../../src/protocol/types.ts";
import { captures } from "../fixtures/captures.ts";
import { captureLogger, fakeDevice, rawMessage, replyPayload, z2mReceive } from "./helpers.ts";

const NAME = "apsystems.mjs";
const T0 = Date.parse("2024-06-01T10:00:00Z");
const log = captureLogger();
let tmp = "";
let bundleText = "";
let bundleImports: string[] = [];
let bundled: DefinitionWithExtend[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "localecu-z2m-"));
  const dir = join(tmp, "external_converters");
  await mkdir(dir);
  await symlink(resolve("node_modules"), join(dir, "node_modules"), "dir");
  const built = await buildConverter({ outfile: join(dir, NAME) });
  bundleImports = built.imports;
  bundleText = await readFile(built.outfile, "utf8");
  const mod = (await import(pathToFileURL(built.outfile).href)) as { default: DefinitionWithExtend[] };
  bundled = mod.default;
  zhc.setLogger(log.logger);
  zhc.removeExternalDefinitions(NAME);
  for (const d of bundled) {
    d.externalConverterName = NAME; // what zigbee2mqtt's externalConverters extension does
    zhc.addExternalDefinition(d as zhc.ExternalDefinitionWithExtend);
  }
});

afterAll(async () => {
  zhc.removeExternalDefinitions(NAME);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

afterEach(() => {
  vi.useRealTimers();
});

async function definitionFor(serial: string): Promise<Definition> {
  const def = await zhc.findByDevice(fakeDevice(inverterIeee(serial)));
  if (!def) throw new Error(`no definition for ${serial}`);
  return def;
}

/** zigbee2mqtt's "stop" event: the converter forgets the device (as on a zigbee2mqtt restart). */
async function stop(def: Definition, serial: string): Promise<void> {
  await def.onEvent?.({ type: "stop", data: { ieeeAddr: inverterIeee(serial) } });
}

function telemetryOf(payload: Uint8Array): Telemetry {
  const r = decodeReply(payload);
  if (r.kind !== "telemetry") throw new Error(r.kind);
  return r;
}

describe("the bundle", () => {
  it("imports nothing at run time but zigbee-herdsman-converters", () => {
    expect(bundleImports.length).toBeGreaterThan(0);
    for (const p of bundleImports) expect(p).toMatch(/^zigbee-herdsman-converters\//);
    const specifiers = [
      ...bundleText.matchAll(/\bfrom\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']/g),
    ].map((m) => m[1] ?? m[2]);
    expect(specifiers.every((s) => s?.startsWith("zigbee-herdsman-converters/"))).toBe(true);
    expect(bundleText).not.toMatch(/\brequire\(/);
    expect(bundleText).not.toMatch(/["']node:/);
  });

  it("default-exports the four definitions", () => {
    expect(bundled.map((d) => [d.model, d.vendor])).toEqual([
      ["QS1", "APsystems"],
      ["QS1A", "APsystems"],
      ["YC600", "APsystems"],
      ["DS3", "APsystems"],
    ]);
    for (const d of bundled) expect(d.description).toMatch(/read-only in zigbee2mqtt/);
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

describe("fromZigbee: captured replies as zigbee2mqtt delivers them", () => {
  beforeEach(async () => {
    for (const s of ["801000085070", "408000158215", "703000021300"]) await stop(await definitionFor(s), s);
  });

  it("the QS1 capture becomes the catalog state, channels as _ch1…_ch4", async () => {
    vi.useFakeTimers({ now: T0 });
    const def = await definitionFor("801000085070");
    const { payload } = replyPayload(captures.qs1Johan);
    const t = telemetryOf(payload);
    const device = fakeDevice(inverterIeee("801000085070"));
    const state = await z2mReceive(def, rawMessage(device, payload), {});
    expect(Object.keys(state).sort()).toEqual(exposedKeys(4).sort());
    expect(state.status).toBe("producing");
    expect(state.ac_voltage).toBeCloseTo(t.acVoltageV, 1);
    expect(state.ac_frequency).toBeCloseTo(t.frequencyHz, 2);
    for (const c of t.channels) {
      expect(state[`dc_voltage_ch${c.channel}`]).toBeCloseTo(c.voltageV, 2);
      expect(state[`dc_current_ch${c.channel}`]).toBeCloseTo(c.currentA, 3);
      expect(state[`energy_ch${c.channel}`]).toBeCloseTo((c.energyCounter * QS1_ENERGY_WH_PER_LSB) / 1000, 4);
    }
  });

  it("a DS3 reply that herdsman parses as a ZCL 'read' frame still decodes (from meta.rawData)", async () => {
    const def = await definitionFor("703000021300");
    const { payload } = replyPayload(captures.ds3Telemetry);
    // zigbee-herdsman's Controller.onZclPayload: ZCL first, "raw" only when that fails.
    const frame = Zcl.Frame.fromBuffer(0x0106, Zcl.Header.fromBuffer(payload), payload, {});
    expect(frame.command.name).toBe("read");
    const device = fakeDevice(inverterIeee("703000021300"));
    const state = await z2mReceive(def, rawMessage(device, payload, "read", frame.payload), {});
    const t = telemetryOf(payload);
    expect(state.power).toBeCloseTo(t.acPowerW, 1);
    expect(state.dc_voltage_ch2).toBeCloseTo(t.channels[1]!.voltageV, 2);
  });

  it("two consecutive captured polls accumulate energy", async () => {
    const first = replyPayload(captures.yc600Poll36495).payload;
    const second = replyPayload(captures.yc600Poll36887).payload;
    const [a, b] = [telemetryOf(first), telemetryOf(second)];
    vi.useFakeTimers({ now: T0 });
    const def = await definitionFor("408000158215");
    const device = fakeDevice(inverterIeee("408000158215"));
    const state: KeyValue = {};
    const s1 = { ...(await z2mReceive(def, rawMessage(device, first), state)) };
    vi.setSystemTime(T0 + (b.uptimeS - a.uptimeS) * 1000);
    const s2 = await z2mReceive(def, rawMessage(device, second), state);
    const deltaKWh =
      ((b.channels[0]!.energyCounter - a.channels[0]!.energyCounter) * QS1_ENERGY_WH_PER_LSB) / 1000;
    expect(s2.energy_ch1).toBeCloseTo((s1.energy_ch1 as number) + deltaKWh, 3);
    expect(s2.energy as number).toBeGreaterThan(s1.energy as number);
    expect(s2.energy_today as number).toBeGreaterThan(s1.energy_today as number);
  });

  it("a sleeping inverter reads 0 W and never makes energy go down, through the night and the restart", async () => {
    vi.useFakeTimers({ now: T0 });
    const def = await definitionFor("408000158215");
    const device = fakeDevice(inverterIeee("408000158215"));
    const state: KeyValue = {};
    const published: KeyValue[] = [];
    const publish = (p: KeyValue) => {
      published.push(p);
      Object.assign(state, p);
    };
    const evening = {
      ...(await z2mReceive(
        def,
        rawMessage(device, replyPayload(captures.yc600Poll36887).payload),
        state,
        publish,
      )),
    };

    await vi.advanceTimersByTimeAsync(SLEEP_AFTER_MS + 1000);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ status: "sleeping", power: 0, dc_power_ch1: 0, dc_power_ch2: 0 });
    expect(published[0]!.energy).toBe(evening.energy);
    expect(published[0]!.energy_ch1).toBe(evening.energy_ch1);

    await vi.advanceTimersByTimeAsync(24 * 3600_000); // past local midnight, still silent
    expect(state.energy_today).toBe(0);
    expect(state.energy).toBe(evening.energy);

    // Morning: the inverter powers up with fresh counters (uptime 15371 s).
    const morning = await z2mReceive(
      def,
      rawMessage(device, replyPayload(captures.yc600Poll15371).payload),
      state,
      publish,
    );
    expect(morning.status).toBe("producing");
    for (const k of ["energy", "energy_ch1", "energy_ch2"])
      expect(morning[k] as number).toBeGreaterThanOrEqual(evening[k] as number);
  });

  it("after a zigbee2mqtt restart the cached state seeds the energy without counting today twice", async () => {
    vi.useFakeTimers({ now: T0 });
    const def = await definitionFor("408000158215");
    const device = fakeDevice(inverterIeee("408000158215"));
    const state: KeyValue = {};
    const first = replyPayload(captures.yc600Poll36495).payload;
    const second = replyPayload(captures.yc600Poll36887).payload;
    const before = { ...(await z2mReceive(def, rawMessage(device, first), state)) };
    await stop(def, "408000158215"); // zigbee2mqtt stops; state.json keeps `state`
    vi.setSystemTime(T0 + 392_000);
    const after = await z2mReceive(def, rawMessage(device, second), state);
    const [a, b] = [telemetryOf(first), telemetryOf(second)];
    const deltaKWh =
      ((b.channels[0]!.energyCounter - a.channels[0]!.energyCounter) * QS1_ENERGY_WH_PER_LSB) / 1000;
    expect(after.energy_ch1 as number).toBeGreaterThanOrEqual(before.energy_ch1 as number);
    expect(after.energy_ch1).toBeCloseTo((before.energy_ch1 as number) + deltaKWh, 3);
  });

  it("an AES-paired inverter publishes status encrypted and logs a warning", async () => {
    const def = await definitionFor("801000085070");
    const device = fakeDevice(inverterIeee("801000085070"));
    const payload = Buffer.from(`801000085070${"3c".repeat(6)}${"a5".repeat(32)}`, "hex");
    log.lines.length = 0;
    const state = await z2mReceive(def, rawMessage(device, payload), {});
    expect(state).toEqual({ status: "encrypted" });
    const warnings = log.lines.filter((l) => l.level === "warning");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/801000085070.*AES/);
  });

  it("a garbled reply is logged and publishes nothing", async () => {
    const def = await definitionFor("801000085070");
    const device = fakeDevice(inverterIeee("801000085070"));
    log.lines.length = 0;
    const state = await z2mReceive(def, rawMessage(device, Buffer.from("801000085070fbfb51b1", "hex")), {});
    expect(state).toEqual({});
    expect(log.lines.some((l) => l.level === "warning" && /not decoded/.test(l.message))).toBe(true);
  });
});

describe("the controller path (runFromZigbee) and the zigbee2mqtt path agree", () => {
  it.each([
    ["801000085070", captures.qs1Johan],
    ["408000158215", captures.yc600Case0],
    ["703000021300", captures.ds3Telemetry],
    ["408000158215", captures.yc600Limit300],
  ])("%s", async (serial, capture) => {
    const def = await definitionFor(serial);
    await stop(def, serial);
    const { payload } = replyPayload(capture);
    const ieeeAddr = inverterIeee(serial);
    vi.useFakeTimers({ now: T0 });
    const viaZ2m = await z2mReceive(def, rawMessage(fakeDevice(ieeeAddr), payload), {});
    const source = sourceDefinitions.find((d) => d.model === def.model)!;
    const viaHost = await runFromZigbee(
      source,
      payload,
      { ieeeAddr },
      {},
      { atMs: T0, timeZone: systemTimeZone() },
    );
    expect(Object.keys(viaZ2m).length).toBeGreaterThan(0);
    expect(viaHost).toEqual(viaZ2m);
  });
});
