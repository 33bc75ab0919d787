/**
 * The driver against the stick emulator on TCP (like a stick behind ser2net), real timers. The emulator's
 * simulated clock runs 1000× so the inverter's 2–5 s command delay passes in milliseconds; the driver's
 * pairing step and retry delays are shortened to match.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runProbe } from "../../src/cli/probe.ts";
import type { Telemetry } from "../../src/protocol/index.ts";
import { Stick } from "../../src/radio/stick.ts";
import { SimClock } from "../../src/sim/clock.ts";
import { createDemoSite, DEMO_SERIALS } from "../../src/sim/demo-site.ts";
import { type EmulatorServer, serveEmulator } from "../../src/sim/emulator/server.ts";
import type { TelemetryEmitted } from "../../src/sim/emulator/types.ts";
import { ECU, expectMatchesTruth, lastTruth, MIDDAY } from "./e2e-helpers.ts";

const [A, B] = DEMO_SERIALS;
let server: EmulatorServer | undefined;
let stick: Stick | undefined;

afterEach(async () => {
  await stick?.stop();
  await server?.close();
  stick = server = undefined;
});

async function emulator(lineFaults = {}) {
  const clock = new SimClock({ startMs: MIDDAY, speed: 1000 });
  const emitted: TelemetryEmitted[] = [];
  server = await serveEmulator({
    port: 0,
    inverters: createDemoSite({ clearSky: true }).inverters,
    now: () => clock.now(),
    onTelemetry: (e) => emitted.push(e),
    lineFaults,
  });
  return { srv: server, emitted };
}

function driver(url: string): Stick {
  stick = new Stick({
    port: url,
    ecuId: ECU,
    polling: false,
    coordinator: { healthIntervalMs: 0 },
    transport: { backoff: { initialMs: 50, maxMs: 500 } },
    pairing: { stepMs: 20, replyTimeoutMs: 2000 },
    commands: { retry: { initialMs: 20, maxMs: 200 }, ackTimeoutMs: 500 },
  });
  return stick;
}

describe("driver ↔ stick emulator over TCP", () => {
  it("brings up, pairs, polls, sets a limit and reads it back, matching the emulator's truth", async () => {
    const { srv, emitted } = await emulator();
    const s = driver(srv.url);
    await expect(s.start()).resolves.toMatchObject({ deviceState: 9 });
    for (const serial of [A, B]) {
      const paired = await s.pair(serial);
      expect(paired.shortAddress).toBe(srv.core.air.shortFor(serial));
      s.addInverter(paired);
      const out = await s.poll(serial);
      expect(out.kind).toBe("reading");
      if (out.kind === "reading")
        expectMatchesTruth(out.reading.reply as Telemetry, lastTruth(emitted, serial));
    }
    const set = await s.setMaxPower(B, 180);
    // (180 · 7395) >> 8 = 1 331 100 >> 8 = 5199 (0x144F) → 5199 · 256 / 7395 = 179.9789 W.
    expect(set).toMatchObject({ outcome: "applied", requestedRaw: 5199, writes: 1 });
    const q = await s.queryLimit(B);
    expect(q.limit!.limitW).toBeCloseTo(179.9789, 4);
    await s.poll(B);
    expect(lastTruth(emitted, B).truth.limitW).toBeCloseTo(179.9789, 4);
  });

  it("recovers from line noise and a dropped connection", async () => {
    const { srv, emitted } = await emulator({ seed: 3, garbage: 0.2, strayF8: 0.3, split: 0.3 });
    const s = driver(srv.url);
    await s.start();
    s.addInverter(await s.pair(A));
    expect((await s.poll(A)).kind).toBe("reading");
    srv.current()!.disconnect();
    await until(() => s.linkState.state === "reconnecting");
    await until(() => s.ready);
    const out = await s.poll(A);
    expect(out.kind).toBe("reading");
    if (out.kind === "reading") expectMatchesTruth(out.reading.reply as Telemetry, lastTruth(emitted, A));
  });

  it("probe prints the emulator's truth as decode-shaped JSON", async () => {
    const { srv, emitted } = await emulator();
    const out: string[] = [];
    const code = await runProbe(
      {
        port: srv.url,
        targets: [{ serial: A }],
        ecuId: ECU,
        timeoutMs: 3000,
        pairStepMs: 20,
        pairTimeoutMs: 2000,
      },
      { out: (l) => out.push(l), err: () => undefined },
    );
    expect(code).toBe(0);
    const line = JSON.parse(out[0]!);
    const truth = lastTruth(emitted, A).truth;
    expect(line).toMatchObject({
      serial: A,
      short_address: expect.stringMatching(/^0x[0-9A-F]{4}$/),
      kind: "telemetry",
    });
    expect(Number.parseInt(line.short_address, 16)).toBe(srv.core.air.shortFor(A));
    expect(line.uptime_s).toBe(truth.uptimeS);
    truth.channels.forEach((c, i) => {
      expect(line.channels[i].voltage_v).toBeCloseTo(c.voltageV, 1);
      expect(line.channels[i].energy_counter).toBe(c.energyCounter);
    });
  });
});

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 10));
  }
}
