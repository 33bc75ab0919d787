/**
 * One benchmark run in its own process (so CPU time and peak RSS are this run's alone): the real
 * controller (runController, as the demo starts it) on a generated N-inverter site, the in-process stick
 * emulator with the inverter physics, and — for the aedes row — the embedded broker in this process too,
 * as `localecu start` runs it without mqtt.url. The observer (subscriber) lives in the parent process.
 *
 * Talks to the parent over IPC: → {kind:"broker", url} (aedes), ← {kind:"go"}, → {kind:"window", …} twice,
 * → {kind:"result", …}. Times are process.hrtime (CLOCK_MONOTONIC), the same clock in both processes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scaledClock } from "../../src/controller/clock.ts";
import { runController } from "../../src/controller/run.ts";
import { createLogger } from "../../src/log.ts";
import { type EmbeddedBroker, payloadCapFor, startEmbeddedBroker } from "../../src/mqtt/broker.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { ecuRev, panFromEcuId } from "../../src/protocol/ids.ts";
import { openStreamTransport } from "../../src/radio/transport/url.ts";
import { EmulatorAir } from "../../src/sim/emulator/air.ts";
import { StickEmulator } from "../../src/sim/emulator/stick.ts";
import type { EmulatorDelays } from "../../src/sim/emulator/types.ts";
import { simSiteFromConfig } from "../../src/sim/from-config.ts";
import { PairingBook } from "../../src/site/pairing.ts";
import { startHeapProf } from "./heap-prof.ts";
import { siteConfig } from "./site.ts";
import type { ChildResult, RunSpec, WindowMark } from "./types.ts";

/** Midsummer noon on a clear day: every inverter produces, so every poll gets a full reading. */
const START = Date.parse("2026-06-21T12:00:00+02:00");
const ECU_ID = "D8A3011B9780";
/**
 * The stick answers within a few real ms, not the ~100 ms a real radio takes (REALISTIC_DELAYS): the
 * bench measures the controller, and a round of 500 must fit a compressed poll interval. The radio's own
 * pace is discussed in docs/BENCHMARKS.md.
 */
const FAST_STICK: EmulatorDelays = {
  srspMs: 0,
  confirmMs: 1,
  noRouteMs: 5,
  replyMs: 2,
  replyJitterMs: 2,
  resetMs: 20,
  stateMs: 5,
};

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

function send(m: unknown): void {
  process.send?.(m);
}

