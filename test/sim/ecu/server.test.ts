/**
 * The ECU emulator over real TCP, read by our own port-8899 client (src/ecu): answers whole and in
 * pieces, an answer that contains 0x0A, a cut answer, a hang, a refused connection, the nightly pause,
 * and the poller reading it on its own schedule.
 */
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  EcuCutAnswerError,
  EcuLink,
  EcuRefusedError,
  EcuTimeoutError,
  ecuExchange,
} from "../../../src/ecu/client.ts";
import { EcuPoller, type PollerTimers } from "../../../src/ecu/poller.ts";
import { infoRequest, realtimeRequest } from "../../../src/protocol/ecu/requests.ts";
import type { EcuRealtime } from "../../../src/protocol/ecu/types.ts";
import { ManualClock } from "../../../src/sim/clock.ts";
import { createDemoSite, DEMO_SERIALS } from "../../../src/sim/demo-site.ts";
import { type EcuEmulator, type EcuEmulatorOptions, startEcuEmulator } from "../../../src/sim/ecu/server.ts";
import { emulatorSite } from "../../../src/sim/emulator/site.ts";
import { waitFor } from "../../helpers/wait.ts";

const ECU = "216000000001";
let running: EcuEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.map((e) => e.close()));
  running = [];
});

async function emulator(at: string, opts: Partial<EcuEmulatorOptions> = {}) {
  const clock = new ManualClock(Date.parse(at));
  const emu = await startEcuEmulator({
    site: createDemoSite({ clearSky: true }),
    now: () => clock.now(),
    port: 0,
    ...opts,
  });
  running.push(emu);
  return { clock, emu, target: { host: emu.host, port: emu.port } };
}

describe("startEcuEmulator", () => {
  it("answers 0001 in 3-byte pieces, and the client reads it whole", async () => {
    const { emu, target } = await emulator("2024-06-21T10:00:00Z");
    emu.controls.chunkBytes = 3;
    const link = new EcuLink(target);
    const info = await link.readInfo();
    expect(info).toMatchObject({ ecuId: ECU, invertersRegistered: 4, invertersOnline: 4 });
    expect(emu.url).toBe(`tcp://127.0.0.1:${emu.port}`);
  });

  it("with ten inverters the 0001 answer holds 00 0A twice (registered, online) and is still read to its end", async () => {
    // The ECU-R-Pro answer a readline() reader cut at exactly this count (ksheumaker#39, P14).
    const serials = Array.from({ length: 10 }, (_, i) => `80100001${String(2345 + i).padStart(4, "0")}`);
    const clock = new ManualClock(Date.parse("2024-06-21T10:00:00Z"));
    const emu = await startEcuEmulator({ site: emulatorSite(serials, 1), now: () => clock.now(), port: 0 });
    running.push(emu);
    const bytes = await ecuExchange({ host: emu.host, port: emu.port }, Buffer.from(infoRequest()));
    expect([bytes[46], bytes[47], bytes[48], bytes[49]]).toEqual([0x00, 0x0a, 0x00, 0x0a]);
    expect(bytes.length).toBe(96);
    expect(bytes.indexOf(0x0a)).toBeLessThanOrEqual(47);
  });

  it("a cut answer reaches the client as EcuCutAnswerError; the next one is whole", async () => {
    const { emu, target } = await emulator("2024-06-21T10:00:00Z");
    emu.controls.cutNext(1, 30);
    const err = (await ecuExchange(target, Buffer.from(infoRequest())).catch(
      (e: unknown) => e,
    )) as EcuCutAnswerError;
    expect(err).toBeInstanceOf(EcuCutAnswerError);
    expect([err.gotBytes, err.needBytes]).toEqual([30, 96]);
    expect((await ecuExchange(target, Buffer.from(infoRequest()))).length).toBe(96);
  });

  it("a hung ECU accepts the connection and says nothing: the client times out", async () => {
    const { emu, target, clock } = await emulator("2024-06-21T10:00:00Z");
    emu.controls.hang(600);
    const err = (await ecuExchange(target, Buffer.from(infoRequest()), { timeoutMs: 300 }).catch(
      (e: unknown) => e,
    )) as EcuTimeoutError;
    expect(err).toBeInstanceOf(EcuTimeoutError);
    expect(err.phase).toBe("answer");
    clock.advance(600_000);
    expect((await ecuExchange(target, Buffer.from(infoRequest()))).length).toBe(96);
  });

  it("in its nightly window it closes without a byte; once closed, connections are refused", async () => {
    const { emu, target } = await emulator("2024-06-22T00:50:00Z");
    const err = (await ecuExchange(target, Buffer.from(infoRequest())).catch(
      (e: unknown) => e,
    )) as EcuCutAnswerError;
    expect(err).toBeInstanceOf(EcuCutAnswerError);
    expect(err.gotBytes).toBe(0);
    await emu.close();
    running = [];
    expect(await ecuExchange(target, Buffer.from(infoRequest())).catch((e: unknown) => e)).toBeInstanceOf(
      EcuRefusedError,
    );
  });

  it("answers a request sent without LF (as the vendor's own tool sends it)", async () => {
    const { target } = await emulator("2024-06-21T10:00:00Z");
    const bytes = await ecuExchange(target, Buffer.from("APS1100160001END", "latin1"));
    expect(bytes.subarray(0, 13).toString("latin1")).toBe("APS1100950001"); // 96 bytes, the LF not counted
  });
});

