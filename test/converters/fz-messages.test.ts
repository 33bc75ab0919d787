/**
 * fzApsReply.convert on the messages zigbee-herdsman hands over (fz.ts header, docs/zigbee2mqtt.md
 * "Decoding"): which bytes it decodes, what it logs where, and what a host passes in `meta.localecu`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as zhc from "zigbee-herdsman-converters";
import type { Definition, KeyValue } from "zigbee-herdsman-converters/lib/types";
import type { DecodeResult } from "../../converters/lib/decode.ts";
import { forgetDevice, fzApsReply, type HostContext, type HostMeta } from "../../converters/lib/fz.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { inverterIeee } from "../../src/protocol/ids.ts";
import { captures } from "../fixtures/captures.ts";
import { captureLogger, fakeDevice, replyPayload } from "./helpers.ts";

const TZ = "Europe/Amsterdam";
const T0 = Date.parse("2024-06-01T10:00:00Z");
const QS1 = { model: "QS1" } as Definition;
const YC600 = { model: "YC600" } as Definition;
const johan = replyPayload(captures.qs1Johan).payload;
const ieee = inverterIeee("801000085070");
const yc = inverterIeee("408000158215");

let lines: { level: string; text: string }[];
const logger = {
  warning: (text: string) => lines.push({ level: "warning", text }),
  debug: (text: string) => lines.push({ level: "debug", text }),
};

type Msg = { type: string; data: unknown; meta?: { rawData?: unknown } };

function convert(
  msg: Msg,
  /** null: zigbee2mqtt, which passes no meta.localecu. */
  host: HostContext | null = { atMs: T0, timeZone: TZ, logger, sleepAfterMs: 0 },
  opts: { def?: Definition; device?: string; state?: KeyValue } = {},
): KeyValue | undefined {
  const device = fakeDevice(opts.device ?? ieee);
  const meta = { state: opts.state ?? {}, device, deviceExposesChanged: () => {} } as HostMeta;
  if (host) meta.localecu = host;
  const full = { cluster: 262, device, endpoint: { ID: 0x14 }, groupID: 0, linkquality: 80, ...msg };
  return fzApsReply.convert(opts.def ?? QS1, full as never, () => {}, {}, meta) as KeyValue | undefined;
}
const raw = (payload: Buffer): Msg => ({ type: "raw", data: payload, meta: { rawData: payload } });

beforeEach(() => {
  lines = [];
});
afterEach(() => {
  forgetDevice(ieee);
  forgetDevice(yc);
  vi.useRealTimers();
});

describe("which bytes are decoded", () => {
  it("meta.rawData, whatever herdsman parsed into data (a ZCL 'read' frame's attribute list)", () => {
    const out = convert({ type: "read", data: { 20480: 1 }, meta: { rawData: johan } });
    expect(out?.status).toBe("producing");
  });

  it("meta.rawData before a data buffer", () => {
    const other = Buffer.from("801000085070fbfb51b1", "hex");
    expect(convert({ type: "raw", data: other, meta: { rawData: johan } })?.status).toBe("producing");
  });

  it("a raw message's data buffer when meta carries no rawData", () => {
    expect(convert({ type: "raw", data: johan, meta: {} })?.status).toBe("producing");
    forgetDevice(ieee);
    expect(convert({ type: "raw", data: johan })?.status).toBe("producing");
  });

  it("no bytes at all: nothing published, a warning naming the device and the message type", () => {
    expect(convert({ type: "attributeReport", data: { 1: 2 }, meta: {} })).toBeUndefined();
    expect(lines).toEqual([
      {
        level: "warning",
        text: `APsystems ${ieee}: attributeReport message on cluster 0x0106 carries no raw bytes; ignored`,
      },
    ]);
  });

  it("bytes that are no inverter reply: nothing published, a warning with the reason and the payload", () => {
    const junk = Buffer.from("801000085070fbfb51b1", "hex");
    expect(convert(raw(junk))).toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe("warning");
    expect(lines[0]!.text).toMatch(new RegExp(`^APsystems ${ieee}: reply not decoded \\(.+\\); ignored`));
    expect(lines[0]!.text).toMatch(/Payload: 801000085070fbfb51b1$/);
  });

  it("reads the payload with the matched definition's model, not the serial's prefix", () => {
    // host-model.test.ts: the QS1 capture under serial 803000085070, a prefix no model has.
    const l2 = replyPayload(captures.qs1Johan).payload.subarray(6);
    const payload = Buffer.concat([Buffer.from(fromHex("803000085070")), l2]);
    expect(convert(raw(payload))?.status).toBe("producing");
    expect(lines.filter((l) => l.level === "warning")).toEqual([]);
  });
});

