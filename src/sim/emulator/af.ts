/**
 * AF_DATA_REQUEST / AF_DATA_REQUEST_EXT on the emulated stick. Answer order as captured (frames.json
 * yc600-408000158215-case0): SRSP `64 01 00`, AF_DATA_CONFIRM `44 80 00 14 <transId>`, ZDO_SRC_RTG_IND
 * `45 C4 <short> 00`, then the inverter's AF_INCOMING_MSG on cluster 0x0106.
 *
 * Status choices (Z-Stack ZComDef.h / nwk.h):
 * - network not started → SRSP 0xC2 ZNwkInvalidRequest (the NWK layer refuses to transmit);
 * - source endpoint not registered → SRSP 0x02 ZInvalidParameter (afDataRequest finds no endpoint);
 * - unknown / unpaired short, or an inverter that does not hear the frame (asleep at night, dead,
 *   dropping) → SRSP 00, then AF_DATA_CONFIRM 0xCD ZNwkNoRoute once route discovery gives up. A real
 *   stick could also say 0xE9 (MAC no ACK) while a stale route to the inverter survives; ESP-ECU and the
 *   research notes only know 0xCD, and at night the routes have long expired, so 0xCD it is.
 */

import { APS_ENDPOINT, CLUSTER_REPLY, CLUSTER_REQUEST, PAIR_CLUSTERS } from "../../protocol/aps-link.ts";
import { readUintLE } from "../../protocol/bytes.ts";
import { decodeSerial } from "../../protocol/ids.ts";
import { CMD, STATUS_NO_ROUTE } from "../../protocol/znp/commands.ts";
import { znp } from "../../protocol/znp/frame.ts";
import type { EmulatorAir, Reachable } from "./air.ts";
import { type CommandContext, execute } from "./commands.ts";
import { type Coordinator, type Network, Z } from "./coordinator.ts";
import { afDataConfirm, afIncoming, RADIUS_LEFT_UNICAST, srcRouteInd } from "./frames.ts";
import { type PairingSession, sameBytes } from "./pairing.ts";
import { isBroadcastShort, parseAfDataRequest, parseAfDataRequestExt } from "./requests.ts";
import type { Emission, EmulatorDelays, TelemetryEmitted } from "./types.ts";

export const Z_NWK_INVALID_REQUEST = 0xc2;
/** Z-Stack afAddrMode values. */
const ADDR = { GROUP: 0x01, SHORT: 0x02, IEEE: 0x03, BROADCAST: 0x0f } as const;

export interface AfContext extends CommandContext {
  air: EmulatorAir;
  coord: Coordinator;
  delays: EmulatorDelays;
  pairing: PairingSession;
  /** Emit ZDO_SRC_RTG_IND before each reply, as the captured stick does. */
  sourceRouteInd: boolean;
  now: () => number;
  onTelemetry?: (e: TelemetryEmitted) => void;
}

interface Request {
  srcEndpoint: number;
  dstEndpoint: number;
  cluster: number;
  transId: number;
  data: Uint8Array;
}

export function afDataRequest(data: Uint8Array, ctx: AfContext): Emission[] {
  const srsp = CMD.AF_DATA_REQUEST_SRSP;
  let req: ReturnType<typeof parseAfDataRequest>;
  try {
    req = parseAfDataRequest(data);
  } catch {
    return [status(srsp, Z.INVALID_PARAMETER, ctx)];
  }
  const net = admit(req.srcEndpoint, ctx);
  if (typeof net === "number") return [status(srsp, net, ctx)];
  const head = status(srsp, Z.SUCCESS, ctx);
  if (isBroadcastShort(req.dstAddr)) return [head, ...broadcast(req, net, ctx)];
  return [head, ...unicast(req.dstAddr, req, net, ctx)];
}

export function afDataRequestExt(data: Uint8Array, ctx: AfContext): Emission[] {
  const srsp = CMD.AF_DATA_REQUEST_EXT_SRSP;
  let req: ReturnType<typeof parseAfDataRequestExt>;
  try {
    req = parseAfDataRequestExt(data);
  } catch {
    return [status(srsp, Z.INVALID_PARAMETER, ctx)];
  }
  const net = admit(req.srcEndpoint, ctx);
  if (typeof net === "number") return [status(srsp, net, ctx)];
  const head = status(srsp, Z.SUCCESS, ctx);
  if (req.addrMode === ADDR.SHORT) {
    const dst = readUintLE(req.dstAddr, 0, 2);
    return [head, ...(isBroadcastShort(dst) ? broadcast(req, net, ctx) : unicast(dst, req, net, ctx))];
  }
  if (req.addrMode === ADDR.IEEE) {
    const bond = bondByIeee(req.dstAddr, ctx.air);
    return [head, ...unicast(bond?.shortAddress ?? -1, req, net, ctx)];
  }
  if (req.addrMode !== ADDR.BROADCAST) return [head, confirm(Z.SUCCESS, req, ctx)]; // groups: nobody listens
  if (req.dstEndpoint === APS_ENDPOINT && (PAIR_CLUSTERS as readonly number[]).includes(req.cluster)) {
    const t = ctx.now();
    const timing = { tMs: t, replyAfterMs: (i: number) => replyDelay(ctx, i), linkQuality: lqi(ctx) };
    return [head, confirm(Z.SUCCESS, req, ctx), ...ctx.pairing.broadcast(req.cluster, req.data, net, timing)];
  }
  return [head, ...broadcast(req, net, ctx)];
}