describe("connections", () => {
  it("answers only the first request of a connection, and closes one that stays idle", async () => {
    const { target } = await emulator("2024-06-21T10:00:00Z", { idleCloseMs: 200 });
    const socket = connect(target.port, target.host);
    const got: Buffer[] = [];
    socket.on("data", (c: Buffer) => got.push(c));
    const closed = new Promise<void>((r) => socket.once("close", () => r()));
    socket.write(`${infoRequest()}${infoRequest()}`);
    await closed;
    const bytes = Buffer.concat(got);
    // One 0001 answer of 96 bytes, then the ECU closed the idle connection itself.
    expect([bytes.length, bytes.subarray(0, 13).toString("latin1")]).toEqual([96, "APS1100950001"]);
  });

  it("closes a connection that sends 512 bytes without a request", async () => {
    const { target } = await emulator("2024-06-21T10:00:00Z");
    const socket = connect(target.port, target.host);
    socket.on("error", () => undefined);
    const closed = new Promise<void>((r) => socket.once("close", () => r()));
    socket.write(Buffer.alloc(600, 0x41));
    await closed;
    expect(socket.bytesRead).toBe(0);
  });
});

describe("asked too often, and the history commands", () => {
  it("the 4th 0002 within one round gets no answer, nor does anything after it, until the hang is over", async () => {
    const { target, clock, emu } = await emulator("2024-06-21T10:00:00Z");
    const rt = Buffer.from(realtimeRequest(ECU));
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await ecuExchange(target, i === 4 ? Buffer.from(infoRequest()) : rt, {
        timeoutMs: 300,
      }).catch((e: unknown) => e as Error);
      outcomes.push(r instanceof Error ? r.name : "answer");
      clock.advance(20_000);
    }
    expect(outcomes).toEqual(["answer", "answer", "answer", "EcuTimeoutError", "EcuTimeoutError"]);
    // It hung at 10:01:00 for 1800 s.
    expect(emu.controls.hungUntilMs).toBe(Date.parse("2024-06-21T10:31:00Z"));
    clock.set(Date.parse("2024-06-21T10:31:00Z"));
    expect((await ecuExchange(target, Buffer.from(infoRequest()))).length).toBe(96);
  });

  it("0003, 0004 and 0012 through EcuLink: the day's points at each round, today's energy, the ECU's local clock", async () => {
    const { target, clock, emu } = await emulator("2024-06-21T10:00:00Z");
    const link = new EcuLink(target);
    for (let i = 0; i < 3; i++) {
      await link.readInfo();
      clock.advance(300_000);
    }
    // Rounds 09:55:37, 10:00:37, 10:05:37 UTC = 11:55, 12:00, 12:05 in Amsterdam; the request itself, at
    // 10:15:00, brings the 10:10:37 round (12:10).
    const day = await link.readPowerOfDay(ECU, "2024-06-21");
    expect(day.points.map((p) => p.time)).toEqual(["11:55", "12:00", "12:05", "12:10"]);
    for (const p of day.points) expect(p.acPowerW).toBeGreaterThan(1000);
    const week = await link.readEnergyHistory(ECU, "week");
    const truth = emu.core.truth();
    expect(week.entries).toEqual([{ date: "2024-06-21", energyWh: Math.floor(truth.todayWh / 10) * 10 }]);
    // 10:15:00Z now (three rounds advanced from 10:00) = 12:15:00 local.
    expect((await link.readClock(ECU)).time).toBe("2024-06-21T12:15:00");
  });
});