describe("what the host passes in meta.localecu", () => {
  const first = replyPayload(captures.yc600Poll36495).payload;
  const second = replyPayload(captures.yc600Poll36887).payload;
  const host = (atMs: number, more: Partial<HostContext> = {}): HostContext => ({
    atMs,
    timeZone: TZ,
    logger,
    sleepAfterMs: 0,
    ...more,
  });

  it("the reading time: power from the counter delta over the host's 392 s (decode.test.ts worked example)", () => {
    convert(raw(first), host(T0), { def: YC600, device: yc });
    const out = convert(raw(second), host(T0 + 392_000), { def: YC600, device: yc });
    expect(out?.power).toBe(34.7);
  });

  it("the site's calibration scales every energy", () => {
    // qs1Johan channel A: 279.29547 Wh × 0.5 = 139.6477 Wh → 0.1396 kWh.
    const out = convert(raw(johan), host(T0, { calibration: 0.5 }));
    expect(out?.energy_ch1).toBe(0.1396);
  });

  it("the reply the host already decoded is used as is", () => {
    const reply = {
      kind: "limit",
      serial: "408000158215",
      model: "YC600",
      family: "yc600",
      limitRaw: 0x21db,
      limitW: 300,
      limitPer: "panel",
    } as const;
    // The bytes are a telemetry reply; the host's limit reply wins (no second decode).
    const out = convert(raw(first), host(T0, { reply: reply as never }), { def: YC600, device: yc });
    expect(out).toEqual({ max_power: 300 });
  });

  it("onResult receives the whole result: reply, state and the booking", () => {
    const results: DecodeResult[] = [];
    convert(raw(johan), host(T0, { onResult: (r) => results.push(r) }));
    expect(results).toHaveLength(1);
    expect(results[0]!.reply.serial).toBe("801000085070");
    expect(results[0]!.values.status).toBe("producing");
    // First reading: the energy since power-up, 1188.8781 Wh (capture-values.ts qs1Johan).
    expect(results[0]!.accounting?.lifetimeWh).toBeCloseTo(1188.8781, 3);
  });

  it("an info reply publishes nothing and says so at debug level", () => {
    const info = { kind: "info", serial: "801000085070", modelCode: 1, raw: "" } as const;
    expect(convert(raw(johan), host(T0, { reply: info }))).toEqual({});
    expect(lines).toEqual([
      { level: "debug", text: "APsystems 801000085070: info reply, nothing to publish" },
    ]);
  });

  it("a limit read-back publishes max_power without that note", () => {
    const limit = replyPayload(captures.yc600Limit300).payload;
    expect(convert(raw(limit), host(T0), { def: YC600, device: yc })).toEqual({ max_power: 300 });
    expect(lines).toEqual([]);
  });
});

describe("logging", () => {
  const evening = replyPayload(captures.yc600Poll36887).payload;
  const morning = replyPayload(captures.yc600Poll15371).payload;

  it("an AES-paired inverter: its warning, prefixed with the serial", () => {
    const aes = Buffer.from(`801000085070${"3c".repeat(6)}${"a5".repeat(32)}`, "hex");
    expect(convert(raw(aes))).toEqual({ status: "encrypted" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "warning" });
    expect(lines[0]!.text).toMatch(/^APsystems 801000085070: .*AES/);
  });

  it("energy events at their level: a restart at debug, a clock that does not fit the uptime as a warning", () => {
    const h = (atMs: number): HostContext => ({ atMs, timeZone: TZ, logger, sleepAfterMs: 0 });
    convert(raw(evening), h(T0), { def: YC600, device: yc });
    convert(raw(morning), h(T0 + 20 * 3600_000), { def: YC600, device: yc });
    expect(lines).toEqual([
      { level: "debug", text: "APsystems 408000158215: inverter restarted (uptime 36887 → 15371 s)" },
    ]);
    lines = [];
    // The same reply again ten minutes later: its uptime did not move.
    convert(raw(morning), h(T0 + 20 * 3600_000 + 600_000), { def: YC600, device: yc });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.level).toBe("warning");
    expect(lines[0]!.text).toMatch(/^APsystems 408000158215: uptime 15371 → 15371 s does not fit 600 s/);
  });

  it("a host with its own store logs its events itself: the converter does not repeat them", () => {
    const event = { level: "warn", code: "restart", serial: "801000085070", atMs: T0, message: "x" };
    const account = () => ({ acPowerW: 100, channels: [], events: [event] }) as never;
    convert(raw(johan), { atMs: T0, timeZone: TZ, logger, sleepAfterMs: 0, account });
    expect(lines).toEqual([]);
  });

  describe("in zigbee2mqtt (no meta.localecu)", () => {
    const log = captureLogger();
    beforeEach(() => {
      log.lines.length = 0;
      zhc.setLogger(log.logger);
      vi.useFakeTimers({ now: T0 });
    });

    it("warnings go to zigbee2mqtt's logger under the zhc:apsystems namespace", () => {
      expect(convert({ type: "read", data: {}, meta: {} }, null)).toBeUndefined();
      expect(log.lines).toEqual([
        {
          level: "warning",
          message: `APsystems ${ieee}: read message on cluster 0x0106 carries no raw bytes; ignored`,
          namespace: "zhc:apsystems",
        },
      ]);
    });

    it("debug lines too, and the reading time is the clock's", () => {
      convert(raw(evening), null, { def: YC600, device: yc });
      vi.setSystemTime(T0 + 20 * 3600_000);
      convert(raw(morning), null, { def: YC600, device: yc });
      expect(log.lines).toEqual([
        {
          level: "debug",
          message: "APsystems 408000158215: inverter restarted (uptime 36887 → 15371 s)",
          namespace: "zhc:apsystems",
        },
      ]);
    });

    it("seeds the energy from zigbee2mqtt's state cache (meta.state) after a restart", () => {
      // Seeding rule (energy.ts, docs/zigbee2mqtt.md): cached lifetime + (since power-up − cached today).
      // qs1Johan channel A since power-up 279.29547 Wh: 12 500 + (279.29547 − 200) = 12 579.29547 Wh.
      const state = { energy_ch1: 12.5, energy_today_ch1: 0.2 };
      expect(convert(raw(johan), null, { state })?.energy_ch1).toBe(12.5793);
    });
  });
});
