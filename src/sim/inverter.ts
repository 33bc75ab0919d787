/**
 * A simulated QS1/QS1A, YC600 or DS3: powered by its panels, integrating its own energy counters,
 * obeying max-power and on/off commands, and answering polls with what it would put on the wire.
 * Time is always passed in (epoch ms) and must never go backwards.
 */
import type { ModelInfo } from "../protocol/models.ts";
import { InverterControls } from "./controls.ts";
import { type FaultName, type FaultOptions, FaultState } from "./faults.ts";
import { GridSettingsStore, type SimGridSettings } from "./grid-profile.ts";
import {
  COMMAND_DELAY_MS,
  energyCounter,
  INPUT_WINDOW,
  MAX_CONTINUOUS_W,
  MAX_STEP_MS,
  QS1_SHEET,
  RECONNECT_DELAY_MS,
  type SimFamily,
  simModelForSerial,
  uptimeCounter,
} from "./inverter-model.ts";
import { type ChannelOutput, computeChannels } from "./output.ts";
import { Panel, type PanelSpec } from "./panel.ts";
import { findPowerUp } from "./power-up-search.ts";
import { deriveSeed, Rng } from "./random.ts";
import { encodeStatusBytes, gridOk, gridTrips } from "./status.ts";
import type { TelemetryTruth } from "./truth.ts";
import type { SimEnvironment } from "./weather.ts";

export interface InverterSimOptions {
  serial: string;
  /** One per input, input A first; fewer than the model's inputs leaves the rest unconnected. */
  panels: readonly PanelSpec[];
  env: SimEnvironment;
  seed: number;
  /** Stored limit at start, W per panel (QS1/YC600) or per inverter (DS3); default: top of the range. */
  initialLimitW?: number;
  /** Grid-protection settings at start; default APsystems' EN50549-1 profile. */
  gridSettings?: Readonly<SimGridSettings>;
}

/**
 * What a new run of the simulation needs to continue an inverter rather than re-live its morning: a
 * warm start integrates from sunrise with no limit, which would hand the controller a counter that never
 * was (a curtailed morning counted again as full output).
 */
export interface InverterSimState {
  atMs: number;
  /** When its present power-up began; absent while asleep. */
  poweredUpAtMs?: number;
  /** Per input, Wh since that power-up. */
  energyWh: number[];
  limitW: number;
  on: boolean;
}

interface Instant {
  vocMaxV: number;
  channels: ChannelOutput[];
  acPowerW: number;
  voltageV: number;
  frequencyHz: number;
  ambientC: number;
  meanPoaWm2: number;
}

export class InverterSim {
  readonly serial: string;
  readonly model: ModelInfo;
  readonly family: SimFamily;
  readonly maxContinuousW: number;
  private readonly panels: readonly (Panel | undefined)[];
  private readonly faults: FaultState;
  private readonly rng: Rng;
  private readonly env: SimEnvironment;
  private lastT: number | undefined;
  private awake = false;
  private powerUpMs: number | undefined;
  private energy: number[];
  private prevAcW: number[];
  private readonly controls: InverterControls;
  private readonly grid: GridSettingsStore;

  constructor(opts: InverterSimOptions) {
    const model = simModelForSerial(opts.serial);
    if (opts.panels.length > model.channels) {
      throw new RangeError(
        `InverterSim ${opts.serial}: ${model.model} has ${model.channels} inputs, got ${opts.panels.length} panels`,
      );
    }
    this.serial = opts.serial;
    this.model = model;
    this.family = model.family;
    this.env = opts.env;
    this.maxContinuousW = MAX_CONTINUOUS_W[this.family];
    this.panels = Array.from({ length: model.channels }, (_, i) => {
      const spec = opts.panels[i];
      return spec ? new Panel(spec) : undefined;
    });
    this.faults = new FaultState(opts.serial, model.channels);
    this.rng = new Rng(deriveSeed(opts.seed, `inverter:${opts.serial}`));
    this.energy = new Array<number>(model.channels).fill(0);
    this.prevAcW = new Array<number>(model.channels).fill(0);
    this.controls = new InverterControls(opts.serial, model, this.maxContinuousW, opts.initialLimitW);
    this.grid = new GridSettingsStore(opts.gridSettings);
  }

