/**
 * The info query (DC): `FB FB 06 DC 00 … FE FE` unicast, answered by `DC <model code> …` (or `DD DC …` on
 * some firmware). UNVERIFIED on air: openaps' encoder, never captured here (ModelInfo.controls.info); a
 * silent inverter is reported as "no answer", not as a fault. Read only.
 */
import { encodeInfoQuery, type InfoReply, L2_CMD } from "../protocol/index.ts";
import { type AirQueue, replyCommand } from "./air.ts";
import { decodeForEntry } from "./decode.ts";
import type { InverterEntry } from "./inverters.ts";

function carriesInfo(payload: Uint8Array, e: InverterEntry): boolean {
  const cmd = replyCommand(payload);
  if (cmd !== L2_CMD.INFO && cmd !== L2_CMD.PAGE_DD) return false;
  try {
    return decodeForEntry(payload, e).kind === "info";
  } catch {
    return false;
  }
}

export async function queryInfo(air: AirQueue, e: InverterEntry): Promise<InfoReply | undefined> {
  const out = await air.exchange(
    { shortAddress: e.shortAddress, l2: encodeInfoQuery(), accept: (p) => carriesInfo(p, e) },
    "command",
  );
  if (out.kind !== "reply") return undefined;
  const reply = decodeForEntry(out.payload, e);
  return reply.kind === "info" ? reply : undefined;
}
