/**
 * The converter's night behaviour (docs/zigbee2mqtt.md "Night"): no reply for 30 minutes → it publishes
 * `status: sleeping`, 0 W and unchanged energies; after local midnight energy_today reads 0; nothing goes
 * "unavailable". Driven through fzApsReply.convert with vi fake timers, the way zigbee2mqtt calls it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Definition, KeyValue } from "zigbee-herdsman-converters/lib/types";
import { telemetry } from "../../converters/lib/aps.ts";
import { fzApsReply, type HostContext, type HostMeta } from "../../converters/lib/fz.ts";
import { inverterIeee } from "../../src/protocol/ids.ts";
import { captures } from "../fixtures/captures.ts";
import { fakeDevice, herdsmanMessage, replyPayload } from "./helpers.ts";

const QS1 = { model: "QS1" } as Definition;
const YC600 = { model: "YC600" } as Definition;
const TZ = "Europe/Amsterdam";
// 12:00 in Amsterdam (CEST, UTC+2); local midnight is 2024-06-01T22:00:00Z.
const T0 = Date.parse("2024-06-01T10:00:00Z");
const MIN = 60_000;
const johan = replyPayload(captures.qs1Johan).payload;
const ieee = inverterIeee("801000085070");
/** Repeating one capture looks like a clock anomaly to the accounting; its warning is not under test here. */
const quiet = { warning: () => {}, debug: () => {} };
const stop = () => telemetry().onEvent![0]!({ type: "stop", data: { ieeeAddr: ieee } });

let published: KeyValue[];
const publish = (p: KeyValue) => published.push(p);

function receive(
  payload: Buffer,
  host: HostContext = { timeZone: TZ, logger: quiet },
  def = QS1,
  state: KeyValue = {},
): KeyValue | undefined {
  const meta: HostMeta = { state, device: fakeDevice(ieee), deviceExposesChanged: () => {}, localecu: host };
  return fzApsReply.convert(def, herdsmanMessage(fakeDevice(ieee), payload) as never, publish, {}, meta) as
    | KeyValue
    | undefined;
}

beforeEach(() => {
  published = [];
  vi.useFakeTimers({ now: T0 });
});

afterEach(() => {
  stop();
  vi.useRealTimers();
});