  get channelCount(): number {
    return this.model.channels;
  }

  /** Whether the inverter has power as of the last advance (it answers polls only then). */
  get isAwake(): boolean {
    return this.awake;
  }

  get isOn(): boolean {
    return this.controls.on;
  }

  /** When the present power-up began; undefined while asleep. */
  get poweredUpAtMs(): number | undefined {
    return this.awake ? this.powerUpMs : undefined;
  }

  /** Time of the last advance. */
  get timeMs(): number | undefined {
    return this.lastT;
  }

  /** True per-input AC energy since power-up, Wh (before counter quantisation and wrap). */
  energyWh(): number[] {
    return [...this.energy];
  }

  /** Whether the radio has power at `tMs`: panels lit and not dead (dropped replies still count as on). */
  radioOn(tMs: number): boolean {
    this.advance(tMs);
    return this.awake && !this.faults.dead;
  }

  /** Whether replies are AES-scrambled (the "aes" fault: paired in AES mode by a vendor ECU). */
  encrypted(tMs: number): boolean {
    this.advance(tMs);
    return this.faults.aes;
  }

  /** The stored limit a DE query would report: W per panel (QS1/YC600) or per inverter (DS3). */
  limitW(tMs?: number): number {
    if (tMs !== undefined) this.advance(tMs);
    return this.controls.limitW;
  }

  /**
   * The true AC output at `tMs`, W, as the grid sees it: the limit as ramped, on/off, the start ramp and
   * faults all apply; 0 while asleep or dead. Equals the acPowerW a reply at the same instant carries.
   */
  acPowerW(tMs: number): number {
    this.advance(tMs);
    if (!this.awake || this.faults.dead) return 0;
    return this.evaluate(tMs).acPowerW;
  }

  /**
   * What the panels would give at `tMs` with no max-power limit and switched on, W: MPPT output clipped
   * only at the rating. Grid trips, GFDI, sleep and death still count (no command lifts them); the start
   * ramp does not (it lasts seconds). Curtailment = availableAcW − acPowerW.
   */
  availableAcW(tMs: number): number {
    this.advance(tMs);
    if (!this.awake || this.faults.dead) return 0;
    return this.evaluate(tMs, false, true).acPowerW;
  }

  advance(tMs: number): void {
    if (!Number.isFinite(tMs))
      throw new RangeError(`InverterSim ${this.serial}: time must be epoch ms, got ${tMs}`);
    if (this.lastT === undefined) {
      this.warmStart(tMs);
      return;
    }
    if (tMs < this.lastT) {
      throw new RangeError(
        `InverterSim ${this.serial}: time went backwards from ${new Date(this.lastT).toISOString()} to ` +
          `${new Date(tMs).toISOString()}; the simulation only moves forward — use a new site to rewind`,
      );
    }
    while (this.lastT < tMs) {
      const next = this.controls.stepEnd(this.lastT, Math.min(tMs, this.lastT + MAX_STEP_MS));
      this.step(next);
      this.controls.commitDue(next);
    }
  }

  /** What the inverter would answer to a poll at `tMs`, or null when it would stay silent. */
  reply(tMs: number): TelemetryTruth | null {
    this.advance(tMs);
    if (!this.awake || this.faults.dead) return null;
    if (this.faults.dropProbability > 0 && this.rng.next() < this.faults.dropProbability) return null;
    const now = this.evaluate(tMs, true);
    const uptimeS = uptimeCounter(tMs - (this.powerUpMs ?? tMs));
    return {
      serial: this.serial,
      model: this.model.model,
      temperatureC:
        now.ambientC +
        3 +
        0.01 * now.meanPoaWm2 +
        25 * (now.acPowerW / this.maxContinuousW) +
        this.faults.extraHeatC,
      frequencyHz: now.frequencyHz,
      acVoltageV: now.voltageV,
      uptimeS,
      acPowerW: now.acPowerW,
      // DS3 reports reactive power; at its near-unity power factor a few percent of P is plausible.
      reactivePowerVar: this.family === "ds3" ? -0.03 * now.acPowerW : 0,
      channels: now.channels.map((c, i) => ({
        voltageV: c.voltageV,
        currentA: c.currentA,
        energyCounter: energyCounter(this.family, this.energy[i]!),
        energyWh: this.energy[i]!,
      })),
      statusBytes: encodeStatusBytes(this.family, {
        gfdi: this.faults.gfdi,
        trips: gridTrips(now.voltageV, now.frequencyHz),
      }),
      encrypted: this.faults.aes,
      limitW: this.controls.limitW,
      on: this.controls.on,
    };
  }

