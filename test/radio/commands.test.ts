import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { modelForSerial, qs1LimitRaw } from "../../src/protocol/index.ts";
import { limitRaw } from "../../src/radio/command-replies.ts";
import type { CommandResult } from "../../src/radio/events.ts";
import { DS3, QS1, startedStick, YC600 } from "./harness.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function setup(commands: Record<string, unknown> = {}) {
  const h = await startedStick({
    inverters: [
      [YC600, 0x103a],
      [QS1, 0x05c0],
      [DS3, 0x2200],
    ],
    stick: { commands: { retry: { initialMs: 1000, jitter: 0 }, ...commands } },
  });
  for (const [serial, shortAddress] of [
    [YC600, 0x103a],
    [QS1, 0x05c0],
    [DS3, 0x2200],
  ] as const) {
    h.stick.addInverter({ serial, shortAddress });
  }
  const results: CommandResult[] = [];
  h.stick.events.onCommandResult((r) => results.push(r));
  return { ...h, results };
}

async function startedAckLate() {
  const h = await startedStick({ fake: { controlAck: "late" }, inverters: [[YC600, 0x103a]] });
  h.stick.addInverter({ serial: YC600, shortAddress: 0x103a });
  return h;
}

/** Runs a command while fake time passes (read-back backoffs are real delays on the clock). */
async function settle<T>(p: Promise<T>): Promise<T> {
  await vi.advanceTimersByTimeAsync(120_000);
  return p;
}

describe("set max power", () => {
  it("writes, verifies by DE read-back and reports the control's status", async () => {
    const { fake, stick, results } = await setup();
    const r = await settle(stick.setMaxPower(YC600, 250));
    expect(r).toMatchObject({
      outcome: "applied",
      requestedRaw: qs1LimitRaw(250),
      control: "confirmed",
      writes: 1,
      limit: { kind: "limit", limitRaw: qs1LimitRaw(250) },
    });
    expect(fake.sets).toEqual([{ shortAddress: 0x103a, raw: qs1LimitRaw(250) }]);
    expect(results).toEqual([r]);
  });

  it("never sends a value equal to the verified current one", async () => {
    const { fake, stick } = await setup();
    fake.inverter(YC600).limitRaw = qs1LimitRaw(300);
    const r = await settle(stick.setMaxPower(YC600, 300));
    expect(r).toMatchObject({ outcome: "unchanged", writes: 0 });
    expect(fake.sets).toHaveLength(0);
    // Known now: a second identical request costs no air at all.
    const queries = fake.sent("AF_DATA_REQUEST").length;
    await settle(stick.setMaxPower(YC600, 300));
    expect(fake.sent("AF_DATA_REQUEST").length).toBe(queries);
  });

  it("does not take the inverter's short DE acknowledgement for the read-back", async () => {
    const { fake, stick } = await startedAckLate();
    const r = await settle(stick.setMaxPower(YC600, 350));
    expect(r).toMatchObject({ outcome: "applied", limit: { limitRaw: qs1LimitRaw(350) } });
    expect(fake.sets).toHaveLength(1);
  });

  it("retries a write the inverter refuses with DF, then fails saying so", async () => {
    const { fake, stick } = await setup({ maxWrites: 2 });
    fake.inverter(YC600).refuseSets = true;
    const r = await settle(stick.setMaxPower(YC600, 200));
    expect(r).toMatchObject({ outcome: "failed", writes: 2 });
    expect(r.message).toMatch(/DF \(ack failed\) after 2 write/);
  });

  it("waits for a slow inverter's read-back instead of writing again", async () => {
    const { fake, stick } = await setup();
    fake.inverter(YC600).lagQueries = 2;
    const r = await settle(stick.setMaxPower(YC600, 200));
    expect(r).toMatchObject({ outcome: "applied", writes: 1 });
    expect(fake.sets).toHaveLength(1);
  });

  it("writes again when the read-back keeps disagreeing, then fails with both values", async () => {
    const { fake, stick } = await setup({ maxWrites: 2, readBacks: 2 });
    fake.inverter(YC600).ignoreSets = 5;
    const r = await settle(stick.setMaxPower(YC600, 200));
    expect(r.outcome).toBe("failed");
    expect(r.message).toMatch(/read back 300\.0 W per panel .* asked for raw 5777 after 2 write/);
    expect(fake.sets).toHaveLength(2);
  });

  it("refuses a write beyond the per-inverter budget and says when the next is allowed", async () => {
    const { stick } = await setup({ writesPerHour: 2 });
    const t0 = Date.now();
    expect((await settle(stick.setMaxPower(YC600, 200))).outcome).toBe("applied");
    expect((await settle(stick.setMaxPower(YC600, 210))).outcome).toBe("applied");
    const r = await settle(stick.setMaxPower(YC600, 220));
    expect(r.outcome).toBe("refused");
    expect(r.retryAt).toBeGreaterThanOrEqual(t0 + 3_600_000);
    expect(r.message).toMatch(/2 per hour.*next write allowed at \d{4}-/);
    // Another inverter has its own budget.
    expect((await settle(stick.setMaxPower(QS1, 220))).outcome).toBe("applied");
  });

  it("reports sent, not applied, when the read-back goes unanswered", async () => {
    const { fake, stick } = await setup();
    fake.inverter(YC600).limitRaw = qs1LimitRaw(100);
    stick.queryLimit(YC600);
    await settle(Promise.resolve());
    fake.inverter(YC600).mode = "silent";
    const r = await settle(stick.setMaxPower(YC600, 400));
    expect(r).toMatchObject({ outcome: "sent", writes: 1 });
    expect(r.message).toMatch(/not verified/);
  });

  it("encodes DS3 limits per inverter and compares the DS3 raw value", async () => {
    const { fake, stick } = await setup();
    const r = await settle(stick.setMaxPower(DS3, 600));
    const ds3 = modelForSerial(DS3)!;
    expect(r).toMatchObject({ outcome: "applied", control: "unverified", requestedRaw: limitRaw(ds3, 600) });
    expect(fake.sets).toEqual([{ shortAddress: 0x2200, raw: limitRaw(ds3, 600) }]);
  });

  it.each([
    [YC600, 5, /outside 20–500 W/],
    [YC600, Number.NaN, /outside/],
  ])("rejects %s at %s W as invalid without touching the air", async (serial, watts, msg) => {
    const { fake, stick } = await setup();
    const r = await settle(stick.setMaxPower(serial, watts));
    expect(r.outcome).toBe("invalid");
    expect(r.message).toMatch(msg);
    expect(fake.sent("AF_DATA_REQUEST")).toHaveLength(0);
  });

  it("fails clearly for an inverter that was never paired", async () => {
    const { stick } = await setup();
    const r = await settle(stick.setMaxPower("801000000001", 200));
    expect(r).toMatchObject({ outcome: "failed" });
    expect(r.message).toMatch(/pair it first/);
  });
});