describe("silence after a reading", () => {
  it("publishes sleeping, 0 W and the same energies after 30 minutes, once", async () => {
    expect(receive(johan)?.status).toBe("producing");
    await vi.advanceTimersByTimeAsync(30 * MIN - 1);
    expect(published).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(published).toHaveLength(1);
    // Energies from capture-values.ts qs1Johan: A 279.29547, B 290.4437, C 320.82138, D 298.31755 Wh,
    // in kWh to 4 digits; the total 1188.8781 Wh.
    expect(published[0]).toMatchObject({
      status: "sleeping",
      power: 0,
      dc_power_ch1: 0,
      dc_power_ch4: 0,
      energy: 1.1889,
      energy_today: 1.1889,
      energy_ch1: 0.2793,
      energy_ch2: 0.2904,
      energy_ch3: 0.3208,
      energy_ch4: 0.2983,
      energy_today_ch3: 0.3208,
      fault_ground: false,
    });
    // Unchanged state is not published again while the inverter stays silent.
    await vi.advanceTimersByTimeAsync(3 * 60 * MIN);
    expect(published).toHaveLength(1);
  });

  it("after local midnight publishes energy_today 0 and keeps the lifetime", async () => {
    receive(johan);
    // 10:00Z + 11 h 59 min = 21:59Z = 23:59 in Amsterdam: still the same day.
    await vi.advanceTimersByTimeAsync(11 * 60 * MIN + 59 * MIN);
    expect(published).toHaveLength(1);
    // 23:00Z = 01:00 the next day in Amsterdam.
    await vi.advanceTimersByTimeAsync(61 * MIN);
    expect(published).toHaveLength(2);
    expect(published[1]).toMatchObject({
      status: "sleeping",
      power: 0,
      energy: 1.1889,
      energy_today: 0,
      energy_ch1: 0.2793,
      energy_today_ch1: 0,
      energy_today_ch4: 0,
    });
  });

  it("a new reading cancels the pending timer: sleeping comes 30 minutes after the last one", async () => {
    receive(johan);
    await vi.advanceTimersByTimeAsync(20 * MIN);
    receive(johan);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(29 * MIN);
    expect(published).toEqual([]);
    await vi.advanceTimersByTimeAsync(2 * MIN);
    expect(published).toHaveLength(1);
    expect(published[0]?.status).toBe("sleeping");
  });

  it("after waking up and falling silent again, sleeping is published again", async () => {
    receive(johan);
    await vi.advanceTimersByTimeAsync(31 * MIN);
    expect(published).toHaveLength(1);
    receive(johan);
    await vi.advanceTimersByTimeAsync(31 * MIN);
    expect(published).toHaveLength(2);
    expect(published[1]?.status).toBe("sleeping");
  });

  it("honours the host's delay, and runs no timer at all when it is 0", async () => {
    receive(johan, { timeZone: TZ, logger: quiet, sleepAfterMs: 5 * MIN });
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(published).toHaveLength(1);
    stop();
    receive(johan, { timeZone: TZ, logger: quiet, sleepAfterMs: 0 });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(24 * 60 * MIN);
    expect(published).toHaveLength(1);
  });

  it("never keeps zigbee2mqtt (or a test run) alive just to say sleeping: the timer holds no ref", () => {
    vi.useRealTimers();
    // Node lists a timer among the active resources only while it keeps the event loop alive.
    const refTimers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = refTimers();
    expect(receive(johan)?.status).toBe("producing");
    expect(refTimers()).toBe(before);
  });

  it("a read-back limit is not a reading: it arms no timer", async () => {
    const limit = replyPayload(captures.yc600Limit300).payload;
    expect(receive(limit, { timeZone: TZ }, YC600)).toEqual({ max_power: 300 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a host that books energy in its own store gets no sleeping state from the converter", async () => {
    // The converter's memory then holds no energy: silence is the host's to publish (it knows its polls).
    const account = vi.fn(() => ({
      acPowerW: 175,
      lifetimeWh: 1000,
      todayWh: 100,
      channels: [1, 2, 3, 4].map((channel) => ({ channel, lifetimeWh: 250, todayWh: 25 })),
      events: [],
    }));
    receive(johan, { timeZone: TZ, account: account as never });
    expect(account).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2 * 60 * MIN);
    expect(published).toEqual([]);
  });
});

describe("the device's memory ends with zigbee2mqtt's stop event", () => {
  const first = replyPayload(captures.yc600Poll36495).payload;
  const second = replyPayload(captures.yc600Poll36887).payload;
  const yc = inverterIeee("408000158215");
  const receiveYc = (payload: Buffer) => {
    const meta: HostMeta = {
      state: {},
      device: fakeDevice(yc),
      deviceExposesChanged: () => {},
      localecu: { timeZone: TZ },
    };
    return fzApsReply.convert(YC600, herdsmanMessage(fakeDevice(yc), payload) as never, publish, {}, meta);
  };
  const onEvent = telemetry().onEvent![0]!;
  afterEach(() => onEvent({ type: "stop", data: { ieeeAddr: yc } }));

  // Two captured polls 392 s apart (decode.test.ts): with memory, AC power is the counter delta,
  // 3.77712 Wh × 3600 / 392 s = 34.688 W; without, the first-poll estimate Σ V·I × 0.95 = 56.8839 W.
  it("kept across readings: the second poll's power comes from the counters", async () => {
    receiveYc(first);
    vi.setSystemTime(T0 + 392_000);
    expect(receiveYc(second)).toMatchObject({ power: 34.7 });
  });

  it("another event (start, announce) keeps it", async () => {
    receiveYc(first);
    onEvent({ type: "start", data: {} as never });
    vi.setSystemTime(T0 + 392_000);
    expect(receiveYc(second)).toMatchObject({ power: 34.7 });
  });

  it("stop forgets it and its timer: no sleeping state, and the next poll starts afresh", async () => {
    receiveYc(first);
    onEvent({ type: "stop", data: { ieeeAddr: yc } });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60 * MIN);
    expect(published).toEqual([]);
    vi.setSystemTime(T0 + 392_000);
    expect(receiveYc(second)).toMatchObject({ power: 56.9 });
  });
});