  /**
   * Receives a max-power command at `tMs`. It takes effect after a seeded 2–5 s delay and then
   * ramps. Returns false when the inverter cannot hear it (asleep or dead).
   */
  setMaxPower(w: number, tMs: number): boolean {
    this.controls.check(w);
    this.advance(tMs);
    if (!this.awake || this.faults.dead) return false;
    this.controls.schedule(w, tMs + this.rng.range(COMMAND_DELAY_MS[0], COMMAND_DELAY_MS[1]));
    return true;
  }

  /** Off: AC output stops (polls still answered while the panels give power). On: output ramps back. */
  setOn(on: boolean, tMs: number): boolean {
    this.advance(tMs);
    if (!this.awake || this.faults.dead) return false;
    this.controls.setOn(on, tMs);
    return true;
  }

  /** The grid-protection settings it holds, as its protection pages report them. */
  gridSettings(): Readonly<SimGridSettings> {
    return this.grid.get();
  }

  /**
   * Changes grid-protection settings at runtime, as an installer's tool would (a planted deviation):
   * single codes on top of what it holds, or a whole profile with `replace`.
   */
  setGridSettings(values: Readonly<SimGridSettings>, replace = false): void {
    this.grid.set(values, replace);
  }

  /** Its state as of the last advance, or undefined before the first. */
  state(): InverterSimState | undefined {
    if (this.lastT === undefined) return undefined;
    return {
      atMs: this.lastT,
      ...(this.awake && this.powerUpMs !== undefined ? { poweredUpAtMs: this.powerUpMs } : {}),
      energyWh: [...this.energy],
      limitW: this.controls.limitW,
      on: this.controls.on,
    };
  }

  /**
   * Continues from a saved state instead of a warm start; only before the first advance. A state from
   * another model (a different number of inputs) is refused.
   */
  resume(s: InverterSimState): void {
    if (this.lastT !== undefined) {
      throw new Error(`InverterSim ${this.serial}: resume only before the first advance`);
    }
    if (s.energyWh.length !== this.energy.length || !Number.isFinite(s.atMs)) {
      throw new RangeError(
        `InverterSim ${this.serial}: a saved state with ${s.energyWh.length} inputs does not fit a ${this.model.model} (${this.energy.length})`,
      );
    }
    this.controls.restore(s.limitW, s.on);
    this.lastT = s.atMs;
    this.awake = s.poweredUpAtMs !== undefined;
    this.powerUpMs = s.poweredUpAtMs;
    this.energy = [...s.energyWh];
    this.prevAcW = this.awake
      ? this.evaluate(s.atMs).channels.map((ch) => ch.acPowerW)
      : this.energy.map(() => 0);
  }

  /** Starts or clears a fault from the inverter's present time (its last advance). */
  inject<F extends FaultName>(fault: F, active: boolean, opts?: FaultOptions[F]): void {
    const blockedBefore = this.faults.gridOrGround;
    this.faults.apply(fault, active, opts);
    if (blockedBefore && !this.faults.gridOrGround && this.lastT !== undefined) {
      this.controls.resumeNoEarlierThan(this.lastT + RECONNECT_DELAY_MS);
    }
  }

