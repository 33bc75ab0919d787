import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  buildGetDeviceInfo,
  buildWriteConfiguration,
  CMD,
  encodeZnpFrame,
  is,
  NV,
  type ZnpFrame,
  znp,
} from "../../src/protocol/index.ts";
import { RadioError } from "../../src/radio/errors.ts";
import { ZnpLink } from "../../src/radio/znp-link.ts";
import { FakeStick } from "./fake-stick.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function linked(stick = new FakeStick()) {
  const t = stick.asTransport();
  await t.open();
  return { stick, t, link: new ZnpLink(t, { srspTimeoutMs: 1000 }) };
}

describe("ZnpLink", () => {
  it("matches an SRSP to its SREQ by command", async () => {
    const { link } = await linked();
    const srsp = await link.request(buildWriteConfiguration(NV.LOGICAL_TYPE, [0]));
    expect([srsp.cmd0, srsp.cmd1, ...srsp.data]).toEqual([0x66, 0x05, 0x00]);
  });

  it("keeps one SREQ in flight: the second is written only after the first is answered", async () => {
    const stick = new FakeStick({ mute: true });
    const { link, t } = await linked(stick);
    const a = link.request(buildGetDeviceInfo());
    const b = link.request(buildWriteConfiguration(NV.LOGICAL_TYPE, [0]));
    await vi.advanceTimersByTimeAsync(10);
    expect(t.writes).toBe(1);
    stick.emit(znp(...CMD.UTIL_GET_DEVICE_INFO_SRSP, [0, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 0, 0, 7, 9, 0]));
    await expect(a).resolves.toMatchObject({ cmd0: 0x67 });
    expect(t.writes).toBe(2);
    stick.emit(znp(...CMD.ZB_WRITE_CONFIGURATION_SRSP, [0]));
    await expect(b).resolves.toMatchObject({ cmd0: 0x66, cmd1: 0x05 });
  });

  it("times out a request with a message naming the command and the port", async () => {
    const { link } = await linked(new FakeStick({ mute: true }));
    const p = link.request(buildGetDeviceInfo(), 500);
    const err = expect(p).rejects.toThrow(/did not answer 27 00 within 500 ms on fake:\/\/stick/);
    await vi.advanceTimersByTimeAsync(500);
    await err;
    expect(link.stats.timeouts).toBe(1);
  });

  it("drops a late SRSP instead of matching it to the next request", async () => {
    const stick = new FakeStick({ mute: true });
    const { link } = await linked(stick);
    const first = link.request(buildGetDeviceInfo(), 100);
    first.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(100);
    await expect(first).rejects.toBeInstanceOf(RadioError);
    const second = link.request(buildWriteConfiguration(NV.LOGICAL_TYPE, [0]), 100);
    stick.emit(znp(...CMD.UTIL_GET_DEVICE_INFO_SRSP, [0, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 0, 0, 7, 9, 0]));
    stick.emit(znp(...CMD.ZB_WRITE_CONFIGURATION_SRSP, [0]));
    await expect(second).resolves.toMatchObject({ cmd0: 0x66, cmd1: 0x05 });
    expect(link.stats.lateSrsp).toBe(1);
  });

  it("turns an MT RPC error into a stick-status error for the pending request", async () => {
    const stick = new FakeStick({ mute: true });
    const { link } = await linked(stick);
    const p = link.request(buildGetDeviceInfo());
    stick.emit(znp(0x60, 0x00, [0x01, 0x27, 0x00]));
    await expect(p).rejects.toMatchObject({ code: "stick-status" });
  });

  it("hands AREQs to subscribers and to waiters, skipping line noise", async () => {
    const stick = new FakeStick({ mute: true });
    const { link } = await linked(stick);
    const seen: ZnpFrame[] = [];
    link.onAreq((f) => seen.push(f));
    const w = link.waitFor((f) => is(f, "ZDO_STATE_CHANGE_IND") && f.data[0] === 9, 1000, "state 9");
    stick.emitRaw([0xf8, 0x00, 0xfe]); // stray bytes and a lone FE
    stick.emitRaw(encodeZnpFrame(znp(...CMD.ZDO_STATE_CHANGE_IND, [8])));
    stick.emitRaw(encodeZnpFrame(znp(...CMD.ZDO_STATE_CHANGE_IND, [9])));
    await expect(w.promise).resolves.toMatchObject({ data: Uint8Array.from([9]) });
    expect(seen.map((f) => f.data[0])).toEqual([8, 9]);
    expect(link.stats.garbageBytes).toBeGreaterThan(0);
  });

  it("reassembles frames split byte by byte", async () => {
    const { link } = await linked(new FakeStick({ split: true, noise: true }));
    const srsp = await link.request(buildWriteConfiguration(NV.LOGICAL_TYPE, [0]));
    expect(srsp.data).toEqual(Uint8Array.from([0]));
  });

  it("fails the pending request and waiters when the link drops", async () => {
    const { link, t } = await linked(new FakeStick({ mute: true }));
    const p = link.request(buildGetDeviceInfo());
    const w = link.waitFor(() => false, 10_000, "never");
    t.drop();
    await expect(p).rejects.toMatchObject({ code: "link-down" });
    await expect(w.promise).rejects.toMatchObject({ code: "link-down" });
    await expect(link.request(buildGetDeviceInfo())).rejects.toMatchObject({ code: "link-down" });
  });

  it("refuses to send an AREQ through request()", async () => {
    const { link } = await linked();
    await expect(link.request(znp(...CMD.SYS_RESET_REQ, [0]))).rejects.toThrow(/takes an SREQ/);
  });
});
