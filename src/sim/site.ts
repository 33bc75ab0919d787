/** A simulated installation: one environment (sun, clouds, grid) shared by its inverters. */
import { InverterSim, type InverterSimState } from "./inverter.ts";
import type { PanelSpec } from "./panel.ts";
import { SimEnvironment } from "./weather.ts";

export interface SimInverterSpec {
  serial: string;
  /** Input A first. */
  panels: PanelSpec[];
  /** Stored limit at start (W per panel for QS1/YC600, per inverter for DS3). */
  initialLimitW?: number;
}

export interface SimSiteOptions {
  latitudeDeg: number;
  longitudeDeg: number;
  seed: number;
  clearSky?: boolean;
  inverters: SimInverterSpec[];
}

export class SimSite {
  readonly env: SimEnvironment;
  readonly inverters: readonly InverterSim[];
  private readonly bySerial = new Map<string, InverterSim>();

  constructor(readonly options: SimSiteOptions) {
    this.env = new SimEnvironment(options);
    this.inverters = options.inverters.map((spec) => {
      if (this.bySerial.has(spec.serial)) {
        throw new RangeError(`SimSite: inverter ${spec.serial} is listed twice; each serial must be unique`);
      }
      const sim = new InverterSim({ ...spec, env: this.env, seed: options.seed });
      this.bySerial.set(spec.serial, sim);
      return sim;
    });
  }

  /** The inverter with this serial, or undefined — a poll for an unknown serial gets no answer. */
  inverter(serial: string): InverterSim | undefined {
    return this.bySerial.get(serial);
  }

  serials(): string[] {
    return [...this.bySerial.keys()];
  }

  /** Each inverter's state as of its last advance (those never advanced are left out). */
  states(): Record<string, InverterSimState> {
    const out: Record<string, InverterSimState> = {};
    for (const inv of this.inverters) {
      const s = inv.state();
      if (s) out[inv.serial] = s;
    }
    return out;
  }

  /** Continues the inverters a saved run left; serials it does not hold are ignored, the rest warm-start. */
  resume(states: Readonly<Record<string, InverterSimState>>): void {
    for (const [serial, s] of Object.entries(states)) this.bySerial.get(serial)?.resume(s);
  }

  /** Brings every inverter to `tMs` (each also advances itself when polled or commanded). */
  advance(tMs: number): void {
    for (const inv of this.inverters) inv.advance(tMs);
  }
}
