/**
 * The inverter's answer to pairing: AF_INCOMING_MSG on cluster 0x0101, payload `FF xx <serial 6>`, sent
 * from its newly assigned short address (frames.json pairing_replies, e.g. `FF FF 40 80 00 15 82 15` from
 * 0x103A). The short address is not derivable from the serial; it is what later requests go to.
 * The stick also relays our own cluster-0x010F broadcast back (wasBroadcast, source 0x0000): not an answer.
 */

import { CLUSTER_PAIR_REPLY } from "./aps-link.ts";
import { decodeSerial } from "./ids.ts";
import type { PairingReply } from "./types.ts";
import type { AfIncomingMsg } from "./znp/commands.ts";

export function decodePairingReply(msg: AfIncomingMsg): PairingReply | undefined {
  if (msg.cluster !== CLUSTER_PAIR_REPLY || msg.data.length < 8 || msg.data[0] !== 0xff) return undefined;
  if (msg.srcAddr === 0x0000 || msg.srcAddr >= 0xfff8) return undefined;
  let serial: string;
  try {
    serial = decodeSerial(msg.data, 2);
  } catch {
    return undefined;
  }
  return { kind: "pairing", serial, shortAddress: msg.srcAddr };
}
