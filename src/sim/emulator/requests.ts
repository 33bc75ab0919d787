/**
 * Parsers for the host → stick frames the emulator serves. The codec (src/protocol/znp/commands.ts) only
 * builds these; the stick side has to read them back. Layouts: Z-Stack MT API / DESIGN.md §2, integers LE.
 */
import { need, readUintLE } from "../../protocol/bytes.ts";
import { FrameError } from "../../protocol/errors.ts";
import type { AfDataRequest, AfDataRequestExt } from "../../protocol/znp/commands.ts";

/** `26 05 <id> <len> <value…>` */
export function parseWriteConfiguration(data: Uint8Array): { id: number; value: Uint8Array } {
  need(data, 2, "ZB_WRITE_CONFIGURATION");
  const len = data[1]!;
  if (data.length !== 2 + len) {
    throw new FrameError(
      "length",
      `ZB_WRITE_CONFIGURATION says ${len} value bytes, has ${data.length - 2}`,
      1,
    );
  }
  return { id: data[0]!, value: data.slice(2) };
}

/** `24 00 ep profile(2) devId(2) devVer latency nIn in…(2) nOut out…(2)`: only what the stick checks. */
export function parseAfRegister(data: Uint8Array): { endpoint: number; profileId: number } {
  need(data, 9, "AF_REGISTER");
  const nIn = data[7]!;
  need(data, 9 + 2 * nIn, "AF_REGISTER cluster lists");
  const nOut = data[8 + 2 * nIn]!;
  if (data.length !== 9 + 2 * nIn + 2 * nOut) {
    throw new FrameError(
      "length",
      `AF_REGISTER cluster counts ${nIn}/${nOut} disagree with ${data.length} bytes`,
    );
  }
  return { endpoint: data[0]!, profileId: readUintLE(data, 1, 2) };
}

/** `24 01 dst(2) dstEp srcEp cluster(2) transId options radius len data` */
export function parseAfDataRequest(data: Uint8Array): AfDataRequest {
  need(data, 10, "AF_DATA_REQUEST");
  const len = data[9]!;
  if (data.length !== 10 + len) {
    throw new FrameError("length", `AF_DATA_REQUEST says ${len} payload bytes, has ${data.length - 10}`, 9);
  }
  return {
    dstAddr: readUintLE(data, 0, 2),
    dstEndpoint: data[2]!,
    srcEndpoint: data[3]!,
    cluster: readUintLE(data, 4, 2),
    transId: data[6]!,
    options: data[7]!,
    radius: data[8]!,
    data: data.slice(10),
  };
}

/** `24 02 addrMode dst(8) dstEp dstPan(2) srcEp cluster(2) transId options radius len(2) data` */
export function parseAfDataRequestExt(data: Uint8Array): AfDataRequestExt {
  need(data, 20, "AF_DATA_REQUEST_EXT");
  const len = readUintLE(data, 18, 2);
  if (data.length !== 20 + len) {
    throw new FrameError(
      "length",
      `AF_DATA_REQUEST_EXT says ${len} payload bytes, has ${data.length - 20}`,
      18,
    );
  }
  return {
    addrMode: data[0]!,
    dstAddr: data.slice(1, 9),
    dstEndpoint: data[9]!,
    dstPan: readUintLE(data, 10, 2),
    srcEndpoint: data[12]!,
    cluster: readUintLE(data, 13, 2),
    transId: data[15]!,
    options: data[16]!,
    radius: data[17]!,
    data: data.slice(20),
  };
}

/** NWK broadcast short addresses (Z-Stack: 0xFFFF all, 0xFFFD rx-on-when-idle, 0xFFFC routers). */
export function isBroadcastShort(addr: number): boolean {
  return addr >= 0xfff8;
}
