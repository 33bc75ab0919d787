/**
 * How the command queue reads inverter answers: which replies carry the stored limit, which are the short
 * acknowledgement of a write, and the wire value a set puts in the frame (to compare with the read-back).
 */
import {
  type AckReply,
  type ControlInfo,
  ds3LimitRaw,
  L2_CMD,
  type LimitReply,
  type ModelInfo,
  qs1LimitRaw,
} from "../protocol/index.ts";
import { DS3_LIMIT_MAX_RAW } from "../protocol/scales.ts";
import { replyCommand } from "./air.ts";
import { decodeForEntry } from "./decode.ts";
import type { RadioCommand } from "./events.ts";
import type { InverterEntry } from "./inverters.ts";

/** The wire value encodeSetMaxPower puts in the frame, to compare with the DE read-back. */
export function limitRaw(model: ModelInfo, watts: number): number {
  return model.family === "ds3" ? Math.min(ds3LimitRaw(watts), DS3_LIMIT_MAX_RAW) : qs1LimitRaw(watts);
}

/** A DE/DD reply that holds the stored limit (not the short acknowledgement of a write). */
export function carriesLimit(payload: Uint8Array, e: InverterEntry): boolean {
  const cmd = replyCommand(payload);
  if (cmd !== L2_CMD.QUERY_DE && cmd !== L2_CMD.PAGE_DD) return false;
  try {
    return decodeForEntry(payload, e).kind === "limit";
  } catch {
    return false;
  }
}

/** The short DE (ack) / DF (ack failed) an inverter sends after a control write. */
export function ackOf(payload: Uint8Array, e: InverterEntry): AckReply | undefined {
  const cmd = replyCommand(payload);
  if (cmd !== L2_CMD.QUERY_DE && cmd !== L2_CMD.ACK_FAILED) return undefined;
  try {
    const r = decodeForEntry(payload, e);
    return r.kind === "ack" ? r : undefined;
  } catch {
    return undefined;
  }
}

export function controlFor(model: ModelInfo, c: RadioCommand): ControlInfo {
  if (c.kind === "set-max-power") return model.controls.maxPower;
  if (c.kind === "on-off") return model.controls.onOff;
  return model.controls.limitQuery;
}

export function fmtW(l: LimitReply): string {
  return `${l.limitW.toFixed(1)} W per ${l.limitPer}`;
}
