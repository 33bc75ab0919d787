/**
 * What a simulated inverter says in answer to a poll, in physical units: the contract between the
 * simulator (which produces it) and its wire encoder (src/sim/wire, which turns it into reply bytes).
 * Field names are shared with that encoder: do not rename them.
 */
import type { ModelName } from "../protocol/models.ts";

export interface TelemetryChannelTruth {
  /** DC input voltage, V (0 when the panel is disconnected or dark). */
  voltageV: number;
  /** DC input current, A. */
  currentA: number;
  /**
   * Raw energy counter, already wrapped: QS1/QS1A/YC600 count 3.756e-8 Wh per step in 5 bytes (wrap 2^40);
   * DS3 counts 1.674e-5 Wh per step in 4 bytes (wrap 2^32). See wire/scales.ts.
   */
  energyCounter: number;
  /** The true AC energy of this input since power-up, Wh, before quantisation: what a decoder must recover. */
  energyWh: number;
}

export interface TelemetryTruth {
  serial: string;
  model: ModelName;
  /** Heatsink temperature, °C. */
  temperatureC: number;
  frequencyHz: number;
  acVoltageV: number;
  /** Seconds since this power-up, wrapped to 16 bits like the wire field. */
  uptimeS: number;
  /** Σ per-channel AC share; DS3 puts it on the wire, QS1/YC600 do not. */
  acPowerW: number;
  /** DS3 only (0 for the others). */
  reactivePowerVar: number;
  channels: TelemetryChannelTruth[];
  /** QS1/QS1A/YC600: 4 bytes (AF payload bytes 33–36); DS3: 5 bytes (body 0x0B–0x0F). */
  statusBytes: Uint8Array;
  /** AES-paired: the encoder must scramble the reply instead of encoding these values. */
  encrypted: boolean;
  /** Stored max-power limit: W per panel (QS1/YC600) or per inverter (DS3). */
  limitW: number;
  on: boolean;
}
