/**
 * Fault/status bits as data, so the decoder, the simulator's encoder and the docs share one map.
 * Bit meanings: openaps QS1AFaults / DS3Faults (source-only: no capture shows a known fault, and live
 * QS1 samples carry bits openaps does not name — hence we also keep the raw bytes).
 */
import type { StatusFlags } from "./types.ts";

export type StatusKey = keyof StatusFlags;

/** [byte index within the status block, bit, flag] */
export type BitMap = readonly (readonly [number, number, StatusKey])[];

/** QS1/QS1A/YC600: status block = AF payload bytes 33–36 (body 0x17–0x1A). */
export const QS1_STATUS_BITS: BitMap = [
  [0, 1, "dcContactor"],
  [0, 2, "gridRelay"],
  [0, 3, "gfdi"],
  [0, 4, "comm"],
  [0, 5, "avgOverFrequency"],
  [0, 6, "avgUnderFrequency"],
  // openaps names byte 34 b2 over-temperature, but captures show it set at 15–17 °C while producing
  // (frames.json qs1-801000085070-johan, yc600-…-poll-15371): the QS1 decoder derives it from temperature.
  [1, 4, "dcBus"],
  [2, 0, "overFrequency"],
  [2, 1, "underFrequency"],
  [3, 0, "overVoltage"], // slow
  [3, 2, "overVoltage"], // fast
  [3, 1, "underVoltage"],
  [3, 3, "underVoltage"],
  [3, 4, "overFrequency"],
  [3, 6, "overFrequency"],
  [3, 5, "underFrequency"],
  [3, 7, "underFrequency"],
];
export const QS1_STATUS_OFFSET = 33;
export const QS1_STATUS_LEN = 4;

/** DS3: status block = body 0x0B–0x0F. */
export const DS3_STATUS_BITS: BitMap = [
  [1, 1, "gridRelay"],
  [2, 3, "gfdi"],
  [2, 4, "dcBus"],
  [2, 7, "dcContactor"],
  [3, 0, "overVoltage"],
  [3, 2, "overVoltage"],
  [3, 1, "underVoltage"],
  [3, 3, "underVoltage"],
  [4, 0, "overFrequency"],
  [4, 2, "overFrequency"],
  [4, 1, "underFrequency"],
  [4, 3, "underFrequency"],
];
export const DS3_STATUS_BODY_OFFSET = 0x0b;
export const DS3_STATUS_LEN = 5;

/**
 * Whether a reading carried status bytes at all. The vendor ECU passes none on (src/ecu/telemetry.ts:
 * emptyStatus with an empty statusRaw): its all-clear flags say nothing, so nothing may read them as "no fault".
 */
export function statusReported(t: { statusRaw: string }): boolean {
  return t.statusRaw !== "";
}

export function emptyStatus(): StatusFlags {
  return {
    gfdi: false,
    gridRelay: false,
    dcContactor: false,
    dcBus: false,
    comm: false,
    overTemperature: false,
    overVoltage: false,
    underVoltage: false,
    overFrequency: false,
    underFrequency: false,
    avgOverFrequency: false,
    avgUnderFrequency: false,
  };
}

export function decodeStatus(block: Uint8Array, map: BitMap): StatusFlags {
  const s = emptyStatus();
  for (const [byte, bit, key] of map) if (((block[byte] ?? 0) >> bit) & 1) s[key] = true;
  return s;
}

/** Inverse of decodeStatus for the simulator: sets the first bit listed for each true flag. */
export function encodeStatus(flags: Partial<StatusFlags>, map: BitMap, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const done = new Set<StatusKey>();
  for (const [byte, bit, key] of map) {
    if (flags[key] && !done.has(key)) {
      out[byte]! |= 1 << bit;
      done.add(key);
    }
  }
  return out;
}

export function activeFaults(s: StatusFlags): StatusKey[] {
  return (Object.keys(s) as StatusKey[]).filter((k) => s[k]);
}
