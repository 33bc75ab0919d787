/**
 * ECU → inverter commands (13-byte L2 frames: innerlen 6 = cmd + 5 body bytes).
 * Each carries its on-air status from src/protocol/models.ts; vectors in frames.json
 * (`set_power_sniffs`, `command_vectors_source_only`).
 */
import { FrameError } from "./errors.ts";
import { buildL2 } from "./l2.ts";
import type { Family } from "./models.ts";
import { DS3_LIMIT_MAX_RAW, DS3_LIMIT_W_PER_LSB, QS1_LIMIT_MUL } from "./scales.ts";

export const L2_CMD = {
  POLL: 0xbb, // confirmed: every ESP-ECU poll
  TELEMETRY_QS1: 0xb1, // reply, QS1/QS1A/YC600
  TELEMETRY_DS3: 0xbb, // reply, DS3
  SET_POWER_QS1: 0x1c, // confirmed on air (vendor ECU-C → YC600), sub-command 8C 02
  SET_POWER_QS1_BROADCAST: 0x2c, // openaps only
  SET_POWER_DS3: 0xaa, // openaps/ESP-ECU source, sub-command 27
  SET_POWER_DS3_BROADCAST: 0xab,
  ON: 0xc1, // openaps only, never seen on air
  OFF: 0xc2,
  ON_BROADCAST: 0xa1,
  OFF_BROADCAST: 0xa2,
  INFO: 0xdc, // openaps only
  QUERY_DE: 0xde, // confirmed: vendor ECU-C sends it after every set; replies carry the limit
  PAGE_DD: 0xdd, // DS3 answers DE queries with cmd DD, body[0] DE
  ACK_FAILED: 0xdf, // openaps only; the success ack is a short DE frame
} as const;

const ZERO5 = [0, 0, 0, 0, 0];

export function encodePoll(): Uint8Array {
  return buildL2(L2_CMD.POLL, ZERO5);
}

/** Limit read-back query; the same frame for every family. */
export function encodeLimitQuery(): Uint8Array {
  return buildL2(L2_CMD.QUERY_DE, ZERO5);
}

export function encodeInfoQuery(): Uint8Array {
  return buildL2(L2_CMD.INFO, ZERO5);
}

/** UNVERIFIED on hardware: openaps' encoder, family-independent per its docs. */
export function encodeOnOff(on: boolean, broadcast = false): Uint8Array {
  const cmd = broadcast ? (on ? L2_CMD.ON_BROADCAST : L2_CMD.OFF_BROADCAST) : on ? L2_CMD.ON : L2_CMD.OFF;
  return buildL2(cmd, ZERO5);
}

/** QS1/YC600 wire value for W per panel: (W·7395) >> 8 — the only rule matching the ECU-C's 100 W (0x0B48). */
export function qs1LimitRaw(watts: number): number {
  return Math.floor((Math.round(watts) * QS1_LIMIT_MUL) / 256);
}

export function qs1LimitWatts(raw: number): number {
  return (raw * 256) / QS1_LIMIT_MUL;
}

export function ds3LimitRaw(watts: number): number {
  return Math.round(watts / DS3_LIMIT_W_PER_LSB);
}

export function ds3LimitWatts(raw: number): number {
  return raw * DS3_LIMIT_W_PER_LSB;
}

export interface SetPowerOptions {
  family: Family;
  watts: number;
  broadcast?: boolean;
  /** [min, max] the device accepts; from ModelInfo.limitRangeW. */
  rangeW: readonly [number, number];
}

/**
 * QS1/YC600: `FB FB 06 1C 8C 02 <v BE16> 00 <sum> FE FE` (per panel; confirmed on air).
 * DS3: `FB FB 06 AA 27 00 00 <v BE16> <sum> FE FE` (per inverter; source-confirmed).
 */
export function encodeSetMaxPower(o: SetPowerOptions): Uint8Array {
  const [min, max] = o.rangeW;
  if (!Number.isFinite(o.watts) || o.watts < min || o.watts > max) {
    throw new FrameError("range", `max power ${o.watts} W is outside ${min}–${max} W for ${o.family}`);
  }
  if (o.family === "ds3") {
    const v = Math.min(ds3LimitRaw(o.watts), DS3_LIMIT_MAX_RAW);
    const cmd = o.broadcast ? L2_CMD.SET_POWER_DS3_BROADCAST : L2_CMD.SET_POWER_DS3;
    return buildL2(cmd, [0x27, 0x00, 0x00, v >> 8, v & 0xff]);
  }
  if (o.family === "qs1" || o.family === "yc600") {
    const v = qs1LimitRaw(o.watts);
    const cmd = o.broadcast ? L2_CMD.SET_POWER_QS1_BROADCAST : L2_CMD.SET_POWER_QS1;
    return buildL2(cmd, [0x8c, 0x02, v >> 8, v & 0xff, 0x00]);
  }
  throw new FrameError("command", `no known max-power command for ${o.family}`);
}
