/**
 * The demo's household and its grid meter: a seeded house (src/sim/household.ts) behind the simulated
 * roof, and a meter reading = load − Σ the inverters' true AC output (src/sim/grid-meter.ts), published on
 * the embedded broker every few simulated seconds as a P1 reader would. The export limiter reads it like
 * any MQTT meter, so the newcomer sees the real limiter hold export at zero.
 */

import type { WriteStream } from "node:fs";
import mqtt, { type MqttClient } from "mqtt";
import type { Clock } from "../sim/clock.ts";
import { meterDue, readGridMeter } from "../sim/grid-meter.ts";
import { Household } from "../sim/household.ts";
import { PowerSampler, powerLogLine } from "../sim/power-sampler.ts";
import type { SimSite } from "../sim/site.ts";
import { offsetMs } from "../site/local-time.ts";

/** A reading every 5 simulated seconds: between a DSMR 5 P1 port (1 s) and a throttled reader (10 s). */
export const DEMO_METER_PERIOD_MS = 5_000;

/** `{"power": W, "time": ISO}` on this topic; positive = import. */
export function demoMeterTopic(baseTopic: string): string {
  return `${baseTopic}/demo/grid_meter`;
}

export interface DemoMeterOptions {
  site: SimSite;
  /** Simulated time. */
  clock: Clock;
  seed: number;
  /** The site's time zone: the household's day (breakfast, dinner) follows local time. */
  timeZone: string;
  topic: string;
  /** Simulated ms per real ms: how often the meter must wake to keep its cadence. */
  speed: number;
  /** `--power-log`: one line per simulated second, as `localecu emulate --power-log` writes. */
  powerLog?: WriteStream;
}

export class DemoMeter {
  readonly household: Household;
  private readonly sampler: PowerSampler;
  private client: MqttClient | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly o: DemoMeterOptions) {
    const startMs = o.clock.now();
    this.household = new Household({
      seed: o.seed,
      utcOffsetMin: Math.round(offsetMs(startMs, o.timeZone) / 60_000),
    });
    this.sampler = new PowerSampler(o.site.inverters, o.powerLog ? 1000 : DEMO_METER_PERIOD_MS, startMs);
    this.sampler.onSample((s) => {
      o.powerLog?.write(`${JSON.stringify(powerLogLine(s))}\n`);
      if (!meterDue(s.tMs, DEMO_METER_PERIOD_MS)) return;
      const r = readGridMeter(
        s.tMs,
        this.household.load(s.tMs),
        s.inverters.map((i) => i.acPowerW),
      );
      // Not retained: a meter value is only true now; a stale one must look stale to the limiter.
      this.client?.publish(o.topic, JSON.stringify({ power: r.gridW, time: new Date(r.tMs).toISOString() }));
    });
  }

  /**
   * Simulated time for the emulated stick. Every time it is about to use passes the sampler first, because
   * the physics only moves forward: a reading left behind could not be taken afterwards.
   */
  readonly now = (): number => {
    const t = this.o.clock.now();
    this.sampler.sampleUntil(t);
    return t;
  };

  /** Connects to the broker as its own client (a P1 reader is a device of its own) and starts reading. */
  async start(mqttUrl: string): Promise<void> {
    this.client = await mqtt.connectAsync(mqttUrl, { clientId: `localecu-demo-meter-${process.pid}` });
    const everyMs = Math.max(20, Math.min(200, DEMO_METER_PERIOD_MS / this.o.speed));
    this.ticker = setInterval(this.now, everyMs);
    this.ticker.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    this.now();
    const client = this.client;
    this.client = undefined;
    await client?.endAsync();
  }
}
