/**
 * Samples every simulated inverter's true AC output on a fixed simulated-time grid, for the test rig's power
 * log (`localecu emulate --power-log`) and the demo's grid meter.
 *
 * The physics only moves forward, and the emulated stick advances the inverters whenever it answers. So the
 * sampler must see each time before the stick does: call `sampleUntil(t)` with every time the stick is about
 * to use (wrap its `now`), and from a timer so samples flow while the radio is quiet.
 */
import type { InverterSim } from "./inverter.ts";

export interface InverterPowerSample {
  serial: string;
  /** True AC output, W (the limit, on/off and faults applied). */
  acPowerW: number;
  /** What it could give unlimited and switched on, W. */
  availableAcW: number;
  /** The stored limit: W per panel (QS1/YC600) or per inverter (DS3), as a DE query would read it. */
  limitW: number;
  limitPer: "panel" | "inverter";
  on: boolean;
  awake: boolean;
}

export interface PowerSample {
  /** Simulated time, epoch ms: a multiple of the sampler's period. */
  tMs: number;
  inverters: InverterPowerSample[];
  /** Σ acPowerW. */
  acPowerW: number;
  /** Σ availableAcW. */
  availableAcW: number;
}

export class PowerSampler {
  private nextMs: number;
  private readonly listeners: ((s: PowerSample) => void)[] = [];

  /** The first sample is the first multiple of `periodMs` at or after `startMs`. */
  constructor(
    private readonly inverters: readonly InverterSim[],
    readonly periodMs: number,
    startMs: number,
  ) {
    if (!(Number.isInteger(periodMs) && periodMs > 0)) {
      throw new RangeError(`PowerSampler: the period must be a whole number of ms > 0, got ${periodMs}`);
    }
    this.nextMs = Math.ceil(startMs / periodMs) * periodMs;
  }

  onSample(listener: (s: PowerSample) => void): void {
    this.listeners.push(listener);
  }

  /** Takes every sample due at or before `tMs`, in time order. */
  sampleUntil(tMs: number): void {
    while (this.nextMs <= tMs) {
      const s = this.sample(this.nextMs);
      this.nextMs += this.periodMs;
      for (const l of this.listeners) l(s);
    }
  }

  private sample(tMs: number): PowerSample {
    const inverters = this.inverters.map((inv) => ({
      serial: inv.serial,
      acPowerW: inv.acPowerW(tMs),
      availableAcW: inv.availableAcW(tMs),
      limitW: inv.limitW(),
      limitPer: inv.model.limitPer,
      on: inv.isOn,
      awake: inv.isAwake,
    }));
    return {
      tMs,
      inverters,
      acPowerW: inverters.reduce((s, i) => s + i.acPowerW, 0),
      availableAcW: inverters.reduce((s, i) => s + i.availableAcW, 0),
    };
  }
}

/** One `--power-log` line: snake_case like the `--truth` lines, exact (unrounded) watts. */
export function powerLogLine(s: PowerSample): Record<string, unknown> {
  return {
    time: new Date(s.tMs).toISOString(),
    t_ms: s.tMs,
    ac_power_w: s.acPowerW,
    available_ac_w: s.availableAcW,
    inverters: s.inverters.map((i) => ({
      serial: i.serial,
      ac_power_w: i.acPowerW,
      available_ac_w: i.availableAcW,
      limit_w: i.limitW,
      limit_per: i.limitPer,
      on: i.on,
      awake: i.awake,
    })),
  };
}
