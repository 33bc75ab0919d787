import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { prepareDefinition } from "zigbee-herdsman-converters";
import type { DefinitionWithExtend, Fz, KeyValue } from "zigbee-herdsman-converters/lib/types";
import { definitions } from "../../converters/apsystems.ts";
import { fromZigbeeOf, runFromZigbee } from "../../converters/host.ts";
import { fzApsReply } from "../../converters/lib/fz.ts";
import { inverterIeee } from "../../src/protocol/ids.ts";
import { captures } from "../fixtures/captures.ts";
import { replyPayload } from "./helpers.ts";

const T0 = Date.parse("2024-06-01T10:00:00Z");
const TZ = "Europe/Amsterdam";
const qs1 = definitions.find((d) => d.model === "QS1")!;
const johan = replyPayload(captures.qs1Johan).payload;
let serialCounter = 0;
/** A fresh address per test so the converter's per-device memory starts empty. */
const freshDevice = () => ({ ieeeAddr: inverterIeee(`80100000${String(1000 + serialCounter++)}`) });

afterEach(() => {
  vi.useRealTimers();
});

describe("fromZigbeeOf", () => {
  it("collects the converters modern extends bring, like zhc's prepareDefinition", () => {
    const prepared = prepareDefinition(qs1);
    expect(fromZigbeeOf(qs1)).toEqual(prepared.fromZigbee);
    expect(fromZigbeeOf(qs1)).toContain(fzApsReply);
  });
});

describe("runFromZigbee", () => {
  let device: { ieeeAddr: string };
  beforeEach(() => {
    device = freshDevice();
  });

  it("gives the same state for the raw and the zhc-prepared definition", async () => {
    const raw = await runFromZigbee(qs1, johan, device, {}, { atMs: T0, timeZone: TZ });
    const other = freshDevice();
    const prepared = await runFromZigbee(
      prepareDefinition(qs1),
      johan,
      other,
      {},
      { atMs: T0, timeZone: TZ },
    );
    expect(raw.power).toBeGreaterThan(0);
    expect(prepared).toEqual(raw);
  });

  it("calls only converters for cluster 0x0106 and type raw, and merges their output", async () => {
    const calls: string[] = [];
    const spy = (cluster: number | string, type: string, out: KeyValue): Fz.Converter<number | string> => ({
      cluster,
      type: [type] as never,
      convert: () => {
        calls.push(`${cluster}/${type}`);
        return out;
      },
    });
    const def: DefinitionWithExtend = {
      ...qs1,
      fromZigbee: [
        spy(0x0106, "raw", { extra: 1 }),
        spy(0x0101, "raw", { wrong: 1 }),
        spy(0x0106, "read", { wrong: 2 }),
      ],
    };
    const state = await runFromZigbee(def, johan, device, {}, { atMs: T0, timeZone: TZ, linkquality: 94 });
    expect(calls).toEqual(["262/raw"]);
    expect(state.extra).toBe(1);
    expect(state.wrong).toBeUndefined();
    expect(state.status).toBe("producing");
  });

  it("applies the site's calibration and time zone", async () => {
    const plain = await runFromZigbee(qs1, johan, device, {}, { atMs: T0, timeZone: TZ });
    const calibrated = await runFromZigbee(
      qs1,
      johan,
      freshDevice(),
      {},
      { atMs: T0, timeZone: TZ, calibration: 0.5 },
    );
    expect(calibrated.energy_ch1).toBeCloseTo((plain.energy_ch1 as number) / 2, 4);
  });

  it("hands warnings to the controller's logger", async () => {
    const warnings: string[] = [];
    const logger = { warning: (m: string) => warnings.push(m), debug: () => {} };
    // AES shape: serial, 6-byte nonce, two 16-byte blocks.
    const aes = Buffer.from(`801000085070${"11".repeat(6 + 32)}`, "hex");
    const state = await runFromZigbee(qs1, aes, device, {}, { atMs: T0, logger });
    expect(state).toEqual({ status: "encrypted" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/re-pair/);
  });

  it("runs no silence timer unless the controller gives a publish callback", async () => {
    vi.useFakeTimers({ now: T0 });
    await runFromZigbee(qs1, johan, device, {}, { atMs: T0, timeZone: TZ });
    expect(vi.getTimerCount()).toBe(0);

    const published: KeyValue[] = [];
    await runFromZigbee(
      qs1,
      johan,
      freshDevice(),
      {},
      {
        timeZone: TZ,
        publish: (p) => published.push(p),
        sleepAfterMs: 60_000,
      },
    );
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(61_000);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ status: "sleeping", power: 0 });
  });
});
