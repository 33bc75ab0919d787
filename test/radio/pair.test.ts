import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  encodeZnpFrame,
  PAIR_STEP_MS,
  pairingSequence,
  parseEcuId,
  toHex,
} from "../../src/protocol/index.ts";
import type { PairingProgress } from "../../src/radio/events.ts";
import { ECU_ID, QS1, startedStick, YC600 } from "./harness.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("pairing by serial", () => {
  it("sends the four codec broadcasts ~1.5 s apart and returns the answering short address", async () => {
    const { fake, stick } = await startedStick({ inverters: [[YC600, 0x103a]] });
    const progress: PairingProgress[] = [];
    const p = stick.pair(YC600, { onProgress: (e) => progress.push(e) });
    await vi.advanceTimersByTimeAsync(PAIR_STEP_MS - 1);
    expect(fake.sent("AF_DATA_REQUEST_EXT")).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.sent("AF_DATA_REQUEST_EXT")).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(3 * PAIR_STEP_MS);
    await expect(p).resolves.toEqual({ serial: YC600, shortAddress: 0x103a });
    const want = pairingSequence(YC600, parseEcuId(ECU_ID)).map((f) => toHex(encodeZnpFrame(f)));
    expect(fake.sent("AF_DATA_REQUEST_EXT").map((f) => toHex(encodeZnpFrame(f)))).toEqual(want);
    expect(progress.map((e) => e.step)).toEqual([1, 2, 3, 4]);
    expect(progress.map((e) => e.cluster)).toEqual([0x020d, 0x020c, 0x010f, 0x0101]);
  });

  it("ignores the relayed 0x010F broadcast and answers for other serials", async () => {
    const { fake, stick } = await startedStick({
      inverters: [[QS1, 0x05c0]],
      stick: { pairing: { stepMs: 10 } },
    });
    // Another inverter answers its own pairing while we pair ours.
    const p = stick.pair(YC600, {});
    const check = expect(p).rejects.toMatchObject({ code: "pairing-timeout" });
    fake.emit(fake.incoming(0x05c0, 0x0101, [0xff, 0xff, 0x80, 0x10, 0x00, 0x08, 0x50, 0x70]));
    await vi.advanceTimersByTimeAsync(60_000);
    await check;
  });

  it("times out with a message that says what to check, after every round", async () => {
    const { fake, stick } = await startedStick({
      stick: { pairing: { stepMs: 100, replyTimeoutMs: 1000, rounds: 2 } },
    });
    const p = stick.pair(YC600);
    const check = expect(p).rejects.toThrow(/did not answer 2 round\(s\).*DC power.*range/);
    await vi.advanceTimersByTimeAsync(2 * (300 + 1000));
    await check;
    expect(fake.sent("AF_DATA_REQUEST_EXT")).toHaveLength(8);
  });

  it("refuses a serial that is not 12 digits before anything goes on air", async () => {
    const { fake, stick } = await startedStick();
    await expect(stick.pair("80100008507")).rejects.toThrow(/12 digits/);
    expect(fake.sent("AF_DATA_REQUEST_EXT")).toHaveLength(0);
  });
});