describe("on/off and query", () => {
  it("sends on/off, marked unverified, with no read-back", async () => {
    const { fake, stick } = await setup();
    const r = await settle(stick.setOnOff(QS1, false));
    expect(r).toMatchObject({ outcome: "sent", control: "unverified", writes: 1 });
    expect(r.message).toMatch(/delivered and acknowledged/);
    expect(fake.inverter(QS1).onOff).toEqual([false]);
  });

  it("retries on/off that finds no route, then fails", async () => {
    const { fake, stick } = await setup({ maxWrites: 3 });
    fake.inverter(QS1).mode = "no-route";
    const r = await settle(stick.setOnOff(QS1, true));
    expect(r).toMatchObject({ outcome: "failed", writes: 3 });
    expect(r.message).toMatch(/AF_DATA_CONFIRM 0xCD/);
  });

  it("reads the limit back with the DE query", async () => {
    const { stick } = await setup();
    const r = await settle(stick.queryLimit(YC600));
    expect(r).toMatchObject({ outcome: "read", control: "confirmed", limit: { limitRaw: 0x21db } });
    expect(r.limit!.limitW).toBeCloseTo(300, 0);
  });

  it("runs commands for one inverter one after the other", async () => {
    const { fake, stick } = await setup();
    const a = stick.setMaxPower(YC600, 150);
    const b = stick.setMaxPower(YC600, 150);
    const [ra, rb] = await settle(Promise.all([a, b]));
    expect([ra.outcome, rb.outcome]).toEqual(["applied", "unchanged"]);
    expect(fake.sets).toHaveLength(1);
  });
});
