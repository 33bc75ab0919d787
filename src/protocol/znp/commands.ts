/**
 * The ZNP commands localecu uses, as builders (host → stick) and parsers (stick → host).
 * Layouts: Z-Stack MT API and DESIGN.md §2; integers little-endian. Every builder is checked
 * byte-for-byte against the ESP-ECU bring-up trace in frames.json (test/protocol/znp/znp.test.ts).
 */
import { writeUintLE } from "../bytes.ts";
import { FrameError } from "../errors.ts";
import { MAX_ZNP_DATA, type ZnpFrame, znp } from "./frame.ts";

export const CMD = {
  SYS_RESET_REQ: [0x41, 0x00],
  SYS_RESET_IND: [0x41, 0x80],
  ZB_START_REQUEST: [0x26, 0x00],
  ZB_START_REQUEST_SRSP: [0x66, 0x00],
  ZB_WRITE_CONFIGURATION: [0x26, 0x05],
  ZB_WRITE_CONFIGURATION_SRSP: [0x66, 0x05],
  AF_REGISTER: [0x24, 0x00],
  AF_REGISTER_SRSP: [0x64, 0x00],
  AF_DATA_REQUEST: [0x24, 0x01],
  AF_DATA_REQUEST_SRSP: [0x64, 0x01],
  AF_DATA_REQUEST_EXT: [0x24, 0x02],
  AF_DATA_REQUEST_EXT_SRSP: [0x64, 0x02],
  AF_DATA_CONFIRM: [0x44, 0x80],
  AF_INCOMING_MSG: [0x44, 0x81],
  ZDO_STATE_CHANGE_IND: [0x45, 0xc0],
  ZDO_SRC_RTG_IND: [0x45, 0xc4],
  UTIL_GET_DEVICE_INFO: [0x27, 0x00],
  UTIL_GET_DEVICE_INFO_SRSP: [0x67, 0x00],
} as const satisfies Record<string, readonly [number, number]>;

export type CmdName = keyof typeof CMD;

// The stick → host parsers live in parse.ts; re-exported so callers keep one import.
export * from "./parse.ts";

import type { AfIncomingMsg } from "./parse.ts";

export function is(frame: ZnpFrame, name: CmdName): boolean {
  const [c0, c1] = CMD[name];
  return frame.cmd0 === c0 && frame.cmd1 === c1;
}

export function nameOf(frame: ZnpFrame): CmdName | undefined {
  return (Object.keys(CMD) as CmdName[]).find((n) => is(frame, n));
}

// ZB_WRITE_CONFIGURATION ids (Z-Stack ZComDef.h)
export const NV = {
  STARTUP_OPTION: 0x03,
  EXTADDR: 0x01,
  LOGICAL_TYPE: 0x87,
  PANID: 0x83,
  CHANLIST: 0x84,
} as const;

/** AF_DATA_CONFIRM status 0xCD: ZNwkNoRoute — the inverter is not paired, out of range, or the short address is wrong. */
export const STATUS_NO_ROUTE = 0xcd;
/** ZDO state 9 = DEV_ZB_COORD: started as coordinator; requests before this get no useful answer. */
export const STATE_COORDINATOR = 0x09;

// ---------- builders (host → stick) ----------

/** `41 00 <type>`; type 0 = hard reset. */
export function buildSysResetReq(type = 0): ZnpFrame {
  return znp(...CMD.SYS_RESET_REQ, [type]);
}

/** `26 05 <id> <len> <value…>` */
export function buildWriteConfiguration(id: number, value: ArrayLike<number>): ZnpFrame {
  return znp(...CMD.ZB_WRITE_CONFIGURATION, [id, value.length, ...Array.from(value)]);
}

export interface AfRegister {
  endpoint: number;
  profileId: number;
  deviceId: number;
  deviceVersion: number;
  latency: number;
  inClusters: number[];
  outClusters: number[];
}

