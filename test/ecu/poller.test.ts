/**
 * The poller over real TCP, with the clock and timers in the test's hands: a peer replays the P2 answers
 * (ECU-R 216000120830, ksheumaker#185), the test fires each timer, and checks what reached the callbacks
 * and when the next poll was put. The ECU's zone is UTC here, so its local 15:19:34 is 15:19:34Z.
 */
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { EcuCondition } from "../../src/ecu/pacing.ts";
import { EcuPoller, type PollerTimers } from "../../src/ecu/poller.ts";
import type { EcuInfo, EcuRealtime, EcuSignal } from "../../src/protocol/ecu/types.ts";
import { waitFor } from "../helpers/wait.ts";
import { ecuCaptures as C } from "../protocol/ecu/captures.ts";

class StepTimers implements PollerTimers {
  now: number;
  pending = new Map<number, { fn: () => void; due: number }>();
  private id = 0;
  constructor(startMs: number) {
    this.now = startMs;
  }
  set(fn: () => void, ms: number): unknown {
    this.pending.set(++this.id, { fn, due: this.now + ms });
    return this.id;
  }
  clear(h: unknown): void {
    this.pending.delete(h as number);
  }
  /** Moves the clock to the earliest timer and runs it; returns its due time. */
  fire(): number {
    const [id, t] = [...this.pending.entries()].sort((a, b) => a[1].due - b[1].due)[0]!;
    this.pending.delete(id);
    this.now = Math.max(this.now, t.due);
    t.fn();
    return t.due;
  }
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function replayP2(): Promise<{ port: number; server: Server; requests: string[] }> {
  const answers: Record<string, string> = { "0001": C.p2Info, "0002": C.p2Realtime, "0030": C.p2Signal };
  const requests: string[] = [];
  const server = createServer((s) => {
    s.on("error", () => undefined);
    s.on("data", (c: Buffer) => {
      const req = c.toString("latin1");
      requests.push(req.slice(9, 13));
      s.end(Buffer.from(answers[req.slice(9, 13)]!, "hex"));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { port: (server.address() as { port: number }).port, server, requests };
}

describe("EcuPoller", () => {
  it("polls 0001, 0002, 0030 in turn, hands over the decoded answers and aligns the next poll to the round", async () => {
    const peer = await replayP2();
    const timers = new StepTimers(Date.parse("2023-11-20T15:20:00Z"));
    const seen: string[] = [];
    let rt: EcuRealtime | undefined;
    let info: EcuInfo | undefined;
    let signal: EcuSignal | undefined;
    const poller = new EcuPoller({
      target: { host: "127.0.0.1", port: peer.port },
      pacing: { timeZone: "UTC" },
      clock: { now: () => timers.now },
      timers,
      requestGapMs: 0,
      onInfo: (i, at) => {
        info = i;
        seen.push(`info@${new Date(at).toISOString()}`);
      },
      onRealtime: (r) => {
        rt = r;
        seen.push("realtime");
      },
      onSignal: (s) => {
        signal = s;
        seen.push("signal");
      },
    });
    poller.start();
    expect(poller.nextPollMs).toBe(Date.parse("2023-11-20T15:20:00Z"));
    timers.fire();
    await waitFor("the second poll scheduled", () => timers.pending.size === 1 && poller.nextPollMs);
    expect(peer.requests).toEqual(["0001", "0002", "0030"]);
    expect(seen).toEqual(["info@2023-11-20T15:20:00.000Z", "realtime", "signal"]);
    // From the reference's decoded lines for P2.
    expect([info!.ecuId, info!.lifetimeEnergyWh, info!.acPowerW]).toEqual(["216000120830", 4_358_100, 654]);
    expect([rt!.cycleTime, rt!.inverters.length]).toEqual(["2023-11-20T15:19:34", 6]);
    expect(signal!.inverters[0]).toMatchObject({ uid: "901000007352", levelRaw: 171 });
    // Round 15:19:34, the next at 15:24:34; its window 15:24:44–15:25:34 holds the earliest poll 15:25:00.
    expect(new Date(poller.nextPollMs!).toISOString()).toBe("2023-11-20T15:25:00.000Z");
    await poller.stop();
    expect(timers.pending.size).toBe(0);
  });

  it("raises 'not answering' after three refused polls, with the waits doubling in between", async () => {
    const peer = await replayP2();
    const port = peer.port;
    await new Promise<void>((r) => peer.server.close(() => r()));
    servers.length = 0;
    const timers = new StepTimers(Date.parse("2026-12-02T10:00:00Z"));
    const conditions: EcuCondition[] = [];
    const errors: string[] = [];
    const poller = new EcuPoller({
      target: { host: "127.0.0.1", port },
      pacing: { timeZone: "UTC" },
      clock: { now: () => timers.now },
      timers,
      requestGapMs: 0,
      onCondition: (c) => conditions.push(c),
      onPollError: (e) => errors.push(e.name),
    });
    poller.start();
    const due: string[] = [];
    for (let i = 0; i < 3; i++) {
      timers.fire();
      await waitFor(`poll ${i + 1} to fail`, () => errors.length === i + 1 && timers.pending.size === 1);
      due.push(new Date(poller.nextPollMs!).toISOString().slice(11, 19));
    }
    expect(errors).toEqual(["EcuRefusedError", "EcuRefusedError", "EcuRefusedError"]);
    // Failures at 10:00, 10:05, 10:15 → next 10:05, 10:15, 10:35.
    expect(due).toEqual(["10:05:00", "10:15:00", "10:35:00"]);
    expect(conditions).toHaveLength(1);
    expect(conditions[0]).toMatchObject({
      active: true,
      failures: 3,
      sinceMs: Date.parse("2026-12-02T10:00:00Z"),
    });
    expect(conditions[0]!.text).toMatch(
      /has not answered since 2026-12-02T10:00:00.000Z \(3 polls in a row\)/,
    );
    expect(conditions[0]!.lastError).toMatch(/ECONNREFUSED/);
    await poller.stop();
  });
});
