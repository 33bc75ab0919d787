/**
 * Fingerprints for APsystems inverters. They never join a Zigbee network properly, so there is no modelID,
 * no manufacturer name and no node descriptor to match on — only the IEEE address.
 *
 * Layout (src/protocol/ids.ts, inferred from captures): on air the 8 address bytes are FF FF then the 6 serial
 * bytes (BCD); zigbee-herdsman prints the 64-bit value most significant byte first, so the serial bytes appear
 * reversed before `ffff`. Serial 801000085070 = 80 10 00 08 50 70 → `0x705008001080ffff`. The model prefix
 * (first three digits, models.ts) is therefore the last byte before `ffff` (digits 1–2) plus the high digit of
 * the byte before it (digit 3): `…1x80ffff` for prefix 801.
 */
import type { Fingerprint } from "zigbee-herdsman-converters/lib/types";
import { MODELS, type ModelInfo, type ModelName } from "../../src/protocol/models.ts";

/** IEEE address regex of every inverter whose serial starts with `prefix` (3 digits). */
export function ieeePattern(prefix: string): RegExp {
  if (!/^\d{3}$/.test(prefix)) {
    throw new RangeError(`a serial prefix is 3 digits (e.g. 801), got '${prefix}'`);
  }
  const [d1, d2, d3] = prefix;
  // bytes 5..2 (8 BCD digits), byte 1 = d3 + any digit, byte 0 = d1 d2, then the FF FF the inverter puts first.
  return new RegExp(`^0x[0-9]{8}${d3}[0-9]${d1}${d2}ffff$`, "i");
}

export function modelInfo(name: ModelName): ModelInfo {
  const m = MODELS.find((x) => x.model === name);
  if (!m)
    throw new RangeError(
      `unknown APsystems model '${name}' (known: ${MODELS.map((x) => x.model).join(", ")})`,
    );
  return m;
}

/** One fingerprint per serial prefix of the model. */
export function fingerprintsFor(name: ModelName): Fingerprint[] {
  return modelInfo(name).prefixes.map((p) => ({ ieeeAddr: ieeePattern(p) }));
}
