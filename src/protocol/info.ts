/**
 * Info reply to the DC query (UNVERIFIED: openaps codec/info.go, never captured here).
 * `FB FB 09 DC <model code> …`; model codes per openaps.
 */
import { toHex } from "./bytes.ts";
import type { L2Frame } from "./l2.ts";
import type { InfoReply } from "./types.ts";

export const INFO_MODEL_CODES: Readonly<Record<number, string>> = {
  5: "YC600",
  7: "YC600",
  23: "YC600B",
  6: "YC1000",
  8: "QS1",
  24: "QS1A",
  32: "DS3",
  33: "DS3-H",
  34: "DS3-L",
  50: "QT2",
  54: "QS2",
};

export function decodeInfoReply(l2: L2Frame, serial: string): InfoReply {
  // Some firmware answers `DD DC …`: the model code then follows the DC.
  const body = l2.cmd === 0xdd && l2.body[0] === 0xdc ? l2.body.subarray(1) : l2.body;
  const modelCode = body[0] ?? 0;
  return { kind: "info", serial, modelCode, modelName: INFO_MODEL_CODES[modelCode], raw: toHex(body) };
}
