/**
 * One whole 8899 answer → its typed, decoded content. The command echo picks the decoder; commands we
 * frame but do not decode come back as `ecu-other` with their payload as hex.
 */
import { toHex } from "../bytes.ts";
import { decodeEcuClock } from "./clock.ts";
import { parseEcuFrame, readStatus } from "./frame.ts";
import { decodeEcuEnergyHistory, decodeEcuPowerOfDay } from "./history.ts";
import { decodeEcuInfo } from "./info.ts";
import { decodeEcuRealtime } from "./realtime.ts";
import { decodeEcuSignal } from "./signal.ts";
import type { EcuAnswer } from "./types.ts";

export function decodeEcuAnswer(bytes: Uint8Array): EcuAnswer {
  const f = parseEcuFrame(bytes);
  switch (f.command) {
    case "0001":
      return decodeEcuInfo(f);
    case "0002":
      return decodeEcuRealtime(f);
    case "0003":
      return decodeEcuPowerOfDay(f);
    case "0004":
      return decodeEcuEnergyHistory(f);
    case "0012":
      return decodeEcuClock(f);
    case "0030":
      return decodeEcuSignal(f);
    default:
      return {
        kind: "ecu-other",
        group: f.group,
        command: f.command,
        ...(f.payload.length >= 2 ? { status: readStatus(f.payload) } : {}),
        payloadHex: toHex(f.payload),
        warnings: [],
      };
  }
}
