/** Decoded, typed results. Units are in the field names; values are unrounded. */
import type { Family, ModelName } from "./models.ts";
import type { ProtectionPageReading } from "./protection/decode.ts";

export type Input = "A" | "B" | "C" | "D";

export interface ChannelReading {
  /** 1-based; channel 1 = input A. */
  channel: number;
  input: Input;
  voltageV: number;
  currentA: number;
  /** V·I */
  powerW: number;
  /** The inverter's energy counter for this input, raw (restarts at every power-up). */
  energyCounter: number;
  /** energyCounter scaled to Wh with the default (openaps) factor; accounting applies calibration. */
  energyWh: number;
}

/** A channel's reading from its wire values; power and Wh are derived here, once, for every family. */
export function channelReading(
  index: number,
  input: Input,
  voltageV: number,
  currentA: number,
  energyCounter: number,
  whPerLsb: number,
): ChannelReading {
  return {
    channel: index + 1,
    input,
    voltageV,
    currentA,
    powerW: voltageV * currentA,
    energyCounter,
    energyWh: energyCounter * whPerLsb,
  };
}

/** Named fault flags; true = the inverter reports this condition. Mapping from openaps (source-only). */
export interface StatusFlags {
  gfdi: boolean; // DC ground fault
  gridRelay: boolean;
  dcContactor: boolean;
  dcBus: boolean;
  comm: boolean;
  overTemperature: boolean;
  overVoltage: boolean;
  underVoltage: boolean;
  overFrequency: boolean;
  underFrequency: boolean;
  /** 10-minute average over/under frequency (QS1 byte 33 b5/b6) */
  avgOverFrequency: boolean;
  avgUnderFrequency: boolean;
}

export interface Telemetry {
  kind: "telemetry";
  serial: string;
  model: ModelName;
  family: Family;
  temperatureC: number;
  frequencyHz: number;
  acVoltageV: number;
  uptimeS: number;
  acPowerW: number;
  /** DS3 reports its AC power; the others are estimated as ΣV·I × 0.95. */
  acPowerSource: "reported" | "estimate";
  reactivePowerVar?: number;
  status: StatusFlags;
  /** The raw status bytes as hex, for bits we do not name yet. */
  statusRaw: string;
  channels: ChannelReading[];
}

export interface LimitReply {
  kind: "limit";
  serial: string;
  model: ModelName;
  family: Family;
  /** The raw 16-bit value the inverter stores. */
  limitRaw: number;
  /** W per panel for QS1/YC600; W for the whole inverter on DS3. */
  limitW: number;
  limitPer: "panel" | "inverter";
  /** The whole page B the limit came in, decoded as protection settings (absent when the page is cut). */
  protection?: ProtectionPageReading;
}

/** A protection page other than B (B answers as the limit reply): grid-protection.md §3. */
export interface ProtectionPageReply extends ProtectionPageReading {
  kind: "protection";
  serial: string;
  model: ModelName;
  family: Family;
}

export interface InfoReply {
  kind: "info";
  serial: string;
  modelCode: number;
  modelName?: string;
  raw: string;
}

export interface PairingReply {
  kind: "pairing";
  serial: string;
  shortAddress: number;
}

export interface EncryptedReply {
  kind: "encrypted";
  serial: string;
  reason: string;
}

/**
 * The inverter's short acknowledgement after a set command: `<serial> FB FB 06 DE 00 00 00 00 00 00 00 FE FE`
 * (captured after every ECU-C set-power in frames.json set_power_sniffs). Same command byte as the limit reply,
 * 13 bytes instead of 84. openaps names DE "ack success" and DF "ack failed".
 */
export interface AckReply {
  kind: "ack";
  serial: string;
  ok: boolean;
}

/** An L2 reply we recognise by envelope but whose command we do not decode. */
export interface UnknownReply {
  kind: "unknown";
  serial: string;
  cmd: number;
  l2: string;
}

export type Reply =
  | Telemetry
  | LimitReply
  | ProtectionPageReply
  | InfoReply
  | AckReply
  | EncryptedReply
  | UnknownReply;
