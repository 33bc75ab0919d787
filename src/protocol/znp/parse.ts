/**
 * Parsers for what the stick sends the host (SRSPs, indications, AF_INCOMING_MSG). Layouts: Z-Stack MT API
 * and DESIGN.md §2, integers little-endian; checked against the ESP-ECU trace and the captures in
 * test/protocol/znp/znp.test.ts.
 */
import { need, readUintLE, toHex } from "../bytes.ts";
import { FrameError } from "../errors.ts";
import type { ZnpFrame } from "./frame.ts";

export function parseStatus(frame: ZnpFrame): number {
  need(frame.data, 1, "SRSP status");
  return frame.data[0]!;
}

export interface SysResetInd {
  reason: number;
  transportRev: number;
  product: number;
  major: number;
  minor: number;
  hwRev: number;
}

export function parseSysResetInd(frame: ZnpFrame): SysResetInd {
  const d = frame.data;
  need(d, 6, "SYS_RESET_IND");
  return { reason: d[0]!, transportRev: d[1]!, product: d[2]!, major: d[3]!, minor: d[4]!, hwRev: d[5]! };
}

export function parseStateChange(frame: ZnpFrame): number {
  need(frame.data, 1, "ZDO_STATE_CHANGE_IND");
  return frame.data[0]!;
}

export interface DeviceInfo {
  status: number;
  /** zigbee-herdsman style, e.g. 0xd8a3011b9780ffff */
  ieee: string;
  shortAddr: number;
  deviceType: number;
  deviceState: number;
}

export function parseDeviceInfo(frame: ZnpFrame): DeviceInfo {
  const d = frame.data;
  need(d, 14, "UTIL_GET_DEVICE_INFO reply");
  return {
    status: d[0]!,
    ieee: `0x${toHex(d.slice(1, 9).reverse())}`,
    shortAddr: readUintLE(d, 9, 2),
    deviceType: d[11]!,
    deviceState: d[12]!,
  };
}

export interface AfDataConfirm {
  status: number;
  endpoint: number;
  transId: number;
}

export function parseAfDataConfirm(frame: ZnpFrame): AfDataConfirm {
  const d = frame.data;
  need(d, 3, "AF_DATA_CONFIRM");
  return { status: d[0]!, endpoint: d[1]!, transId: d[2]! };
}

export interface AfIncomingMsg {
  groupId: number;
  cluster: number;
  srcAddr: number;
  srcEndpoint: number;
  dstEndpoint: number;
  wasBroadcast: boolean;
  linkQuality: number;
  securityUse: boolean;
  timestamp: number;
  transSeq: number;
  data: Uint8Array;
  /** APS firmware appends 3 bytes: MAC source address (LE) and one more byte (radius per ESP-ECU notes). */
  macSrcAddr?: number;
  trailer: Uint8Array;
}

/** `44 81 group(2) cluster(2) src(2) srcEp dstEp bcast lqi sec ts(4) seq len data [trailer 3]` */
export function parseAfIncomingMsg(frame: ZnpFrame): AfIncomingMsg {
  const d = frame.data;
  need(d, 17, "AF_INCOMING_MSG header");
  const len = d[16]!;
  if (d.length < 17 + len) {
    throw new FrameError(
      "length",
      `AF_INCOMING_MSG says ${len} payload bytes, only ${d.length - 17} present`,
      16,
    );
  }
  const trailer = d.slice(17 + len);
  return {
    groupId: readUintLE(d, 0, 2),
    cluster: readUintLE(d, 2, 2),
    srcAddr: readUintLE(d, 4, 2),
    srcEndpoint: d[6]!,
    dstEndpoint: d[7]!,
    wasBroadcast: d[8] !== 0,
    linkQuality: d[9]!,
    securityUse: d[10] !== 0,
    timestamp: readUintLE(d, 11, 4),
    transSeq: d[15]!,
    data: d.slice(17, 17 + len),
    macSrcAddr: trailer.length >= 2 ? readUintLE(trailer, 0, 2) : undefined,
    trailer,
  };
}

export interface SrcRouteInd {
  dstAddr: number;
  relays: number[];
}

export function parseSrcRouteInd(frame: ZnpFrame): SrcRouteInd {
  const d = frame.data;
  need(d, 3, "ZDO_SRC_RTG_IND");
  const n = d[2]!;
  need(d, 3 + 2 * n, "ZDO_SRC_RTG_IND relay list");
  return {
    dstAddr: readUintLE(d, 0, 2),
    relays: Array.from({ length: n }, (_, i) => readUintLE(d, 3 + 2 * i, 2)),
  };
}
