/**
 * Energy accounting: turns the inverters' restarting, wrapping, sometimes garbled counters into
 * per-channel and per-inverter lifetime and daily Wh that never go down.
 *
 * Pure: no I/O, no clock. Each reading comes with its poll's wall-clock time. `step` computes the
 * next state without touching the current one, so a store can commit state and history in one
 * transaction and only then `commit` it here.
 */
import type { ModelName } from "../../protocol/models.ts";
import type { Telemetry } from "../../protocol/types.ts";
import { assertTimeZone, localDay } from "../daily.ts";
import { DEFAULT_TOLERANCE, type SessionTolerance } from "./session.ts";
import {
  type AccountingResult,
  cloneState,
  type EnergyEvent,
  type EnergyLogger,
  emptyChannel,
  type InverterState,
  type Totals,
  totalsOf,
} from "./state.ts";
import { type StepConfig, stepReading } from "./step.ts";

export { acPowerFromCounters } from "./step.ts";

import { defaultMaxChannelW } from "./units.ts";

export * from "./state.ts";

export interface EnergyOptions {
  /** IANA zone of the site (site.yaml `timezone`); daily energy resets at its local midnight. */
  timeZone: string;
  /** Site `energy_calibration`: multiplies every Wh (default 1). */
  calibration?: number;
  /** Per-channel ceiling in W; default 1.5 × continuous output / channels (energy/units.ts). */
  maxChannelW?: number | ((serial: string, model: ModelName) => number | undefined);
  log?: EnergyLogger;
  tolerance?: SessionTolerance;
}

export class EnergyAccountant {
  private readonly states = new Map<string, InverterState>();
  private readonly config: StepConfig;
  private readonly log: EnergyLogger | undefined;

  constructor(opts: EnergyOptions, states: Iterable<InverterState> = []) {
    assertTimeZone(opts.timeZone);
    const calibration = opts.calibration ?? 1;
    if (!Number.isFinite(calibration) || calibration <= 0) {
      throw new RangeError(
        `energy calibration must be a positive number, got ${calibration} (site.yaml: site.energy_calibration, e.g. 1 or 0.934)`,
      );
    }
    const max = opts.maxChannelW;
    this.config = {
      timeZone: opts.timeZone,
      calibration,
      tolerance: opts.tolerance ?? DEFAULT_TOLERANCE,
      maxChannelW: (serial, model) =>
        (typeof max === "number" ? max : max?.(serial, model)) ?? defaultMaxChannelW(model),
    };
    this.log = opts.log;
    for (const s of states) this.states.set(s.serial, cloneState(s));
  }

  /** Computes the effect of a reading without changing anything. */
  step(t: Telemetry, atMs: number): { next: InverterState; result: AccountingResult } {
    return stepReading(this.states.get(t.serial), t, atMs, this.config);
  }

  /** Adopts a state computed by `step` (after the store committed it) and logs its events. */
  commit(next: InverterState, events: readonly EnergyEvent[] = []): void {
    this.states.set(next.serial, cloneState(next));
    if (this.log) for (const e of events) this.log(e);
  }

  record(t: Telemetry, atMs: number): AccountingResult {
    const { next, result } = this.step(t, atMs);
    this.commit(next, result.events);
    return result;
  }

  /**
   * The states a field replacement produces: the new unit continues the old one's lifetime and
   * today's energy per channel (history stays with the position); its counters start fresh.
   */
  planCarryOver(
    oldSerial: string,
    newSerial: string,
    atMs: number,
  ): { old: InverterState; next: InverterState } {
    const old = this.states.get(oldSerial);
    if (old === undefined) {
      throw new Error(
        `replace ${oldSerial} → ${newSerial}: no energy recorded for ${oldSerial}; nothing to carry over`,
      );
    }
    if (old.retiredBy !== null) {
      throw new Error(
        `replace ${oldSerial} → ${newSerial}: ${oldSerial} was already replaced by ${old.retiredBy}`,
      );
    }
    const existing = this.states.get(newSerial);
    if (existing !== undefined && totalsOf(existing).inverterWh > 0) {
      throw new Error(
        `replace ${oldSerial} → ${newSerial}: ${newSerial} already has its own energy; carry-over would mix two histories`,
      );
    }
    const day = localDay(atMs, this.config.timeZone);
    const sameDay = old.day !== null && old.day >= day;
    const next: InverterState = {
      serial: newSerial,
      atMs: null,
      uptimeS: null,
      day: sameDay ? old.day : day,
      channels: old.channels.map((c) => ({
        ...emptyChannel(),
        lifetimeWh: c.lifetimeWh,
        dayWh: sameDay ? c.dayWh : 0,
      })),
      retiredBy: null,
    };
    return { old: { ...cloneState(old), retiredBy: newSerial }, next };
  }

  carryOver(oldSerial: string, newSerial: string, atMs: number): InverterState {
    const { old, next } = this.planCarryOver(oldSerial, newSerial, atMs);
    this.commit(old);
    this.commit(next, [
      {
        level: "debug",
        code: "carry-over",
        serial: newSerial,
        atMs,
        message: `${newSerial} continues ${oldSerial}: ${totalsOf(next).inverterWh.toFixed(1)} Wh lifetime`,
      },
    ]);
    return cloneState(next);
  }

  state(serial: string): InverterState | undefined {
    const s = this.states.get(serial);
    return s && cloneState(s);
  }

  serials(): string[] {
    return [...this.states.keys()];
  }

  lifetime(serial: string): Totals | undefined {
    const s = this.states.get(serial);
    return s && totalsOf(s);
  }

  /** Today's energy at `atMs`: zero once local midnight has passed since the last reading. */
  today(serial: string, atMs: number): Totals | undefined {
    const s = this.states.get(serial);
    if (s === undefined) return undefined;
    const current = s.day !== null && s.day >= localDay(atMs, this.config.timeZone);
    const channelsWh = s.channels.map((c) => (current ? c.dayWh : 0));
    return { inverterWh: channelsWh.reduce((a, b) => a + b, 0), channelsWh };
  }
}
