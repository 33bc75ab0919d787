/**
 * Builders for fault-diagnosis tests: a 4-QS1 south roof laid out like a registration card, hand-built
 * telemetry in physical units (what an inverter would report), and a driver that runs poll rounds.
 */
import { FaultDiagnosis } from "../../../src/automations/faults/core.ts";
import type {
  DiagnosisSettings,
  FaultChanges,
  FaultLayout,
  Finding,
} from "../../../src/automations/faults/types.ts";
import { modelByName } from "../../../src/protocol/models.ts";
import { emptyStatus } from "../../../src/protocol/status.ts";
import type { StatusFlags, Telemetry } from "../../../src/protocol/types.ts";

export const SERIALS = ["801000000001", "801000000002", "801000000003", "801000000004"] as const;
export const [TL, TR, BL, BR] = SERIALS;
export const TZ = "Europe/Amsterdam";

/** 15 June 2026, local time (CEST = UTC+2). */
export function at(hhmm: string, day = 15): number {
  const [h, m] = hhmm.split(":").map(Number);
  return Date.UTC(2026, 5, day, h! - 2, m!);
}

/** Four QS1s on a 2 × 2 south roof, 35° tilt, each with four 400 Wp panels named S1…S16. */
export function southRoof(opts: { panelsOfLast?: number } = {}): FaultLayout {
  const labels = ["South top left", "South top right", "South bottom left", "South bottom right"];
  const cells = ["row 1 col 1", "row 1 col 2", "row 2 col 1", "row 2 col 2"];
  return {
    timezone: TZ,
    inverters: SERIALS.map((serial, i) => ({
      serial,
      label: labels[i],
      position: `south roof, ${cells[i]}`,
      model: modelByName("QS1")!,
      panels: (["A", "B", "C", "D"] as const)
        .slice(0, i === 3 ? (opts.panelsOfLast ?? 4) : 4)
        .map((input, j) => ({
          id: `S${i * 4 + j + 1}`,
          input,
          tiltDeg: 35,
          azimuthDeg: 180,
          wp: 400,
        })),
    })),
  };
}

export interface ReadingSpec {
  serial: string;
  /** Per input: [DC volts, DC amps]. */
  dc: readonly (readonly [number, number])[];
  /** AC output; default ΣV·I × 0.95 (how QS1 AC power is estimated from its DC inputs). */
  acW?: number;
  acV?: number;
  hz?: number;
  tempC?: number;
  uptimeS?: number;
  status?: Partial<StatusFlags>;
}

export function reading(r: ReadingSpec): Telemetry {
  const channels = r.dc.map(([voltageV, currentA], i) => ({
    channel: i + 1,
    input: "ABCD"[i] as "A" | "B" | "C" | "D",
    voltageV,
    currentA,
    powerW: voltageV * currentA,
    energyCounter: 0,
    energyWh: 0,
  }));
  return {
    kind: "telemetry",
    serial: r.serial,
    model: "QS1",
    family: "qs1",
    temperatureC: r.tempC ?? 45,
    frequencyHz: r.hz ?? 50.01,
    acVoltageV: r.acV ?? 231,
    uptimeS: r.uptimeS ?? 14_400,
    acPowerW: r.acW ?? channels.reduce((s, c) => s + c.powerW, 0) * 0.95,
    acPowerSource: "estimate",
    status: { ...emptyStatus(), ...r.status },
    statusRaw: "00000000",
    channels,
  };
}

/** A healthy QS1 at midday: four panels at 34 V, 8.8 A (≈ 300 W each). */
/**
 * A QS1 locked by its ground fault: it stops feeding in, its panels sit at open-circuit voltage (≈ 41 V)
 * with 0 A, and the GFDI bit is set.
 */
export function groundFaulted(serial: string): Telemetry {
  return healthy(serial, {
    dc: [
      [41, 0],
      [41, 0],
      [41, 0],
      [41, 0],
    ],
    acW: 0,
    status: { gfdi: true },
  });
}

export function healthy(serial: string, over: Partial<ReadingSpec> = {}): Telemetry {
  return reading({
    serial,
    dc: [
      [34, 8.8],
      [34, 8.8],
      [34, 8.8],
      [34, 8.8],
    ],
    ...over,
  });
}

export class Drive {
  readonly core: FaultDiagnosis;
  readonly log: FaultChanges[] = [];

  constructor(layout: FaultLayout = southRoof(), settings: Partial<DiagnosisSettings> = {}) {
    this.core = new FaultDiagnosis(layout, settings);
  }

  /** One poll round: each entry a reading, or a serial that stayed silent; then the round is judged. */
  round(atMs: number, sunElevationDeg: number, replies: readonly (Telemetry | string)[]): FaultChanges {
    for (const r of replies) {
      if (typeof r === "string") this.core.update({ kind: "no-reply", atMs, serial: r });
      else this.core.update({ kind: "reading", atMs, telemetry: r });
    }
    const c = this.core.update({ kind: "round", atMs, sunElevationDeg });
    this.log.push(c);
    return c;
  }

  opened(): Finding[] {
    return this.log.flatMap((c) => c.opened);
  }

  cleared(): Finding[] {
    return this.log.flatMap((c) => c.cleared);
  }
}

export const minutes = (n: number) => n * 60_000;
