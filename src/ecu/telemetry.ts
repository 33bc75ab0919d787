/**
 * An ECU's real-time record → the Telemetry every other part of localecu reads, so accounting, entities,
 * findings, the map and the automations do not know which source produced it. Pure: no I/O, no clock.
 *
 * What port 8899 lacks is made explicit, never invented as a plausible number:
 * - DC voltage and current per panel do not exist there: NaN, which the entities publish as unknown.
 * - Per-inverter energy does not exist there either. Each channel's energy is added up from the power the
 *   ECU reports at each of its cycles (trapezoids between cycles, nothing across a gap longer than
 *   MAX_GAP_S, when the power in between is unknown). The sum is handed to the accounting as a counter
 *   that starts at 0 with this session and an "uptime" that counts the ECU's cycle seconds since then, so
 *   the never-decreasing accounting books it like an inverter's counter: a controller restart starts a new
 *   session at 0 and nothing is counted twice.
 * - Cycle times are the ECU's local clock (often in a wrong zone, Etc/GMT-8 on ECU-R 2160): only their
 *   differences are used. The reading's time is our clock at the session's first cycle plus the ECU's
 *   seconds since, so the accounting's wall time and "uptime" agree to the second.
 */

import { counterSpec, UPTIME_MODULUS } from "../protocol/counters.ts";
import type { EcuInverterRecord } from "../protocol/ecu/types.ts";
import { type ModelInfo, modelForSerial } from "../protocol/models.ts";
import { emptyStatus } from "../protocol/status.ts";
import type { ChannelReading, Input, Telemetry } from "../protocol/types.ts";

/** Longer than this between two cycles, the power in between is unknown and no energy is added. */
export const MAX_GAP_S = 900;

/** What the integration keeps per inverter between cycles. */
export interface EcuInverterMemory {
  /** Our clock (ms) at the session's first cycle, and that cycle's ECU time (ms, zone-free). */
  startAtMs: number;
  startCycleMs: number;
  /** The last cycle used, ECU time (ms). */
  lastCycleMs: number;
  /** Per channel: last power (W) and energy added this session (Wh, unrounded). */
  lastPowerW: number[];
  energyWh: number[];
}

export type EcuTelemetryResult =
  | { kind: "reading"; telemetry: Telemetry; atMs: number; memory: EcuInverterMemory }
  | { kind: "same-cycle" } // the ECU has not run a new cycle since: nothing new to book
  | { kind: "skipped"; why: string };

/**
 * @param cycleMs the record's cycle time as ms since the epoch, read as if UTC (only differences matter)
 * @param nowMs our clock when the answer arrived
 */
export function ecuTelemetry(
  rec: EcuInverterRecord,
  cycleMs: number,
  nowMs: number,
  memory: EcuInverterMemory | undefined,
  model: ModelInfo | undefined = modelForSerial(rec.uid),
): EcuTelemetryResult {
  if (!model) return { kind: "skipped", why: `${rec.uid}: no known inverter model for this serial prefix` };
  if (!rec.online || rec.channels === undefined) {
    return { kind: "skipped", why: `${rec.uid} is offline at the ECU's last cycle` };
  }
  if (memory && cycleMs === memory.lastCycleMs) return { kind: "same-cycle" };
  const powers = rec.channels.map((c) => c.powerW);
  // A new session: the first cycle we see, or the ECU's clock stepped back (its cycle times are then
  // no measure of time elapsed).
  const m: EcuInverterMemory =
    memory && cycleMs > memory.lastCycleMs
      ? { ...memory, lastPowerW: [...memory.lastPowerW], energyWh: [...memory.energyWh] }
      : {
          startAtMs: nowMs,
          startCycleMs: cycleMs,
          lastCycleMs: cycleMs,
          lastPowerW: powers,
          energyWh: powers.map(() => 0),
        };
  const gapS = (cycleMs - m.lastCycleMs) / 1000;
  if (gapS > 0 && gapS <= MAX_GAP_S) {
    powers.forEach((p, i) => {
      const before = m.lastPowerW[i] ?? p;
      m.energyWh[i] = (m.energyWh[i] ?? 0) + ((before + p) / 2) * (gapS / 3600);
    });
  }
  m.lastCycleMs = cycleMs;
  m.lastPowerW = powers;

  const spec = counterSpec(model.family);
  const uptimeS = Math.floor((cycleMs - m.startCycleMs) / 1000) % UPTIME_MODULUS;
  const channels: ChannelReading[] = rec.channels.map((c, i) => ({
    channel: c.channel,
    input: c.input as Input,
    voltageV: Number.NaN,
    currentA: Number.NaN,
    powerW: c.powerW,
    energyCounter: Math.floor((m.energyWh[i] ?? 0) / spec.whPerLsb) % spec.modulus,
    energyWh: m.energyWh[i] ?? 0,
  }));
  const telemetry: Telemetry = {
    kind: "telemetry",
    serial: rec.uid,
    model: model.model,
    family: model.family,
    temperatureC: rec.temperatureC ?? Number.NaN,
    frequencyHz: rec.frequencyHz ?? Number.NaN,
    acVoltageV: rec.acVoltageV ?? rec.phaseVoltagesV?.[0] ?? Number.NaN,
    uptimeS,
    acPowerW: rec.acPowerW ?? powers.reduce((a, p) => a + p, 0),
    // The ECU's per-input powers are what the inverter reported; no V·I estimate is involved.
    acPowerSource: "reported",
    status: emptyStatus(),
    statusRaw: "",
    channels,
  };
  return { kind: "reading", telemetry, atMs: m.startAtMs + (cycleMs - m.startCycleMs), memory: m };
}

/** `YYYY-MM-DDThh:mm:ss` (the ECU's local time) → ms, read as UTC: only differences are used. */
export function cycleTimeMs(cycleTime: string): number | undefined {
  const ms = Date.parse(`${cycleTime}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}
