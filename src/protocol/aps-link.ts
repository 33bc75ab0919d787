/**
 * How localecu talks APS over the stick: the coordinator bring-up, the four pairing broadcasts and the
 * unicast request wrapper. Constants from DESIGN.md §2 / ESP-ECU ZIGBEE_COORDINATOR.ino, ZIGBEE_PAIR.ino.
 *
 * Air interface: channel 16, profile 0x0F05, endpoint 0x14 on both sides, requests on cluster 0x0006,
 * replies on 0x0106, pairing on 0x020D / 0x020C / 0x010F / 0x0101 (C6 port notes, ECU-C sniffs).
 */
import { concat } from "./bytes.ts";
import { ecuRev, encodeSerial, panFromEcuId } from "./ids.ts";
import {
  buildAfDataRequest,
  buildAfDataRequestExt,
  buildAfRegister,
  buildGetDeviceInfo,
  buildSysResetReq,
  buildWriteConfiguration,
  buildZbStartRequest,
  type CmdName,
  NV,
} from "./znp/commands.ts";
import type { ZnpFrame } from "./znp/frame.ts";

export const APS_ENDPOINT = 0x14;
export const APS_PROFILE = 0x0f05;
export const APS_CHANNEL = 16;
export const CLUSTER_REQUEST = 0x0006;
export const CLUSTER_REPLY = 0x0106;
export const CLUSTER_PAIR_REPLY = 0x0101;
export const PAIR_CLUSTERS = [0x020d, 0x020c, 0x010f, 0x0101] as const;
/** ESP-ECU waits about 1.5 s between the pairing broadcasts. */
export const PAIR_STEP_MS = 1500;
export const RADIUS = 0x0f;

export interface BringUpStep {
  frame: ZnpFrame;
  /** What the stick answers with when the step succeeded. */
  expect: CmdName;
  what: string;
}

/** ZNP bring-up of an APS-firmware stick as coordinator for `ecuId` (12 hex digits as bytes). */
export function bringUpSequence(ecuId: Uint8Array): BringUpStep[] {
  const pan = panFromEcuId(ecuId);
  return [
    {
      frame: buildWriteConfiguration(NV.STARTUP_OPTION, [0x03]),
      expect: "ZB_WRITE_CONFIGURATION_SRSP",
      what: "clear network state and configuration",
    },
    { frame: buildSysResetReq(0), expect: "SYS_RESET_IND", what: "reset the stick" },
    {
      frame: buildWriteConfiguration(NV.EXTADDR, [0xff, 0xff, ...ecuRev(ecuId)]),
      expect: "ZB_WRITE_CONFIGURATION_SRSP",
      what: "set the coordinator IEEE address from the ECU id",
    },
    {
      frame: buildWriteConfiguration(NV.LOGICAL_TYPE, [0x00]),
      expect: "ZB_WRITE_CONFIGURATION_SRSP",
      what: "become coordinator",
    },
    {
      frame: buildWriteConfiguration(NV.PANID, [pan & 0xff, pan >> 8]),
      expect: "ZB_WRITE_CONFIGURATION_SRSP",
      what: `set PAN 0x${pan.toString(16).toUpperCase()}`,
    },
    {
      frame: buildWriteConfiguration(NV.CHANLIST, [0x00, 0x00, 0x01, 0x00]),
      expect: "ZB_WRITE_CONFIGURATION_SRSP",
      what: "use channel 16",
    },
    {
      frame: buildAfRegister({
        endpoint: APS_ENDPOINT,
        profileId: APS_PROFILE,
        deviceId: 0x0100,
        deviceVersion: 1,
        latency: 0,
        inClusters: [0x0000, 0x0015],
        outClusters: [],
      }),
      expect: "AF_REGISTER_SRSP",
      what: "register endpoint 0x14, profile 0x0F05",
    },
    { frame: buildZbStartRequest(), expect: "ZB_START_REQUEST_SRSP", what: "start the network" },
  ];
}

/** Health check: the device-info reply must show state 9 (coordinator started). */
export const healthCheck = buildGetDeviceInfo;

/** Unicast request to a paired inverter: AF_DATA_REQUEST to its short address, payload = ECU rev + L2. */
export function buildInverterRequest(
  shortAddr: number,
  ecuId: Uint8Array,
  l2: Uint8Array,
  transId = 1,
): ZnpFrame {
  return buildAfDataRequest({
    dstAddr: shortAddr,
    dstEndpoint: APS_ENDPOINT,
    srcEndpoint: APS_ENDPOINT,
    cluster: CLUSTER_REQUEST,
    transId,
    options: 0,
    radius: RADIUS,
    data: concat(ecuRev(ecuId), l2),
  });
}

/** The four AF_DATA_REQUEST_EXT broadcasts that move an inverter onto our PAN, ~1.5 s apart. */
export function pairingSequence(serial: string, ecuId: Uint8Array): ZnpFrame[] {
  const s = encodeSerial(serial);
  const rev = ecuRev(ecuId);
  const pan = panFromEcuId(ecuId);
  const payloads = [
    concat(s, [0xff, 0xff, APS_CHANNEL, 0xff, 0xff], rev),
    s,
    concat(s, [pan >> 8, pan & 0xff, APS_CHANNEL, 0xff, 0xff], rev),
    rev,
  ];
  return payloads.map((data, i) =>
    buildAfDataRequestExt({
      addrMode: 0x0f,
      dstAddr: new Uint8Array(8).fill(0xff),
      dstEndpoint: APS_ENDPOINT,
      dstPan: 0xffff,
      srcEndpoint: APS_ENDPOINT,
      cluster: PAIR_CLUSTERS[i]!,
      transId: i,
      options: 0,
      radius: RADIUS,
      data,
    }),
  );
}
