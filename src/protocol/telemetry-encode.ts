/**
 * Telemetry encoders: the exact inverse of telemetry-qs1.ts / telemetry-ds3.ts. The stick emulator uses
 * them to put the simulator's true values on the wire, and the property tests use them for round trips.
 * Values are quantised to the wire resolution (e.g. 82.5/4096 V per LSB on QS1 DC voltage).
 */
import { concat, writeUintBE } from "./bytes.ts";
import { L2_CMD } from "./commands.ts";
import { FrameError } from "./errors.ts";
import { encodeSerial } from "./ids.ts";
import { buildL2 } from "./l2.ts";
import { type ModelInfo, modelForSerial } from "./models.ts";
import {
  DS3_AC_VOLTS_PER_LSB,
  DS3_DC_AMPS_PER_LSB,
  DS3_DC_VOLTS_PER_LSB,
  DS3_HZ_PER_LSB,
  DS3_TEMP_GAIN,
  DS3_TEMP_OFFSET,
  QS1_AC_VOLT_DIVISOR,
  QS1_DC_AMPS_PER_LSB,
  QS1_DC_VOLTS_PER_LSB,
  QS1_FREQ_NUMERATOR,
  QS1_TEMP_GAIN,
  QS1_TEMP_OFFSET,
} from "./scales.ts";
import { DS3_STATUS_BODY_OFFSET, QS1_STATUS_OFFSET } from "./status.ts";
import { DS3_BODY } from "./telemetry-ds3.ts";
import { INPUTS, QS1_OFFSETS } from "./telemetry-qs1.ts";

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

const clamp = (v: number, max: number) => Math.max(0, Math.min(max, Math.round(v)));

/** QS1/QS1A/YC600 cmd B1: returns the AF payload (serial + 88-byte L2, checksum 00 00 as real replies carry). */
export function encodeQs1Telemetry(v: TelemetryValues, model: ModelInfo = mustModel(v.serial)): Uint8Array {
  const p = new Uint8Array(94);
  p.set(encodeSerial(v.serial), 0);
  p.set([0xfb, 0xfb, 0x51, L2_CMD.TELEMETRY_QS1], 6);
  const o = QS1_OFFSETS;
  writeUintBE(p, o.temperature, 2, clamp((v.temperatureC - QS1_TEMP_OFFSET) / QS1_TEMP_GAIN, 0xffff));
  writeUintBE(p, o.frequency, 3, v.frequencyHz > 0 ? clamp(QS1_FREQ_NUMERATOR / v.frequencyHz, 0xffffff) : 0);
  if (v.channels.length !== model.channels) {
    throw new FrameError("range", `${model.model} has ${model.channels} channels, got ${v.channels.length}`);
  }
  v.channels.forEach((c, i) => {
    const input = INPUTS[i]!;
    const iRaw = clamp(c.currentA / QS1_DC_AMPS_PER_LSB, 0xfff);
    const vRaw = clamp(c.voltageV / QS1_DC_VOLTS_PER_LSB, 0xfff);
    const off = o.dc[input];
    p[off] = iRaw & 0xff;
    p[off + 1] = ((vRaw & 0x0f) << 4) | (iRaw >> 8);
    p[off + 2] = vRaw >> 4;
    writeUintBE(p, o.energy[input], 5, Math.floor(c.energyCounter) % 2 ** 40);
  });
  writeUintBE(p, o.acVoltage, 2, clamp(v.acVoltageV * QS1_AC_VOLT_DIVISOR, 0xffff));
  const uptime = clamp(v.uptimeS, 0xffff);
  writeUintBE(p, model.family === "yc600" ? o.uptimeYc600 : o.uptimeQs1, 2, uptime);
  if (v.statusBytes) p.set(v.statusBytes.subarray(0, 4), QS1_STATUS_OFFSET);
  p.set([0x00, 0x00, 0xfe, 0xfe], 90);
  return p;
}

/** DS3 cmd BB: AF payload (serial + 99-byte L2 with a valid checksum, as real DS3 replies carry). */
export function encodeDs3Telemetry(v: TelemetryValues): Uint8Array {
  const body = new Uint8Array(91);
  // Leading bytes as in the captured DS3 reply (frames.json ds3-703000021300-l2); meaning unknown.
  body.set([0xbb, 0x20, 0x00, 0x02, 0x00, 0xe6, 0xff, 0xff], 0);
  const b = DS3_BODY;
  const u16 = (off: number, value: number) => writeUintBE(body, off, 2, value);
  if (v.channels.length !== 2) throw new FrameError("range", `DS3 has 2 channels, got ${v.channels.length}`);
  v.channels.forEach((c, i) => {
    u16(b.voltage[i]!, clamp(c.voltageV / DS3_DC_VOLTS_PER_LSB, 0xffff));
    u16(b.current[i]!, clamp(c.currentA / DS3_DC_AMPS_PER_LSB, 0xffff));
    writeUintBE(body, b.energy[i]!, 4, Math.floor(c.energyCounter) % 2 ** 32);
  });
  u16(b.acVoltage, clamp(v.acVoltageV / DS3_AC_VOLTS_PER_LSB, 0xffff));
  u16(b.frequency, clamp(v.frequencyHz / DS3_HZ_PER_LSB, 0xffff));
  u16(b.uptime, clamp(v.uptimeS, 0xffff));
  u16(b.activePower, clamp(v.acPowerW ?? 0, 0xffff));
  const q = Math.round(v.reactivePowerVar ?? 0);
  u16(b.reactivePower, (q < 0 ? q + 0x10000 : q) & 0xffff);
  u16(b.temperature, clamp((v.temperatureC - DS3_TEMP_OFFSET) / DS3_TEMP_GAIN, 0xffff));
  if (v.statusBytes) body.set(v.statusBytes.subarray(0, 5), DS3_STATUS_BODY_OFFSET);
  return concat(encodeSerial(v.serial), buildL2(L2_CMD.TELEMETRY_DS3, body));
}

export function encodeTelemetry(v: TelemetryValues, model: ModelInfo = mustModel(v.serial)): Uint8Array {
  return model.family === "ds3" ? encodeDs3Telemetry(v) : encodeQs1Telemetry(v, model);
}

function mustModel(serial: string): ModelInfo {
  const m = modelForSerial(serial);
  if (!m) throw new FrameError("serial", `serial ${serial} has no known model prefix`);
  return m;
}
