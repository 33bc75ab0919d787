/**
 * Telemetry reply 0xB1 from QS1 / QS1A (4 inputs) and YC600 (2 inputs).
 *
 * Offsets count from the first serial byte of the AF payload (ESP-ECU's `s_d`), big-endian:
 *   0–5   serial (BCD)          6–7  FB FB      8 innerlen (0x51)   9 cmd B1
 *   10–11 temperature: raw·0.2752 − 258.7 °C
 *   12–14 AC frequency: 50 000 000 / raw Hz
 *   16,19,22,25  DC inputs D, C, B, A, 3 packed bytes each (see decodePackedChannel)
 *   17–18 YC600 uptime (inside the unused D slot)
 *   28–29 AC voltage: raw / 1.3277 / 4
 *   30–31 QS1 uptime (seconds since power-up, 16-bit)
 *   33–36 status bits (status.ts)
 *   37,42,47,52  energy A, B, C, D: 5-byte accumulators × 3.756e-8 Wh (openaps)
 *
 * Worked example (frames.json yc600-408000158215-case0, ESP32-read-APS-inverters test.ino):
 *   input A bytes 25–27 = 73 D0 6B → I = 0x073 = 115 · 27.5/4096 = 0.772 A, V = 0x6BD = 1725 · 82.5/4096 = 34.74 V;
 *   temperature 03 D4 → 980 · 0.2752 − 258.7 = 11.0 °C; frequency 0F 41 17 → 50.015 Hz; AC 04 96 → 221.1 V;
 *   uptime (YC600, 17–18) 74 CF → 29 903 s; energy A 01 72 07 2D 88 → 6 208 040 328 · 3.756e-8 = 233.2 Wh.
 * Channel order is pinned by those captures: channel 1 = input A = bytes 25–27.
 */
import { need, readUintBE } from "./bytes.ts";
import type { ModelInfo } from "./models.ts";
import {
  DC_TO_AC_EFFICIENCY,
  QS1_AC_VOLT_DIVISOR,
  QS1_DC_AMPS_PER_LSB,
  QS1_DC_VOLTS_PER_LSB,
  QS1_ENERGY_WH_PER_LSB,
  QS1_FREQ_NUMERATOR,
  QS1_TEMP_GAIN,
  QS1_TEMP_OFFSET,
} from "./scales.ts";
import { decodeStatus, QS1_STATUS_BITS, QS1_STATUS_LEN, QS1_STATUS_OFFSET } from "./status.ts";
import { type ChannelReading, channelReading, type Input, type Telemetry } from "./types.ts";

export const QS1_OFFSETS = {
  temperature: 10,
  frequency: 12,
  acVoltage: 28,
  uptimeQs1: 30,
  uptimeYc600: 17,
  /** input → packed DC offset */
  dc: { A: 25, B: 22, C: 19, D: 16 } as Record<Input, number>,
  /** input → 5-byte energy offset */
  energy: { A: 37, B: 42, C: 47, D: 52 } as Record<Input, number>,
} as const;

/** QS1-EU datasheet: case temperature up to 80 °C. */
export const QS1_CASE_MAX_C = 80;

export const INPUTS: readonly Input[] = ["A", "B", "C", "D"];
/** Shortest payload holding every field we read (energy D ends at 56). */
export const QS1_MIN_PAYLOAD = 57;

/** I = ((b1 & 0x0F) << 8 | b0) · 27.5/4096 A;  V = (b2 << 4 | b1 >> 4) · 82.5/4096 V. */
export function decodePackedChannel(p: Uint8Array, off: number): { voltageV: number; currentA: number } {
  const b0 = p[off]!;
  const b1 = p[off + 1]!;
  const b2 = p[off + 2]!;
  return {
    currentA: (((b1 & 0x0f) << 8) | b0) * QS1_DC_AMPS_PER_LSB,
    voltageV: ((b2 << 4) | (b1 >> 4)) * QS1_DC_VOLTS_PER_LSB,
  };
}

export function decodeQs1Telemetry(payload: Uint8Array, serial: string, model: ModelInfo): Telemetry {
  need(payload, QS1_MIN_PAYLOAD, `${model.model} telemetry payload`);
  const o = QS1_OFFSETS;
  const channels: ChannelReading[] = INPUTS.slice(0, model.channels).map((input, i) => {
    const { voltageV, currentA } = decodePackedChannel(payload, o.dc[input]);
    const energyCounter = readUintBE(payload, o.energy[input], 5);
    return channelReading(i, input, voltageV, currentA, energyCounter, QS1_ENERGY_WH_PER_LSB);
  });
  const freqRaw = readUintBE(payload, o.frequency, 3);
  const statusBlock = payload.subarray(QS1_STATUS_OFFSET, QS1_STATUS_OFFSET + QS1_STATUS_LEN);
  const temperatureC = readUintBE(payload, o.temperature, 2) * QS1_TEMP_GAIN + QS1_TEMP_OFFSET;
  const status = decodeStatus(statusBlock, QS1_STATUS_BITS);
  // No trustworthy over-temperature bit (status.ts): use the datasheet's 80 °C case limit.
  status.overTemperature = temperatureC > QS1_CASE_MAX_C;
  return {
    kind: "telemetry",
    serial,
    model: model.model,
    family: model.family,
    temperatureC,
    frequencyHz: freqRaw === 0 ? 0 : QS1_FREQ_NUMERATOR / freqRaw,
    acVoltageV: readUintBE(payload, o.acVoltage, 2) / QS1_AC_VOLT_DIVISOR,
    uptimeS: readUintBE(payload, model.family === "yc600" ? o.uptimeYc600 : o.uptimeQs1, 2),
    acPowerW: channels.reduce((s, c) => s + c.powerW, 0) * DC_TO_AC_EFFICIENCY,
    acPowerSource: "estimate",
    status,
    statusRaw: Buffer.from(statusBlock).toString("hex"),
    channels,
  };
}