function waitForParent(kind: string): Promise<void> {
  return new Promise((resolve) => {
    const on = (m: { kind?: string }) => {
      if (m?.kind !== kind) return;
      process.off("message", on);
      resolve();
    };
    process.on("message", on);
  });
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? "") as RunSpec;
  const n = spec.inverters;
  const heapProf = await startHeapProf();
  const dataDir = mkdtempSync(join(tmpdir(), "localecu-scale-"));
  // Ctrl-C or a timeout reaches this process too: the folder goes with it.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(130);
    });
  }
  let broker: EmbeddedBroker | undefined;
  try {
    let url = spec.brokerUrl;
    if (!url) {
      // The embedded broker, started the way runController starts it, but before it: the observer must
      // be subscribed before the controller's first discovery goes out, or discovery time is unmeasurable.
      broker = await startEmbeddedBroker({ port: 0, maxPayloadBytes: payloadCapFor(n) });
      url = broker.url;
    }
    send({ kind: "broker", url });
    await waitForParent("go");

    const config = siteConfig(n, dataDir);
    config.mqtt.url = url;
    const site = simSiteFromConfig(config, { seed: 1, clearSky: true });
    // Real time, starting at midsummer noon: the physics and the controller agree on every interval.
    const clock = scaledClock(START, 1);

    // Already paired, as a site is after its first day: pairing.json holds the short addresses and the
    // emulated inverters are bonded to the stick's network. (Pairing 500 takes minutes; it is a one-off.)
    const air = new EmulatorAir(site.inverters, 1);
    const ecu = fromHex(ECU_ID);
    const book = PairingBook.open(dataDir);
    for (const inv of config.inverters) {
      const bond = air.setBond(inv.serial, { pan: panFromEcuId(ecu), channel: 16, ecuRev: ecuRev(ecu) });
      book.set({
        serial: inv.serial,
        shortAddress: bond.shortAddress,
        pairedAt: new Date(START).toISOString(),
        ecuId: ECU_ID,
        name: inv.label,
      });
    }
    const indexOfShort = new Map(config.inverters.map((inv, i) => [air.shortFor(inv.serial)!, i]));

    // Instrumentation only: when the emulator puts a telemetry reply on the wire (onTelemetry runs as the
    // frame goes out), and the CPU the emulator itself spends (it is the radio, not the controller).
    const emitted: [number, number][] = [];
    let emulatorCpuUs = 0;
    const transport = openStreamTransport(
      () => {
        const emu = new StickEmulator({
          air,
          seed: 1,
          now: () => clock.now(),
          delays: FAST_STICK,
          onTelemetry: (e) => {
            const i = indexOfShort.get(e.shortAddress);
            if (i !== undefined) emitted.push([i, nowMs()]);
          },
        });
        const receive = emu.core.receive.bind(emu.core);
        // Wall time inside the synchronous call stands for its CPU time: process.cpuUsage() here cost
        // more than the emulator itself.
        emu.core.receive = (frame) => {
          const before = performance.now();
          try {
            receive(frame);
          } finally {
            emulatorCpuUs += (performance.now() - before) * 1000;
          }
        };
        return emu;
      },
      { url: "emulator://scale-bench", clock },
    );

    const t0 = nowMs();
    // Where the peak falls (start-up or the rounds) says what to cut; maxRSS alone cannot say.
    let rssPeak = { mb: 0, atMs: 0 };
    const rssMb = () => process.memoryUsage.rss() / 2 ** 20;
    const sampler = setInterval(() => {
      const mb = rssMb();
      if (mb > rssPeak.mb) rssPeak = { mb, atMs: nowMs() - t0 };
    }, 100);
    const running = await runController({
      config,
      // stderr: stdout is the parent's, and --json output must stay JSON.
      logger: createLogger({ level: process.env.LOCALECU_LOG_LEVEL ?? "warn", destination: process.stderr }),
      clock,
      transport,
      stick: {
        ecuId: ECU_ID,
        // Polling compressed in time: every inverter once per `pollMs` real ms instead of once a minute.
        poll: { intervalMs: spec.pollMs },
        // The default air budget (20 requests a minute) cannot poll more than 20 inverters a minute: the
        // bench lifts it well above its compressed pace (docs/BENCHMARKS.md says more).
        air: { budgetPerMinute: Math.ceil((n * 60_000) / spec.pollMs) * 4 + 60 },
      },
      instance: "scale-bench",
    });
    const started = nowMs();
    const rssStarted = rssMb();
    // When the controller hands each inverter's state to the MQTT client: splits the latency into the
    // controller's part and the broker's. (The publisher looks the method up on every call.)
    const handed: [number, number][] = [];
    const stateTopic = /^localecu\/inv(\d{4})$/;
    const client = running.client;
    const publish = client.publish.bind(client) as (...a: unknown[]) => unknown;
    (client as unknown as { publish: (...a: unknown[]) => unknown }).publish = (...a: unknown[]) => {
      const m = stateTopic.exec(a[0] as string);
      if (m) handed.push([Number(m[1]) - 1, nowMs()]);
      return publish(...a);
    };

    // Warm-up: the first round (with each inverter's one-off limit query) and one plain round.
    await until(() => emitted.length >= 2 * n);
    const warm = nowMs();
    const rssWarm = rssMb();
    await sleep(200);
    const rounds = spec.rounds;
    const mark = (): WindowMark => {
      const cpu = process.cpuUsage();
      return {
        atMs: nowMs(),
        cpuUs: cpu.user + cpu.system,
        emulatorCpuUs,
        replies: emitted.length,
      };
    };
    await heapProf?.windowStart(`scale-${n}`);
    const a = mark();
    send({ kind: "window", phase: "start", atMs: a.atMs });
    await sleep(rounds * spec.pollMs);
    const b = mark();
    const rssEnd = rssMb();
    clearInterval(sampler);
    await heapProf?.windowEnd(`scale-${n}`);
    send({ kind: "window", phase: "end", atMs: b.atMs });
    await sleep(300); // the last state messages reach the observer

    const mem = process.memoryUsage();
    const result: ChildResult = {
      kind: "result",
      t0,
      startedMs: started - t0,
      warmMs: warm - t0,
      window: { start: a, end: b },
      plannedRounds: rounds,
      emitted,
      handed,
      rssPeakMb: process.resourceUsage().maxRSS / 1024,
      rssAtMb: { started: rssStarted, warm: rssWarm, end: rssEnd },
      rssPeakAtMs: rssPeak.atMs,
      heapUsedMb: mem.heapUsed / 2 ** 20,
    };
    send(result);
    await running.stop();
  } finally {
    await broker?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(ok: () => boolean, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end)
      throw new Error(`scale bench: the site did not reach its state within ${timeoutMs} ms`);
    await sleep(20);
  }
}

main().then(
  () => process.disconnect?.(),
  (e: unknown) => {
    process.stderr.write(`scale bench child: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
