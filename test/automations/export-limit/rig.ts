/**
 * The export limiter's test rig: the real controller (runController) on a real broker, with the stick
 * emulator in-process on a scaled clock, and a grid meter played from the emulator's truth — a house with a
 * constant load minus the inverters' true AC output (src/sim/power-sampler.ts), published on MQTT the way
 * a Tasmota SML reader does. Every frame the controller sends is recorded, so tests can see writes, limit
 * queries and polls in the order they went on air.
 */
import mqtt, { type MqttClient } from "mqtt";
import { scaledClock } from "../../../src/controller/clock.ts";
import { type RunningController, type RunOptions, runController } from "../../../src/controller/run.ts";
import type { LimiterSnapshot } from "../../../src/entities/snapshot.ts";
import type { Logger } from "../../../src/log.ts";
import { ZnpStreamParser } from "../../../src/protocol/znp/parser.ts";
import { openStreamTransport } from "../../../src/radio/transport/url.ts";
import type { EmulatorAir } from "../../../src/sim/emulator/air.ts";
import { StickEmulator } from "../../../src/sim/emulator/stick.ts";
import { type PowerSample, PowerSampler } from "../../../src/sim/power-sampler.ts";
import type { SimSite } from "../../../src/sim/site.ts";
import type { SiteConfig } from "../../../src/site/config/types.ts";

export type FrameKind = "poll" | "query" | "page" | "set" | "other";

export interface AirFrame {
  kind: FrameKind;
  shortAddress: number;
  /** Simulated time it was written to the stick. */
  tMs: number;
}

/**
 * L2 command bytes (DESIGN.md §2): BB poll, DE limit query (also protection page B), DD / D9 protection
 * pages A / C (reads, grid-protection.md §1), 1C set max power (QS1/YC600).
 */
const KINDS: Record<number, FrameKind> = { 187: "poll", 222: "query", 221: "page", 217: "page", 28: "set" };

export interface Rig {
  running: RunningController;
  clock: ReturnType<typeof scaledClock>;
  frames: AirFrame[];
  /** Every limiter state the controller's bus carried, with the simulated time it arrived. */
  states: { tMs: number; s: LimiterSnapshot }[];
  /** The latest truth sample (1 s grid). */
  latest(): PowerSample | undefined;
  /** Simulated now, after the truth has been sampled up to it: the time to act on an emulated inverter. */
  now(): number;
  /** The emulated air (the inverters joined to the stick's network), for a restart on the same stick. */
  air(): EmulatorAir | undefined;
  stop(): Promise<void>;
}

export async function startRig(o: {
  config: SiteConfig;
  site: SimSite;
  startMs: number;
  speed: number;
  logger: Logger;
  limitRecheckMs?: number;
  onSample?: (s: PowerSample) => void;
  /** A restart: the same air, the inverters still joined to the stick's network. */
  air?: EmulatorAir;
  env?: NodeJS.ProcessEnv;
  haLink?: RunOptions["haLink"];
}): Promise<Rig> {
  const clock = scaledClock(o.startMs, o.speed);
  const frames: AirFrame[] = [];
  const sampler = new PowerSampler(o.site.inverters, 1000, clock.now());
  let latest: PowerSample | undefined;
  sampler.onSample((s) => {
    latest = s;
    o.onSample?.(s);
  });
  // The physics only moves forward: the sampler sees every time before the emulated stick does.
  const now = () => {
    const t = clock.now();
    sampler.sampleUntil(t);
    return t;
  };
  const ticker = setInterval(now, 50);
  let air = o.air;
  const transport = openStreamTransport(
    () => {
      const emu = new StickEmulator({ inverters: o.site.inverters, seed: 5, now, ...(air ? { air } : {}) });
      air = emu.air;
      const parser = new ZnpStreamParser();
      const write = emu.write.bind(emu) as (chunk: Buffer, ...rest: unknown[]) => boolean;
      emu.write = ((chunk: Buffer, ...rest: unknown[]) => {
        for (const ev of parser.push(new Uint8Array(chunk))) {
          const f = ev.kind === "frame" ? ev.frame : undefined;
          if (f?.cmd0 !== 0x24 || f.cmd1 !== 0x01) continue;
          // AF_DATA_REQUEST: dst u16 LE, then 8 header bytes and the length; the L2 starts after the ECU id.
          const cmd = f.data[10 + 6 + 3];
          frames.push({
            kind: (cmd !== undefined && KINDS[cmd]) || "other",
            shortAddress: f.data[0]! | (f.data[1]! << 8),
            tMs: clock.now(),
          });
        }
        return write(chunk, ...rest);
      }) as typeof emu.write;
      return emu;
    },
    { url: "emulator://limiter", clock },
  );
  const running = await runController({
    config: o.config,
    logger: o.logger,
    clock,
    transport,
    stick: { ecuId: "D8A3011B9780", pairing: { stepMs: 50 } },
    exportLimit: {
      // The scaled clock never waits less than min(ms, 1 s) of real time, so a 1 s tick would pass 10
      // simulated seconds at ×10; 100 ms waits 100 ms of real time, 1 s simulated, as in production.
      tickMs: 100,
      ...(o.limitRecheckMs === undefined ? {} : { limitRecheckMs: o.limitRecheckMs }),
    },
    ...(o.env ? { env: o.env } : {}),
    ...(o.haLink ? { haLink: o.haLink } : {}),
  });
  const states: Rig["states"] = [];
  const sink = {};
  running.controller.bus.on("limiterState", sink, ({ snapshot }) => {
    states.push({ tMs: clock.now(), s: snapshot });
  });
  // The controller published the first state before we could listen: start from it.
  const first = running.controller.exportLimit?.snapshot;
  if (first) states.push({ tMs: clock.now(), s: first });
  return {
    running,
    clock,
    frames,
    states,
    latest: () => latest,
    now,
    air: () => air,
    async stop() {
      clearInterval(ticker);
      running.controller.bus.removeListeners(sink);
      await running.stop();
    },
  };
}

/** A Tasmota SML reader on its own connection: `{"SML":{"Power": kW}}` with export positive. */
export class SmlMeter {
  private constructor(
    readonly client: MqttClient,
    readonly topic: string,
  ) {}

  static async connect(url: string, topic: string): Promise<SmlMeter> {
    return new SmlMeter(
      await mqtt.connectAsync(url, { clientId: `sml-${Math.random().toString(16).slice(2)}` }),
      topic,
    );
  }

  /** Publishes the grid balance: load − pv W, in the reader's sign (export positive) and unit (kW). */
  send(gridW: number, tMs: number): void {
    const payload = { Time: new Date(tMs).toISOString(), SML: { Total_in: 1234.5, Power: -gridW / 1000 } };
    this.client.publish(this.topic, JSON.stringify(payload));
  }

  raw(text: string): void {
    this.client.publish(this.topic, text);
  }

  close(): Promise<void> {
    return this.client.endAsync(true);
  }
}
