/**
 * Stick → host AF frames as the APS firmware lays them out (frames.json captures):
 *
 *   AF_DATA_CONFIRM  44 80 <status> <endpoint 14> <transId>                e.g. 44 80 00 14 01
 *   ZDO_SRC_RTG_IND  45 C4 <dst LE> <relay count 00>                       e.g. 45 C4 3A 10 00
 *   AF_INCOMING_MSG  44 81 00 00 <cluster LE> <src LE> 14 14 <bcast> <lqi> 00 <ts LE4> 00 <len> <data>
 *                    <MAC src LE> <radius>                                  trailer e.g. 3A 10 0E
 *
 * The last trailer byte is 0E on every unicast reply and 0D on the relayed pairing broadcast: the
 * inverters send with radius 0F and it arrives one hop down (relayed broadcasts two).
 */

import { APS_ENDPOINT } from "../../protocol/aps-link.ts";
import { buildAfIncomingMsg, CMD } from "../../protocol/znp/commands.ts";
import { type ZnpFrame, znp } from "../../protocol/znp/frame.ts";

export const RADIUS_LEFT_UNICAST = 0x0e;
export const RADIUS_LEFT_RELAYED = 0x0d;

export function afDataConfirm(status: number, endpoint: number, transId: number): ZnpFrame {
  return znp(...CMD.AF_DATA_CONFIRM, [status, endpoint, transId & 0xff]);
}

/** Route record: the inverter is a direct neighbour (no relays), as in every capture. */
export function srcRouteInd(dst: number): ZnpFrame {
  return znp(...CMD.ZDO_SRC_RTG_IND, [dst & 0xff, dst >> 8, 0x00]);
}

export interface IncomingSpec {
  cluster: number;
  /** NWK source (0x0000 for our own broadcast relayed back). */
  srcAddr: number;
  /** MAC source: the node that put the frame on air (the inverter, also when relaying). */
  macSrcAddr: number;
  data: Uint8Array;
  wasBroadcast: boolean;
  linkQuality: number;
  /** Z-Stack's MAC timer at reception; we use the simulated time in 320 µs backoff periods. */
  tMs: number;
  radiusLeft: number;
}

export function afIncoming(s: IncomingSpec): ZnpFrame {
  return buildAfIncomingMsg({
    groupId: 0,
    cluster: s.cluster,
    srcAddr: s.srcAddr,
    srcEndpoint: APS_ENDPOINT,
    dstEndpoint: APS_ENDPOINT,
    wasBroadcast: s.wasBroadcast,
    linkQuality: s.linkQuality,
    securityUse: false,
    timestamp: Math.floor(s.tMs / 0.32) >>> 0,
    transSeq: 0,
    data: s.data,
    trailer: Uint8Array.of(s.macSrcAddr & 0xff, s.macSrcAddr >> 8, s.radiusLeft),
  });
}
