/** Builders for accounting tests: telemetry with counters given in Wh, at local wall times. */
import type { Family, ModelName } from "../../../src/protocol/models.ts";
import { emptyStatus } from "../../../src/protocol/status.ts";
import type { Telemetry } from "../../../src/protocol/types.ts";

export const TZ = "Europe/Amsterdam";
export const QS1_SERIAL = "801000012345";
export const DS3_SERIAL = "703000012345";

const INPUTS = ["A", "B", "C", "D"] as const;

/**
 * Wh per raw counter step (DESIGN.md §2): QS1/QS1A/YC600 5-byte accumulator × 3.756e-8 Wh (openaps),
 * DS3 32-bit × 1.674e-5 Wh. Literal on purpose: taken from the accountant's own table, a wrong scale would
 * build the expectation with the same mistake.
 */
export const WH_PER_STEP: Readonly<Record<Family, number>> = {
  qs1: 3.756e-8,
  yc600: 3.756e-8,
  yc1000: 3.756e-8,
  ds3: 1.674e-5,
};

/** Wh → the family's raw counter (rounded to a whole LSB, as the wire carries it). */
export function rawOf(wh: number, family: Family = "qs1"): number {
  return Math.round(wh / WH_PER_STEP[family]);
}

export function whOf(raw: number, family: Family = "qs1"): number {
  return raw * WH_PER_STEP[family];
}

export interface ReadingSpec {
  serial?: string;
  model?: ModelName;
  uptimeS: number;
  /** Per channel: Wh (converted to raw) or `{ raw }` to place an exact raw value. */
  counters: readonly (number | { raw: number })[];
  acPowerW?: number;
}

export function telemetry(spec: ReadingSpec): Telemetry {
  const model = spec.model ?? "QS1";
  const family: Family = model === "DS3" ? "ds3" : model === "YC600" ? "yc600" : "qs1";
  const channels = spec.counters.map((c, i) => {
    const raw = typeof c === "number" ? rawOf(c, family) : c.raw;
    return {
      channel: i + 1,
      input: INPUTS[i]!,
      voltageV: 32,
      currentA: 3,
      powerW: 96,
      energyCounter: raw,
      energyWh: whOf(raw, family),
    };
  });
  return {
    kind: "telemetry",
    serial: spec.serial ?? (family === "ds3" ? DS3_SERIAL : QS1_SERIAL),
    model,
    family,
    temperatureC: 30,
    frequencyHz: 50,
    acVoltageV: 230,
    uptimeS: spec.uptimeS,
    acPowerW: spec.acPowerW ?? 365,
    acPowerSource: family === "ds3" ? "reported" : "estimate",
    status: emptyStatus(),
    statusRaw: "00000000",
    channels,
  };
}

/** Milliseconds of an Amsterdam wall time given as ISO text with its offset, e.g. "2024-06-01T06:00+02:00". */
export function at(iso: string): number {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad time in test: ${iso}`);
  return t;
}

export interface Poll {
  atMs: number;
  uptimeS: number;
  counters: number[];
}

/**
 * A power-up session with constant power per channel: the inverter powers up at `powerUpMs` and
 * is polled every `everyS` from `firstPollMs`. Counters are energy since power-up.
 */
export function session(
  powerUpMs: number,
  firstPollMs: number,
  polls: number,
  wattsPerChannel: readonly number[],
  everyS = 300,
): Poll[] {
  const out: Poll[] = [];
  for (let k = 0; k < polls; k++) {
    const atMs = firstPollMs + k * everyS * 1000;
    const upS = Math.round((atMs - powerUpMs) / 1000);
    out.push({ atMs, uptimeS: upS % 65536, counters: wattsPerChannel.map((w) => (w * upS) / 3600) });
  }
  return out;
}
