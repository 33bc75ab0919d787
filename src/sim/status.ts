/**
 * Status/fault bytes of a simulated inverter, laid out as the openaps fault map describes them
 * (DESIGN.md §2; shared/reference/protocol-research.md §3.3). Bit meanings are source-only.
 *
 * QS1/QS1A/YC600 — 4 bytes = AF payload bytes 33–36 (telemetry body 0x17–0x1A):
 *   [0] (33) b3 DC ground fault (GFDI)
 *   [3] (36) b0/b2 over-voltage slow/fast, b1/b3 under-voltage slow/fast,
 *            b4/b6 over-frequency slow/fast, b5/b7 under-frequency slow/fast
 * DS3 — 5 bytes = telemetry body 0x0B–0x0F:
 *   [2] (0x0D) b3 DC ground fault
 *   [3] (0x0E) b0–b3 OV/UV — assumed in the QS1 order: b0 OV slow, b1 UV slow, b2 OV fast, b3 UV fast
 *   [4] (0x0F) OF/UF — assumed likewise: b0 OF slow, b1 UF slow, b2 OF fast, b3 UF fast
 */
import type { Family } from "../protocol/models.ts";

/** 0 = in range, 1 = slow (stage 1) trip, 2 = fast (stage 2) trip; a fast trip is also a slow one. */
export type TripStage = 0 | 1 | 2;

export interface GridTrips {
  overVoltage: TripStage;
  underVoltage: TripStage;
  overFrequency: TripStage;
  underFrequency: TripStage;
}

export interface SimStatus {
  gfdi: boolean;
  trips: GridTrips;
}

/**
 * Stage-1 limits are the QS1-EU datasheet ranges (DESIGN.md §5: 184–253 V, 48–51 Hz). Stage-2 limits
 * are the simulator's choice, typical EN 50549 second stages (115 % / 50 % of 230 V, 51.5 / 47.5 Hz).
 */
export const GRID_LIMITS = {
  voltageSlowV: [184, 253],
  voltageFastV: [115, 264.5],
  frequencySlowHz: [48, 51],
  frequencyFastHz: [47.5, 51.5],
} as const;

function stageAbove(value: number, slow: number, fast: number): TripStage {
  return value > fast ? 2 : value > slow ? 1 : 0;
}

function stageBelow(value: number, slow: number, fast: number): TripStage {
  return value < fast ? 2 : value < slow ? 1 : 0;
}

export function gridTrips(voltageV: number, frequencyHz: number): GridTrips {
  const L = GRID_LIMITS;
  return {
    overVoltage: stageAbove(voltageV, L.voltageSlowV[1], L.voltageFastV[1]),
    underVoltage: stageBelow(voltageV, L.voltageSlowV[0], L.voltageFastV[0]),
    overFrequency: stageAbove(frequencyHz, L.frequencySlowHz[1], L.frequencyFastHz[1]),
    underFrequency: stageBelow(frequencyHz, L.frequencySlowHz[0], L.frequencyFastHz[0]),
  };
}

export function gridOk(trips: GridTrips): boolean {
  return trips.overVoltage + trips.underVoltage + trips.overFrequency + trips.underFrequency === 0;
}

/** Bits for a trip given its slow-stage and fast-stage bit numbers. */
function tripBits(stage: TripStage, slowBit: number, fastBit: number): number {
  return (stage >= 1 ? 1 << slowBit : 0) | (stage === 2 ? 1 << fastBit : 0);
}

export function encodeStatusBytes(family: Family, status: SimStatus): Uint8Array {
  const t = status.trips;
  if (family === "ds3") {
    const out = new Uint8Array(5);
    out[2] = status.gfdi ? 1 << 3 : 0;
    out[3] = tripBits(t.overVoltage, 0, 2) | tripBits(t.underVoltage, 1, 3);
    out[4] = tripBits(t.overFrequency, 0, 2) | tripBits(t.underFrequency, 1, 3);
    return out;
  }
  const out = new Uint8Array(4);
  out[0] = status.gfdi ? 1 << 3 : 0;
  out[3] =
    tripBits(t.overVoltage, 0, 2) |
    tripBits(t.underVoltage, 1, 3) |
    tripBits(t.overFrequency, 4, 6) |
    tripBits(t.underFrequency, 5, 7);
  return out;
}
