/**
 * AF payloads an emulated inverter sends to the coordinator (cluster 0x0106): `<serial 6 BCD> <L2>`,
 * built with the simulator's own wire encoders (src/sim/wire), never the codec's, so a codec mistake shows.
 */
import { concat } from "../../protocol/bytes.ts";
import { L2_CMD } from "../../protocol/commands.ts";
import { encodeSerial } from "../../protocol/ids.ts";
import { buildL2 } from "../../protocol/l2.ts";
import { type ModelInfo, modelByName, modelForSerial } from "../../protocol/models.ts";
import { AES_GATE } from "../../protocol/replies.ts";
import type { SimGridSettings } from "../grid-profile.ts";
import type { Rng } from "../random.ts";
import type { TelemetryTruth } from "../truth.ts";
import { encodeProtectionPage } from "../wire/protection.ts";
import { encodeTelemetry } from "../wire/telemetry.ts";

/** Model of a site inverter; the sim only builds inverters for known prefixes, so a miss is a bug. */
export function modelOf(serial: string, modelName?: string): ModelInfo {
  const m = (modelName ? modelByName(modelName) : undefined) ?? modelForSerial(serial);
  if (!m)
    throw new Error(`emulated inverter ${serial} has no known model (serial prefix ${serial.slice(0, 3)})`);
  return m;
}

/** Poll reply: cmd B1 (QS1/QS1A/YC600, 94-byte payload) or BB (DS3, 105 bytes), quantised to wire resolution. */
export function telemetryPayload(truth: TelemetryTruth): Uint8Array {
  return encodeTelemetry(truth, modelOf(truth.serial, truth.model));
}

/**
 * Protection page reply: the captured page of the family with the inverter's settings in place; page B
 * (the DE query, also the limit read-back) carries the stored limit. Built by src/sim/wire/protection.ts.
 */
export function protectionPayload(
  serial: string,
  page: "A" | "B" | "C",
  settings: Readonly<SimGridSettings>,
  limitW: number,
  modelName?: string,
): Uint8Array {
  const { family } = modelOf(serial, modelName);
  const l2 = encodeProtectionPage(family, page, settings, limitW);
  if (!l2) throw new Error(`emulated inverter ${serial}: a ${family} answers no protection page ${page}`);
  return concat(encodeSerial(serial), l2);
}

/**
 * What a YC600 sent right after the vendor ECU-C set its max power (frames.json set_power_sniffs, inverter
 * → ECU on cluster 0x0106): `FB FB 06 DE 00 00 00 00 00 00 00 FE FE` — cmd DE, zero body, sum 00 00.
 * openaps names DE "AckSuccess". Confirmed on air for 1C only; we send it after every unicast control.
 */
export function controlAckPayload(serial: string): Uint8Array {
  return concat(encodeSerial(serial), [0xfb, 0xfb, 0x06, L2_CMD.QUERY_DE, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xfe]);
}

/** openaps codec/info.go model codes (UNVERIFIED: never captured on air). */
const INFO_MODEL_CODE: Readonly<Record<string, number>> = { QS1: 0x08, QS1A: 0x18, YC600: 0x07, DS3: 0x20 };

/**
 * DC info reply, UNVERIFIED: openaps' short form `FB FB 09 DC <model code> …`; the 7 firmware bytes after
 * the code are unknown to us, so they are zero.
 */
export function infoPayload(serial: string, modelName?: string): Uint8Array {
  const code = INFO_MODEL_CODE[modelOf(serial, modelName).model] ?? 0;
  return concat(encodeSerial(serial), buildL2(L2_CMD.INFO, [code, 0, 0, 0, 0, 0, 0, 0]));
}

/**
 * AES-paired reply (openaps docs/AES-DESIGN.md): `<serial> <6-byte nonce> AES-128-ECB(len | L2 | zero pad)`.
 * We do not encrypt: random bytes of the right length, with the byte after the serial below F0, which is
 * the gate the codec uses to say "encrypted" instead of decoding noise.
 */
export function aesPayload(plain: Uint8Array, rng: Rng): Uint8Array {
  const l2Len = plain.length - 6;
  const blocks = Math.ceil((l2Len + 1) / 16);
  const out = new Uint8Array(6 + 6 + 16 * blocks);
  out.set(plain.subarray(0, 6), 0);
  for (let i = 6; i < out.length; i++) out[i] = Math.floor(rng.next() * 256);
  out[6] = Math.floor(rng.next() * AES_GATE);
  return out;
}
