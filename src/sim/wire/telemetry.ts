/**
 * The emulated inverter's telemetry reply: physical values → the bytes a real QS1/QS1A/YC600 (cmd B1) or
 * DS3 (cmd BB) puts on the air, quantised to the wire resolution (e.g. 82.5/4096 V per QS1 DC step).
 *
 * Layouts and scales are written here from the public sources (DESIGN.md §2, research §3.3), not imported
 * from the codec (see ./scales.ts for why). Only byte plumbing (serial BCD, L2 envelope) is shared.
 *
 * QS1 family, offsets from the first serial byte (ESP-ECU `s_d`):
 *   0–5 serial · 6–7 FB FB · 8 innerlen 0x51 · 9 cmd B1 · 10–11 temperature · 12–14 frequency
 *   16/19/22/25 DC inputs D/C/B/A (3 packed bytes: I low 8 bits | V low 4 bits, I high 4 bits | V high 8 bits)
 *   17–18 YC600 uptime · 28–29 AC voltage · 30–31 QS1 uptime · 33–36 status · 37/42/47/52 energy A–D (5 bytes)
 *   90–91 checksum slot 00 00 (as YC600 replies carry it) · 92–93 FE FE.
 * DS3, offsets from the byte after the command (openaps `body`): 0x10/0x12 V, 0x14/0x16 I, 0x18 AC V,
 *   0x1A Hz, 0x1C uptime, 0x1E active W, 0x20 reactive var (signed), 0x26 temperature, 0x28/0x2C energy.
 */
import { concat, writeUintBE } from "../../protocol/bytes.ts";
import { FrameError } from "../../protocol/errors.ts";
import { encodeSerial } from "../../protocol/ids.ts";
import { buildL2 } from "../../protocol/l2.ts";
import { type ModelInfo, modelForSerial } from "../../protocol/models.ts";
import {
  SIM_DS3_AC_VOLTS_PER_LSB,
  SIM_DS3_DC_AMPS_PER_LSB,
  SIM_DS3_DC_VOLTS_PER_LSB,
  SIM_DS3_HZ_PER_LSB,
  SIM_DS3_TEMP,
  SIM_QS1_AC_RAW_PER_VOLT,
  SIM_QS1_DC_AMPS_PER_LSB,
  SIM_QS1_DC_VOLTS_PER_LSB,
  SIM_QS1_HZ_NUMERATOR,
  SIM_QS1_TEMP,
} from "./scales.ts";

export interface TelemetryValues {
  serial: string;
  temperatureC: number;
  frequencyHz: number;
  acVoltageV: number;
  uptimeS: number;
  /** DS3 only (others derive it). */
  acPowerW?: number;
  reactivePowerVar?: number;
  channels: readonly { voltageV: number; currentA: number; energyCounter: number }[];
  /** QS1/YC600: 4 bytes (payload 33–36); DS3: 5 bytes (body 0x0B–0x0F). */
  statusBytes?: Uint8Array;
}

/** Inputs in the order channel 1, 2, 3, 4 (channel 1 = input A, pinned by the captures). */
const QS1_DC_OFFSET = [25, 22, 19, 16] as const;
const QS1_ENERGY_OFFSET = [37, 42, 47, 52] as const;
const DS3_V = [0x10, 0x12] as const;
const DS3_I = [0x14, 0x16] as const;
const DS3_E = [0x28, 0x2c] as const;

const clamp = (v: number, max: number) => Math.max(0, Math.min(max, Math.round(v)));