  /** The physics at one instant, for the present commands (or none: `unlimited`) and faults. */
  private evaluate(tMs: number, withGrid = false, unlimited = false): Instant {
    const c = this.env.conditions(tMs);
    let poaSum = 0;
    let panels = 0;
    const curves = this.panels.map((panel, i) => {
      if (!panel || this.faults.disconnected.has(i)) return null;
      const poa = this.env.poaWm2(tMs, panel.spec.tiltDeg, panel.spec.azimuthDeg);
      poaSum += poa;
      panels++;
      return panel.curve(poa, c.ambientC, this.faults.shade.get(i) ?? 0);
    });
    // The environment keeps the grid inside the trip limits, so integration steps only need the
    // injected values; the noisy ones (the costliest part of the physics) are computed for replies.
    const voltageV = this.faults.gridVoltageV(withGrid ? this.env.gridVoltageV(tMs) : QS1_SHEET.nominalAcV);
    const frequencyHz = this.faults.gridFrequencyHz(
      withGrid ? this.env.gridFrequencyHz(tMs) : QS1_SHEET.nominalHz,
    );
    const producing =
      (unlimited || this.controls.allowsOutput(tMs)) &&
      !this.faults.gfdi &&
      gridOk(gridTrips(voltageV, frequencyHz));
    let caps = unlimited
      ? { perChannelAcW: Number.POSITIVE_INFINITY, totalAcW: this.maxContinuousW }
      : this.controls.caps(tMs);
    // A failed power stage (no_output) passes at most its trickle, whatever the commands say.
    const trickleW = this.faults.noOutputW;
    if (trickleW !== undefined) caps = { ...caps, totalAcW: Math.min(caps.totalAcW, trickleW) };
    const channels = computeChannels(curves, INPUT_WINDOW, producing && trickleW !== 0, caps);
    return {
      vocMaxV: Math.max(0, ...curves.map((cv) => cv?.vocV ?? 0)),
      channels,
      acPowerW: channels.reduce((s, ch) => s + ch.acPowerW, 0),
      voltageV,
      frequencyHz,
      ambientC: c.ambientC,
      meanPoaWm2: panels > 0 ? poaSum / panels : 0,
    };
  }

  /**
   * One integration step from the last time to `tMs`. Wakes when the best panel's open-circuit
   * voltage reaches the start-up voltage (20 V); sleeps when it falls below the operating floor
   * (16 V) — the gap keeps dawn and dusk from flickering. The counters integrate each input's AC
   * share (DC × 0.95, trapezoidal), so Σ counters / uptime is the inverter's AC power, which is
   * how DESIGN.md §2 derives QS1/YC600 AC power from two polls.
   */
  private step(tMs: number): void {
    const dtH = (tMs - this.lastT!) / 3_600_000;
    const now = this.evaluate(tMs);
    if (!this.awake) {
      if (now.vocMaxV >= QS1_SHEET.startupV) this.powerUp(tMs);
    } else if (now.vocMaxV < QS1_SHEET.operatingV[0]) {
      this.awake = false;
      this.controls.dropPending();
    } else {
      for (let i = 0; i < this.energy.length; i++) {
        this.energy[i]! += ((this.prevAcW[i]! + now.channels[i]!.acPowerW) / 2) * dtH;
      }
    }
    // At power-up the start ramp is at 0 W, so the step's trailing power is 0.
    this.prevAcW =
      this.awake && this.powerUpMs !== tMs
        ? now.channels.map((ch) => ch.acPowerW)
        : this.prevAcW.map(() => 0);
    this.lastT = tMs;
  }

  private powerUp(tMs: number): void {
    this.awake = true;
    this.powerUpMs = tMs;
    this.energy = this.energy.map(() => 0);
    this.controls.resumeNoEarlierThan(tMs);
  }

  /**
   * First look at the inverter: if its panels are already lit, it has been up since this morning,
   * so integrate from that power-up rather than starting with fresh counters.
   */
  private warmStart(t0: number): void {
    const lit = (t: number) => this.evaluate(t).vocMaxV >= QS1_SHEET.startupV;
    if (!lit(t0)) {
      this.lastT = t0;
      return;
    }
    const up = findPowerUp(t0, lit);
    this.lastT = up - 1;
    this.step(up);
    this.advance(t0);
  }
}
