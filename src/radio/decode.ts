/** Decoding a reply for a known inverter: the codec's decodeReply plus the checks only the radio can make. */
import { decodeReply, FrameError, formatShort, type Reply } from "../protocol/index.ts";
import type { InverterEntry } from "./inverters.ts";

export function decodeForEntry(payload: Uint8Array, e: InverterEntry): Reply {
  const reply = decodeReply(payload, { model: e.model });
  if (reply.serial !== e.serial) {
    // Short addresses are reassigned at pairing: a stale table sends our requests to another inverter.
    throw new FrameError(
      "serial",
      `the reply from ${formatShort(e.shortAddress)} carries serial ${reply.serial}, not ${e.serial}: ` +
        `the stored short address is stale — pair ${e.serial} again`,
    );
  }
  return reply;
}
