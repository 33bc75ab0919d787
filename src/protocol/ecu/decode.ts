/**
 * One whole 8899 answer → its typed, decoded content. The command echo picks the decoder; commands we
 * frame but do not decode come back as `ecu-other` with their payload as hex.
 */
import { toHex } from "../bytes.ts";
import { FrameError } from "../errors.ts";
import { decodeEcuClock } from "./clock.ts";
import { parseEcuFrame, readStatus } from "./frame.ts";
import { decodeEcuEnergyHistory, decodeEcuPowerOfDay } from "./history.ts";
import { decodeEcuInfo } from "./info.ts";
import { decodeEcuRealtime } from "./realtime.ts";
import { decodeEcuSignal } from "./signal.ts";
import type { EcuAnswer } from "./types.ts";

/**
 * A request has the same envelope; pasted by mistake it would decode as nonsense (its ECU id read as a
 * status). No documented answer's payload is empty-for-0001 or exactly a 12-digit id, so these are requests.
 */
function isRequestShape(command: string, payload: Uint8Array): boolean {
  const text = new TextDecoder("latin1").decode(payload);
  return command === "0001" ? payload.length === 0 : /^\d{12}$/.test(text);
}

export function decodeEcuAnswer(bytes: Uint8Array): EcuAnswer {
  const f = parseEcuFrame(bytes);
  if (f.hasEnd && isRequestShape(f.command, f.payload)) {
    throw new FrameError(
      "command",
      `this is a request to the ECU (command ${f.command}), not its answer: paste what the ECU sent back`,
      13,
    );
  }
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