/** `24 00 ep profile(2) devId(2) devVer latency nIn in…(2) nOut out…(2)` */
export function buildAfRegister(r: AfRegister): ZnpFrame {
  const d = [r.endpoint, ...le16(r.profileId), ...le16(r.deviceId), r.deviceVersion, r.latency];
  d.push(r.inClusters.length, ...r.inClusters.flatMap(le16));
  d.push(r.outClusters.length, ...r.outClusters.flatMap(le16));
  return znp(...CMD.AF_REGISTER, d);
}

export function buildZbStartRequest(): ZnpFrame {
  return znp(...CMD.ZB_START_REQUEST);
}

export function buildGetDeviceInfo(): ZnpFrame {
  return znp(...CMD.UTIL_GET_DEVICE_INFO);
}

export interface AfDataRequest {
  dstAddr: number;
  dstEndpoint: number;
  srcEndpoint: number;
  cluster: number;
  transId: number;
  options: number;
  radius: number;
  data: Uint8Array;
}

/** `24 01 dst(2) dstEp srcEp cluster(2) transId options radius len data` */
export function buildAfDataRequest(r: AfDataRequest): ZnpFrame {
  if (r.data.length > MAX_ZNP_DATA - 10)
    throw new FrameError("range", `AF payload of ${r.data.length} bytes is too long`);
  return znp(...CMD.AF_DATA_REQUEST, [
    ...le16(r.dstAddr),
    r.dstEndpoint,
    r.srcEndpoint,
    ...le16(r.cluster),
    r.transId & 0xff,
    r.options,
    r.radius,
    r.data.length,
    ...r.data,
  ]);
}

export interface AfDataRequestExt {
  addrMode: number;
  /** 8 bytes as they go on the wire (little-endian). */
  dstAddr: Uint8Array;
  dstEndpoint: number;
  dstPan: number;
  srcEndpoint: number;
  cluster: number;
  transId: number;
  options: number;
  radius: number;
  data: Uint8Array;
}

/** `24 02 addrMode dst(8) dstEp dstPan(2) srcEp cluster(2) transId options radius len(2) data` */
export function buildAfDataRequestExt(r: AfDataRequestExt): ZnpFrame {
  if (r.dstAddr.length !== 8)
    throw new FrameError("range", `extended destination must be 8 bytes, got ${r.dstAddr.length}`);
  return znp(...CMD.AF_DATA_REQUEST_EXT, [
    r.addrMode,
    ...r.dstAddr,
    r.dstEndpoint,
    ...le16(r.dstPan),
    r.srcEndpoint,
    ...le16(r.cluster),
    r.transId & 0xff,
    r.options,
    r.radius,
    ...le16(r.data.length),
    ...r.data,
  ]);
}

// ---------- encoders for the stick side (used by the emulator and tests) ----------

export function buildStatusSrsp(name: CmdName, status = 0): ZnpFrame {
  const [c0, c1] = CMD[name];
  return znp(c0, c1, [status]);
}

export function buildAfIncomingMsg(
  m: Omit<AfIncomingMsg, "trailer" | "macSrcAddr"> & { trailer?: Uint8Array },
): ZnpFrame {
  const head = new Uint8Array(17);
  writeUintLE(head, 0, 2, m.groupId);
  writeUintLE(head, 2, 2, m.cluster);
  writeUintLE(head, 4, 2, m.srcAddr);
  head[6] = m.srcEndpoint;
  head[7] = m.dstEndpoint;
  head[8] = m.wasBroadcast ? 1 : 0;
  head[9] = m.linkQuality;
  head[10] = m.securityUse ? 1 : 0;
  writeUintLE(head, 11, 4, m.timestamp >>> 0);
  head[15] = m.transSeq;
  head[16] = m.data.length;
  return znp(...CMD.AF_INCOMING_MSG, [...head, ...m.data, ...(m.trailer ?? [])]);
}

export function le16(v: number): [number, number] {
  return [v & 0xff, (v >> 8) & 0xff];
}
