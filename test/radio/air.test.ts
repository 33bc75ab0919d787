import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { encodeLimitQuery, encodeOnOff, encodePoll, parseEcuId } from "../../src/protocol/index.ts";
import { AirQueue, replyCommand } from "../../src/radio/air.ts";
import { ZnpLink } from "../../src/radio/znp-link.ts";
import { FakeStick } from "./fake-stick.ts";
import { ECU_ID, QS1, YC600 } from "./harness.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function setup(budgetPerMinute = 20, ready = true) {
  const fake = new FakeStick();
  fake.addInverter(YC600, 0x103a);
  fake.addInverter(QS1, 0x05c0, { mode: "silent" });
  const t = fake.asTransport();
  await t.open();
  const link = new ZnpLink(t);
  const air = new AirQueue(link, parseEcuId(ECU_ID), {
    budgetPerMinute,
    replyTimeoutMs: 1000,
    isReady: () => ready,
  });
  return { fake, air };
}

describe("AirQueue exchanges", () => {
  it.each([
    ["an answered poll", 0x103a, true, "reply"],
    ["a delivered poll without answer", 0x05c0, true, "no-reply"],
    ["an unknown short address", 0x7777, true, "no-route"],
    ["a command with no known answer", 0x103a, false, "delivered"],
  ] as const)("classifies %s", async (_n, short, expectReply, kind) => {
    const { air } = await setup();
    const p = air.exchange({ shortAddress: short, l2: encodePoll(), expectReply });
    await vi.advanceTimersByTimeAsync(1000);
    await expect(p).resolves.toMatchObject({ kind });
  });

  it("returns the payload and link quality, and reports no-route status CD", async () => {
    const { air } = await setup();
    const r = await air.exchange({ shortAddress: 0x103a, l2: encodePoll() });
    expect(r).toMatchObject({ kind: "reply", linkQuality: 180 });
    if (r.kind === "reply") expect(replyCommand(r.payload)).toBe(0xb1);
    await expect(air.exchange({ shortAddress: 0x0bad, l2: encodePoll() })).resolves.toMatchObject({
      kind: "no-route",
      status: 0xcd,
    });
  });

  it("ignores replies the request does not accept", async () => {
    const { air } = await setup();
    const p = air.exchange({
      shortAddress: 0x103a,
      l2: encodePoll(),
      accept: (pl) => replyCommand(pl) === 0xde,
    });
    await vi.advanceTimersByTimeAsync(1000);
    await expect(p).resolves.toMatchObject({ kind: "no-reply" });
  });

  it("keeps to the airtime budget: the third request in a minute waits for the window", async () => {
    const { fake, air } = await setup(2);
    const done: number[] = [];
    for (let i = 0; i < 3; i++) {
      air.exchange({ shortAddress: 0x103a, l2: encodePoll() }).then(() => done.push(Date.now()));
    }
    await vi.advanceTimersByTimeAsync(59_000);
    expect(fake.sent("AF_DATA_REQUEST")).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fake.sent("AF_DATA_REQUEST")).toHaveLength(3);
    expect(done).toHaveLength(3);
  });

  it("sends queued commands before queued polls", async () => {
    const { fake, air } = await setup(1);
    air.exchange({ shortAddress: 0x103a, l2: encodePoll() });
    air.exchange({ shortAddress: 0x103a, l2: encodePoll() });
    air.exchange({ shortAddress: 0x103a, l2: encodeOnOff(false), expectReply: false }, "command");
    await vi.advanceTimersByTimeAsync(60_000);
    const cmds = fake.sent("AF_DATA_REQUEST").map((f) => f.data[10 + 6 + 3]);
    expect(cmds).toEqual([0xbb, 0xc2]);
  });

  it("refuses to use the air before the coordinator is up", async () => {
    const { fake, air } = await setup(20, false);
    await expect(air.exchange({ shortAddress: 0x103a, l2: encodeLimitQuery() })).rejects.toMatchObject({
      code: "not-ready",
    });
    expect(fake.sent("AF_DATA_REQUEST")).toHaveLength(0);
  });

  it("rejects what is still queued when stopped", async () => {
    const { air } = await setup(1);
    air.exchange({ shortAddress: 0x103a, l2: encodePoll() });
    const queued = air.exchange({ shortAddress: 0x103a, l2: encodePoll() });
    air.stop();
    await expect(queued).rejects.toMatchObject({ code: "stopped" });
  });
});
