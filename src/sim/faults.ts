/** Faults a test or the demo can inject into a simulated inverter, and their bookkeeping. */
import { GRID_LIMITS } from "./status.ts";

export type FaultName =
  | "gfdi"
  | "grid_over_voltage"
  | "grid_under_voltage"
  | "grid_over_frequency"
  | "grid_under_frequency"
  | "channel_disconnected"
  | "shaded"
  | "dead"
  | "drop_replies"
  | "aes"
  | "no_output"
  | "overheat";

export const FAULT_NAMES: readonly FaultName[] = [
  "gfdi",
  "grid_over_voltage",
  "grid_under_voltage",
  "grid_over_frequency",
  "grid_under_frequency",
  "channel_disconnected",
  "shaded",
  "dead",
  "drop_replies",
  "aes",
  "no_output",
  "overheat",
];

/** Options per fault. Channel indices are 0-based (0 = input A). Clearing needs no options. */
export interface FaultOptions {
  gfdi: undefined;
  /** Reported grid voltage while active; default 258 V (stage-1 trip). */
  grid_over_voltage: { valueV?: number };
  /** Default 180 V. */
  grid_under_voltage: { valueV?: number };
  /** Default 51.2 Hz. */
  grid_over_frequency: { valueHz?: number };
  /** Default 47.8 Hz. */
  grid_under_frequency: { valueHz?: number };
  /** Clearing without `channelIndex` reconnects every input. */
  channel_disconnected: { channelIndex: number };
  /** `fraction` 0..1 of the panel's light lost, on top of its static shading. */
  shaded: { channelIndex: number; fraction: number };
  dead: undefined;
  /** Chance 0..1 that a poll gets no reply (seeded). */
  drop_replies: { probability: number };
  aes: undefined;
  /**
   * A failed power stage: awake, answering, no status bit, but feeding nothing in (manual 6.2's "0 W
   * or 2 W"). `trickleW` (default 0) is the little it still gives, W.
   */
  no_output: { trickleW?: number };
  /** Blocked ventilation: the heatsink runs `extraC` (> 0) above what its load and the weather give. */
  overheat: { extraC: number };
}

const DEFAULT_VALUES = { ov: 258, uv: 180, of: 51.2, uf: 47.8 };

export class FaultState {
  gfdi = false;
  dead = false;
  aes = false;
  dropProbability = 0;
  /** Undefined: working; a number: the failed power stage's trickle, W. */
  noOutputW: number | undefined;
  extraHeatC = 0;
  overVoltageV: number | undefined;
  underVoltageV: number | undefined;
  overFrequencyHz: number | undefined;
  underFrequencyHz: number | undefined;
  readonly disconnected = new Set<number>();
  /** channel index → extra fraction of light lost */
  readonly shade = new Map<number, number>();

  constructor(
    private readonly serial: string,
    private readonly channels: number,
  ) {}

  apply<F extends FaultName>(fault: F, active: boolean, opts?: FaultOptions[F]): void {
    const o = (opts ?? {}) as Partial<Record<string, number>>;
    const L = GRID_LIMITS;
    switch (fault as FaultName) {
      case "gfdi":
        this.gfdi = active;
        return;
      case "dead":
        this.dead = active;
        return;
      case "aes":
        this.aes = active;
        return;
      case "grid_over_voltage":
        this.overVoltageV = active
          ? this.beyond(fault, o.valueV ?? DEFAULT_VALUES.ov, ">", L.voltageSlowV[1])
          : undefined;
        return;
      case "grid_under_voltage":
        this.underVoltageV = active
          ? this.beyond(fault, o.valueV ?? DEFAULT_VALUES.uv, "<", L.voltageSlowV[0])
          : undefined;
        return;
      case "grid_over_frequency":
        this.overFrequencyHz = active
          ? this.beyond(fault, o.valueHz ?? DEFAULT_VALUES.of, ">", L.frequencySlowHz[1])
          : undefined;
        return;
      case "grid_under_frequency":
        this.underFrequencyHz = active
          ? this.beyond(fault, o.valueHz ?? DEFAULT_VALUES.uf, "<", L.frequencySlowHz[0])
          : undefined;
        return;
      case "no_output": {
        const w = o.trickleW ?? 0;
        if (active && !(Number.isFinite(w) && w >= 0 && w <= 10)) {
          throw new RangeError(
            `${this.serial}: no_output needs { trickleW } within 0..10 W, got ${o.trickleW}`,
          );
        }
        this.noOutputW = active ? w : undefined;
        return;
      }
      case "overheat": {
        const c = active ? (o.extraC ?? Number.NaN) : 0;
        if (active && !(Number.isFinite(c) && c > 0)) {
          throw new RangeError(`${this.serial}: overheat needs { extraC } above 0 °C, got ${o.extraC}`);
        }
        this.extraHeatC = c;
        return;
      }
      case "drop_replies": {
        const p = active ? (o.probability ?? Number.NaN) : 0;
        if (!(p >= 0 && p <= 1)) {
          throw new RangeError(
            `${this.serial}: drop_replies needs { probability } within 0..1, got ${o.probability}`,
          );
        }
        this.dropProbability = p;
        return;
      }
      case "channel_disconnected":
        if (!active && o.channelIndex === undefined) this.disconnected.clear();
        else if (active) this.disconnected.add(this.channel(fault, o.channelIndex));
        else this.disconnected.delete(this.channel(fault, o.channelIndex));
        return;
      case "shaded": {
        if (!active && o.channelIndex === undefined) {
          this.shade.clear();
          return;
        }
        const ch = this.channel(fault, o.channelIndex);
        if (!active) {
          this.shade.delete(ch);
          return;
        }
        const f = o.fraction ?? Number.NaN;
        if (!(f >= 0 && f <= 1)) {
          throw new RangeError(`${this.serial}: shaded needs { fraction } within 0..1, got ${o.fraction}`);
        }
        this.shade.set(ch, f);
        return;
      }
      default:
        throw new RangeError(`${this.serial}: unknown fault '${fault}'; known: ${FAULT_NAMES.join(", ")}`);
    }
  }

  /** A ground fault or an injected grid trip: either keeps the inverter off the grid. */
  get gridOrGround(): boolean {
    return (
      this.gfdi ||
      [this.overVoltageV, this.underVoltageV, this.overFrequencyHz, this.underFrequencyHz].some(
        (v) => v !== undefined,
      )
    );
  }

  gridVoltageV(normalV: number): number {
    return this.overVoltageV ?? this.underVoltageV ?? normalV;
  }

  gridFrequencyHz(normalHz: number): number {
    return this.overFrequencyHz ?? this.underFrequencyHz ?? normalHz;
  }

  private channel(fault: string, index: number | undefined): number {
    if (index === undefined || !Number.isInteger(index) || index < 0 || index >= this.channels) {
      throw new RangeError(
        `${this.serial}: ${fault} needs { channelIndex } as an integer 0..${this.channels - 1} (0 = input A), got ${index}`,
      );
    }
    return index;
  }

  private beyond(fault: string, value: number, dir: ">" | "<", limit: number): number {
    const ok = Number.isFinite(value) && (dir === ">" ? value > limit : value < limit);
    if (!ok)
      throw new RangeError(`${this.serial}: ${fault} value must be ${dir} ${limit} to trip, got ${value}`);
    return value;
  }
}