/** QS1/QS1A/YC600 cmd B1: the AF payload (serial + 88-byte L2). */
export function encodeQs1Telemetry(v: TelemetryValues, model: ModelInfo = mustModel(v.serial)): Uint8Array {
  if (v.channels.length !== model.channels) {
    throw new FrameError("range", `${model.model} has ${model.channels} channels, got ${v.channels.length}`);
  }
  const p = new Uint8Array(94);
  p.set(encodeSerial(v.serial), 0);
  p.set([0xfb, 0xfb, 0x51, 0xb1], 6);
  writeUintBE(p, 10, 2, clamp((v.temperatureC - SIM_QS1_TEMP.offset) / SIM_QS1_TEMP.gain, 0xffff));
  writeUintBE(p, 12, 3, v.frequencyHz > 0 ? clamp(SIM_QS1_HZ_NUMERATOR / v.frequencyHz, 0xffffff) : 0);
  v.channels.forEach((c, i) => {
    const iRaw = clamp(c.currentA / SIM_QS1_DC_AMPS_PER_LSB, 0xfff);
    const vRaw = clamp(c.voltageV / SIM_QS1_DC_VOLTS_PER_LSB, 0xfff);
    const off = QS1_DC_OFFSET[i]!;
    p[off] = iRaw & 0xff;
    p[off + 1] = ((vRaw & 0x0f) << 4) | (iRaw >> 8);
    p[off + 2] = vRaw >> 4;
    writeUintBE(p, QS1_ENERGY_OFFSET[i]!, 5, Math.floor(c.energyCounter) % 2 ** 40);
  });
  writeUintBE(p, 28, 2, clamp(v.acVoltageV * SIM_QS1_AC_RAW_PER_VOLT, 0xffff));
  // YC600 keeps its uptime inside the unused input-D slot (17–18); QS1 at 30–31.
  writeUintBE(p, model.family === "yc600" ? 17 : 30, 2, clamp(v.uptimeS, 0xffff));
  if (v.statusBytes) p.set(v.statusBytes.subarray(0, 4), 33);
  p.set([0x00, 0x00, 0xfe, 0xfe], 90);
  return p;
}

/** DS3 cmd BB: the AF payload (serial + 99-byte L2 with a valid checksum, as real DS3 replies carry). */
export function encodeDs3Telemetry(v: TelemetryValues): Uint8Array {
  if (v.channels.length !== 2) throw new FrameError("range", `DS3 has 2 channels, got ${v.channels.length}`);
  const body = new Uint8Array(91);
  // Leading bytes as in the captured DS3 reply (frames.json ds3-703000021300-l2); meaning unknown.
  body.set([0xbb, 0x20, 0x00, 0x02, 0x00, 0xe6, 0xff, 0xff], 0);
  const u16 = (off: number, value: number) => writeUintBE(body, off, 2, value);
  v.channels.forEach((c, i) => {
    u16(DS3_V[i]!, clamp(c.voltageV / SIM_DS3_DC_VOLTS_PER_LSB, 0xffff));
    u16(DS3_I[i]!, clamp(c.currentA / SIM_DS3_DC_AMPS_PER_LSB, 0xffff));
    writeUintBE(body, DS3_E[i]!, 4, Math.floor(c.energyCounter) % 2 ** 32);
  });
  u16(0x18, clamp(v.acVoltageV / SIM_DS3_AC_VOLTS_PER_LSB, 0xffff));
  u16(0x1a, clamp(v.frequencyHz / SIM_DS3_HZ_PER_LSB, 0xffff));
  u16(0x1c, clamp(v.uptimeS, 0xffff));
  u16(0x1e, clamp(v.acPowerW ?? 0, 0xffff));
  const q = Math.round(v.reactivePowerVar ?? 0);
  u16(0x20, (q < 0 ? q + 0x10000 : q) & 0xffff);
  u16(0x26, clamp((v.temperatureC - SIM_DS3_TEMP.offset) / SIM_DS3_TEMP.gain, 0xffff));
  if (v.statusBytes) body.set(v.statusBytes.subarray(0, 5), 0x0b);
  return concat(encodeSerial(v.serial), buildL2(0xbb, body));
}

export function encodeTelemetry(v: TelemetryValues, model: ModelInfo = mustModel(v.serial)): Uint8Array {
  return model.family === "ds3" ? encodeDs3Telemetry(v) : encodeQs1Telemetry(v, model);
}

function mustModel(serial: string): ModelInfo {
  const m = modelForSerial(serial);
  if (!m) throw new FrameError("serial", `serial ${serial} has no known model prefix`);
  return m;
}
