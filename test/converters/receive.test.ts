/**
 * Captured inverter replies through the built bundle, delivered as zigbee2mqtt's receive extension does
 * (converters picked by cluster and type), and the controller path (runFromZigbee) against it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import * as zhc from "zigbee-herdsman-converters";
import type { KeyValue } from "zigbee-herdsman-converters/lib/types";
import { definitions as sourceDefinitions } from "../../converters/apsystems.ts";
import { runFromZigbee } from "../../converters/host.ts";
import { systemTimeZone } from "../../converters/lib/decode.ts";
import { exposedKeys } from "../../converters/lib/exposes.ts";
import { SLEEP_AFTER_MS } from "../../converters/lib/fz.ts";
import { inverterIeee } from "../../src/protocol/ids.ts";
import { WORKED } from "../fixtures/capture-values.ts";
import { captures } from "../fixtures/captures.ts";
import { expectPublished, expectWorkedState } from "../fixtures/published.ts";
import { definitionFor, type LoadedBundle, loadBundle, stopDevice as stop } from "./bundle.ts";
import { captureLogger, fakeDevice, herdsmanMessage, replyPayload, z2mReceive } from "./helpers.ts";

const T0 = Date.parse("2024-06-01T10:00:00Z");
const log = captureLogger();
let bundle: LoadedBundle;

beforeAll(async () => {
  zhc.setLogger(log.logger);
  bundle = await loadBundle();
});

afterAll(async () => {
  await bundle?.unload();
});

afterEach(() => {
  vi.useRealTimers();
});

/** Channel A of the two consecutive YC600 polls: 100 544 890 counter steps × 3.756e-8 Wh = 3.77647 Wh. */
const POLL_PAIR_DELTA_KWH_CH1 = 0.00377647;

describe("fromZigbee: captured replies as zigbee2mqtt delivers them", () => {
  beforeEach(async () => {
    for (const s of ["801000085070", "408000158215", "703000021300"]) await stop(await definitionFor(s), s);
  });

  it("the QS1 capture becomes the catalog state, channels as _ch1…_ch4", async () => {
    vi.useFakeTimers({ now: T0 });
    const def = await definitionFor("801000085070");
    const { payload } = replyPayload(captures.qs1Johan);
    const device = fakeDevice(inverterIeee("801000085070"));
    const state = await z2mReceive(def, herdsmanMessage(device, payload), {});
    expect(Object.keys(state).sort()).toEqual(exposedKeys(4).sort());
    expect(state.status).toBe("producing");
    expectWorkedState(state, WORKED.qs1Johan);
  });

  it("a DS3 reply that herdsman parses as a ZCL 'read' frame still decodes (from meta.rawData)", async () => {
    const def = await definitionFor("703000021300");
    const { payload } = replyPayload(captures.ds3Telemetry);
    // zigbee-herdsman's Controller.onZclPayload: ZCL first, "raw" only when that fails.
    const device = fakeDevice(inverterIeee("703000021300"));
    const msg = herdsmanMessage(device, payload);
    expect([msg.type, msg.cluster]).toEqual(["read", "262"]);
    const state = await z2mReceive(def, msg, {});
    expectWorkedState(state, WORKED.ds3Telemetry);
  });

  it("two consecutive captured polls accumulate energy", async () => {
    const first = replyPayload(captures.yc600Poll36495).payload;
    const second = replyPayload(captures.yc600Poll36887).payload;
    const [a, b] = [WORKED.yc600Poll36495, WORKED.yc600Poll36887];
    vi.useFakeTimers({ now: T0 });
    const def = await definitionFor("408000158215");
    const device = fakeDevice(inverterIeee("408000158215"));
    const state: KeyValue = {};
    const s1 = { ...(await z2mReceive(def, herdsmanMessage(device, first), state)) };
    vi.setSystemTime(T0 + (b.uptimeS - a.uptimeS) * 1000);
    const s2 = await z2mReceive(def, herdsmanMessage(device, second), state);
    expectWorkedState(s1, a);
    expect(s2.energy_ch1).toBeCloseTo((s1.energy_ch1 as number) + POLL_PAIR_DELTA_KWH_CH1, 3);
    // 3.77712 Wh over 392 s = 34.688 W from the counters.
    expectPublished(s2.power, 34.6878, 1, "power");
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
        herdsmanMessage(device, replyPayload(captures.yc600Poll36887).payload),
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
      herdsmanMessage(device, replyPayload(captures.yc600Poll15371).payload),
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
    const before = { ...(await z2mReceive(def, herdsmanMessage(device, first), state)) };
    await stop(def, "408000158215"); // zigbee2mqtt stops; state.json keeps `state`
    vi.setSystemTime(T0 + 392_000);
    const after = await z2mReceive(def, herdsmanMessage(device, second), state);
    expect(after.energy_ch1 as number).toBeGreaterThanOrEqual(before.energy_ch1 as number);
    expect(after.energy_ch1).toBeCloseTo((before.energy_ch1 as number) + POLL_PAIR_DELTA_KWH_CH1, 3);
  });

  it("an AES-paired inverter publishes status encrypted and logs a warning", async () => {
    const def = await definitionFor("801000085070");
    const device = fakeDevice(inverterIeee("801000085070"));
    const payload = Buffer.from(`801000085070${"3c".repeat(6)}${"a5".repeat(32)}`, "hex");
    log.lines.length = 0;
    const state = await z2mReceive(def, herdsmanMessage(device, payload), {});
    expect(state).toEqual({ status: "encrypted" });
    const warnings = log.lines.filter((l) => l.level === "warning");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/801000085070.*AES/);
  });

  it("a garbled reply is logged and publishes nothing", async () => {
    const def = await definitionFor("801000085070");
    const device = fakeDevice(inverterIeee("801000085070"));
    log.lines.length = 0;
    const state = await z2mReceive(
      def,
      herdsmanMessage(device, Buffer.from("801000085070fbfb51b1", "hex")),
      {},
    );
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
    const viaZ2m = await z2mReceive(def, herdsmanMessage(fakeDevice(ieeeAddr), payload), {});
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