describe("the poller reading the emulator", () => {
  it("raises 'not answering' on a hung emulator after three polls, and clears it when it answers again", async () => {
    const { emu, target, clock } = await emulator("2024-06-21T10:00:00Z");
    emu.controls.hang(7200);
    const pending: { fn: () => void; due: number }[] = [];
    const timers: PollerTimers = {
      set: (fn, ms) => {
        const t = { fn, due: clock.now() + ms };
        pending.push(t);
        return t;
      },
      clear: (h) => {
        const i = pending.indexOf(h as (typeof pending)[number]);
        if (i >= 0) pending.splice(i, 1);
      },
    };
    const conditions: { active: boolean; failures: number }[] = [];
    const errors: string[] = [];
    const poller = new EcuPoller({
      target,
      pacing: { timeZone: "Europe/Amsterdam" },
      clock,
      timers,
      timeoutMs: 1000,
      requestGapMs: 0,
      onCondition: (c) => conditions.push({ active: c.active, failures: c.failures }),
      onPollError: (e) => errors.push(e.name),
    });
    poller.start();
    const fire = () => {
      const t = pending.sort((a, b) => a.due - b.due).shift()!;
      clock.set(Math.max(clock.now(), t.due));
      t.fn();
    };
    const times: string[] = [];
    for (let i = 1; i <= 4; i++) {
      fire();
      await waitFor(
        `poll ${i}`,
        () => pending.length === 1 && (errors.length === i || conditions.length === 2),
      );
      times.push(new Date(clock.now()).toISOString().slice(11, 19));
    }
    // Polls at 10:00, 10:05 (+300 s), 10:15 (+600 s), 10:35 (+1200 s); the hang lasts until 12:00, so all
    // four fail; the third raises the condition.
    expect(times).toEqual(["10:00:00", "10:05:00", "10:15:00", "10:35:00"]);
    expect(errors).toEqual(["EcuTimeoutError", "EcuTimeoutError", "EcuTimeoutError", "EcuTimeoutError"]);
    expect(conditions).toEqual([{ active: true, failures: 3 }]);
    // Power-cycled: the next poll (10:35 + 2400 s = 11:15) is answered and the condition clears.
    emu.controls.powerCycle();
    fire();
    await waitFor("the answered poll", () => conditions.length === 2 && pending.length === 1);
    await poller.stop();
    expect(new Date(clock.now()).toISOString().slice(11, 19)).toBe("11:15:00");
    expect(conditions[1]).toEqual({ active: false, failures: 4 });
  });

  it("two polls a round apart see two rounds, and the energy between them is the simulator's", async () => {
    // The emulator's rounds and the poller's schedule run on one manual clock; requests go over TCP.
    const { emu, target, clock } = await emulator("2024-06-21T10:00:00Z", { timeZone: "Europe/Amsterdam" });
    const pending: { fn: () => void; due: number }[] = [];
    const timers: PollerTimers = {
      set: (fn, ms) => {
        const t = { fn, due: clock.now() + ms };
        pending.push(t);
        return t;
      },
      clear: (h) => {
        const i = pending.indexOf(h as (typeof pending)[number]);
        if (i >= 0) pending.splice(i, 1);
      },
    };
    const fire = () => {
      const t = pending.sort((a, b) => a.due - b.due).shift()!;
      clock.set(Math.max(clock.now(), t.due));
      t.fn();
    };
    const seen: { rt: EcuRealtime; lifetime?: number }[] = [];
    let lifetime = 0;
    const poller = new EcuPoller({
      target,
      pacing: { timeZone: "Europe/Amsterdam" },
      clock,
      timers,
      requestGapMs: 0,
      onInfo: (i) => {
        lifetime = i.lifetimeEnergyWh;
      },
      onRealtime: (rt) => seen.push({ rt, lifetime }),
    });
    poller.start();
    fire();
    await waitFor("the first poll", () => seen.length === 1 && pending.length === 1);
    // Round 09:55:37Z (11:55:37 local); the next at 10:00:37Z; poll 10 s after it (≥ 300 s after 10:00:00).
    expect(new Date(poller.nextPollMs!).toISOString()).toBe("2024-06-21T10:05:47.000Z");
    fire();
    await waitFor("the second poll", () => seen.length === 2 && pending.length === 1);
    await poller.stop();
    expect(seen.map((s) => s.rt.cycleTime)).toEqual(["2024-06-21T11:55:37", "2024-06-21T12:05:37"]);
    expect(seen[1]!.rt.inverters.map((r) => r.uid)).toEqual([...DEMO_SERIALS]);
    // Energy from the emulator's truth at the second round, to the wire's 0.1 kWh.
    expect(seen[1]!.lifetime).toBe(Math.floor(emu.core.truth().lifetimeWh / 100) * 100);
    expect(emu.controls.answered).toEqual({ "0001": 2, "0002": 2, "0030": 2 });
  });
});
