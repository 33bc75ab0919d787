/**
 * Telemetry reply 0xBB from DS3 / DS3-L / DS3-H (2 inputs). Offsets count from the byte after the
 * command (openaps `body`), i.e. AF payload offset 10 + x; 16-bit big-endian unless noted.
 * Scales: openaps codec/ds3.go — they reproduce the real DS3-L frame (active power 351 W vs ΣV·I 363 W),
 * the ESP-ECU scales do not (research §3.3).
 *
 *   0x0B–0x0F status   0x10/0x12 panel V A/B ×0.02   0x14/0x16 panel I A/B ×0.01172
 *   0x18 AC V ×0.268   0x1A Hz ×0.01   0x1C uptime s   0x1E active power W   0x20 reactive var (signed)
 *   0x26 temperature raw·0.0198 − 23.84 (ESP-ECU)   0x28/0x2C energy A/B 32-bit × 1.674e-5 Wh
 *
 * Worked example (frames.json ds3-703000021300-l2): 0x18 = 03 60 → 864 × 0.268 = 231.6 V;
 * 0x1A = 13 8A → 50.02 Hz; 0x1E = 00 24 → 36 W.
 */
import { need, readUintBE } from "./bytes.ts";
import type { ModelInfo } from "./models.ts";
import {
  DS3_AC_VOLTS_PER_LSB,
  DS3_DC_AMPS_PER_LSB,
  DS3_DC_VOLTS_PER_LSB,
  DS3_ENERGY_WH_PER_LSB,
  DS3_HZ_PER_LSB,
  DS3_TEMP_GAIN,
  DS3_TEMP_OFFSET,
} from "./scales.ts";
import { DS3_STATUS_BITS, DS3_STATUS_BODY_OFFSET, DS3_STATUS_LEN, decodeStatus } from "./status.ts";
import { type ChannelReading, channelReading, type Input, type Telemetry } from "./types.ts";

export const DS3_BODY = {
  voltage: [0x10, 0x12],
  current: [0x14, 0x16],
  acVoltage: 0x18,
  frequency: 0x1a,
  uptime: 0x1c,
  activePower: 0x1e,
  reactivePower: 0x20,
  temperature: 0x26,
  energy: [0x28, 0x2c],
} as const;

export const DS3_MIN_BODY = 0x30;

export function decodeDs3Telemetry(body: Uint8Array, serial: string, model: ModelInfo): Telemetry {
  need(body, DS3_MIN_BODY, "DS3 telemetry body");
  const b = DS3_BODY;
  const u16 = (off: number) => readUintBE(body, off, 2);
  const channels: ChannelReading[] = (["A", "B"] as Input[]).map((input, i) => {
    const voltageV = u16(b.voltage[i]!) * DS3_DC_VOLTS_PER_LSB;
    const currentA = u16(b.current[i]!) * DS3_DC_AMPS_PER_LSB;
    const energyCounter = readUintBE(body, b.energy[i]!, 4);
    return channelReading(i, input, voltageV, currentA, energyCounter, DS3_ENERGY_WH_PER_LSB);
  });
  const reactive = u16(b.reactivePower);
  const statusBlock = body.subarray(DS3_STATUS_BODY_OFFSET, DS3_STATUS_BODY_OFFSET + DS3_STATUS_LEN);
  return {
    kind: "telemetry",
    serial,
    model: model.model,
    family: model.family,
    temperatureC: u16(b.temperature) * DS3_TEMP_GAIN + DS3_TEMP_OFFSET,
    frequencyHz: u16(b.frequency) * DS3_HZ_PER_LSB,
    acVoltageV: u16(b.acVoltage) * DS3_AC_VOLTS_PER_LSB,
    uptimeS: u16(b.uptime),
    acPowerW: u16(b.activePower),
    acPowerSource: "reported",
    reactivePowerVar: reactive >= 0x8000 ? reactive - 0x10000 : reactive,
    status: decodeStatus(statusBlock, DS3_STATUS_BITS),
    statusRaw: Buffer.from(statusBlock).toString("hex"),
    channels,
  };
}