/** The stick's own checks before it transmits anything. */
function admit(srcEndpoint: number, ctx: AfContext): Network | number {
  const net = ctx.coord.network;
  if (!net) return Z_NWK_INVALID_REQUEST;
  if (!ctx.coord.endpoints.has(srcEndpoint)) return Z.INVALID_PARAMETER;
  return net;
}

function unicast(dst: number, req: Request, net: Network, ctx: AfContext): Emission[] {
  const t = ctx.now();
  const target = ctx.air.byShort(dst, net.pan, net.channel);
  const outcome = target ? deliver(target, req, net, true, t, ctx) : { heard: false };
  if (!outcome.heard) {
    return [
      { afterMs: ctx.delays.noRouteMs, frame: afDataConfirm(STATUS_NO_ROUTE, req.srcEndpoint, req.transId) },
    ];
  }
  const out = [confirm(Z.SUCCESS, req, ctx)];
  if (ctx.sourceRouteInd) out.push({ afterMs: ctx.delays.confirmMs, frame: srcRouteInd(dst) });
  if (outcome.payload) out.push(reply(target!, outcome, t, 0, ctx));
  return out;
}

/** NWK broadcast: confirmed at once; every awake inverter on our network acts on it (and answers polls). */
function broadcast(req: Request, net: Network, ctx: AfContext): Emission[] {
  const t = ctx.now();
  const out = [confirm(Z.SUCCESS, req, ctx)];
  let n = 0;
  for (const target of ctx.air.onNetwork(net.pan, net.channel)) {
    const outcome = deliver(target, req, net, false, t, ctx);
    if (outcome.payload) out.push(reply(target, outcome, t, n++, ctx));
  }
  return out;
}

function deliver(
  target: Reachable,
  req: Request,
  net: Network,
  isUnicast: boolean,
  t: number,
  ctx: AfContext,
) {
  const inv = target.inverter;
  if (req.cluster !== CLUSTER_REQUEST || req.dstEndpoint !== APS_ENDPOINT) {
    return { heard: inv.reply(t) !== null }; // not an APS request: MAC-acked, then ignored
  }
  const id = req.data.subarray(0, 6);
  const ecuOk = req.data.length >= 6 && sameBytes(id, net.ecuRev) && sameBytes(id, target.bond.ecuRev);
  return execute(inv, req.data, ecuOk, isUnicast, t, ctx);
}

function reply(
  target: Reachable,
  outcome: ReturnType<typeof execute>,
  t: number,
  i: number,
  ctx: AfContext,
): Emission {
  const short = target.bond.shortAddress;
  const frame = afIncoming({
    cluster: CLUSTER_REPLY,
    srcAddr: short,
    macSrcAddr: short,
    data: outcome.payload!,
    wasBroadcast: false,
    linkQuality: lqi(ctx)(target.inverter.serial),
    tMs: t,
    radiusLeft: RADIUS_LEFT_UNICAST,
  });
  const truth = outcome.telemetry;
  const effect =
    truth && ctx.onTelemetry ? () => ctx.onTelemetry!({ tMs: t, shortAddress: short, truth }) : undefined;
  return { afterMs: replyDelay(ctx, i), frame, effect };
}

function confirm(st: number, req: Request, ctx: AfContext): Emission {
  return { afterMs: ctx.delays.confirmMs, frame: afDataConfirm(st, req.srcEndpoint, req.transId) };
}

function status(cmd: readonly [number, number], st: number, ctx: AfContext): Emission {
  return { afterMs: ctx.delays.srspMs, frame: znp(cmd[0], cmd[1], [st]) };
}

/** Seeded jitter; later answers to one broadcast queue behind earlier ones. */
function replyDelay(ctx: AfContext, i: number): number {
  const d = ctx.delays;
  const jitter = d.replyJitterMs > 0 ? Math.floor(ctx.rng.next() * d.replyJitterMs) : 0;
  return d.replyMs + jitter + i * d.replyMs;
}

/** Link quality around each inverter's seeded base, ±8. */
function lqi(ctx: AfContext): (serial: string) => number {
  return (serial) => {
    const v = ctx.air.baseLinkQuality(serial) + Math.floor(ctx.rng.next() * 17) - 8;
    return Math.max(0, Math.min(255, v));
  };
}

/** IEEE on air: FF FF <serial 6 BCD>. */
function bondByIeee(ieee: Uint8Array, air: EmulatorAir) {
  if (ieee[0] !== 0xff || ieee[1] !== 0xff) return undefined;
  try {
    return air.bond(decodeSerial(ieee, 2));
  } catch {
    return undefined;
  }
}
