/**
 * Pairing as the emulated inverters experience it: the four AF_DATA_REQUEST_EXT broadcasts of
 * src/protocol/aps-link.ts `pairingSequence` (ESP-ECU ZIGBEE_PAIR.ino):
 *
 *   0x020D <serial> FF FF 10 FF FF <ecu rev>     rendezvous (PAN FFFF, channel 16)
 *   0x020C <serial>
 *   0x010F <serial> <PAN hi lo> 10 FF FF <ecu rev>  "move to this PAN/channel": the inverter takes its short
 *          address and, being a router, re-broadcasts the frame, which the stick hands up
 *          (frames.json pairing_replies[2]: cluster 0x010F, NWK src 0x0000, wasBroadcast 1, MAC src = inverter)
 *   0x0101 <ecu rev>                              "commit": the inverter answers on cluster 0x0101 with
 *          FF FF <serial> from its new short address (pairing_replies[1]; [0] shows FF 1A, we send FF FF)
 *
 * Our rule: an inverter answers the 0x0101 broadcast when it heard a 0x010F naming its serial (and that
 * ECU) since the stick last reset; 0x020D/0x020C are accepted but change nothing. Only inverters in the
 * site that are awake (reply() not null) take part, so unknown serials and sleeping inverters stay silent.
 */

import { CLUSTER_PAIR_REPLY } from "../../protocol/aps-link.ts";
import { concat } from "../../protocol/bytes.ts";
import { decodeSerial, encodeSerial } from "../../protocol/ids.ts";
import type { EmulatorAir } from "./air.ts";
import type { Network } from "./coordinator.ts";
import { afIncoming, RADIUS_LEFT_RELAYED, RADIUS_LEFT_UNICAST } from "./frames.ts";
import type { Emission } from "./types.ts";

// The four pairing broadcasts use clusters 0x020D, 0x020C, 0x010F and 0x0101 (DESIGN.md §2); only the
// PAN-setting one changes what the emulated inverter does.
export const CLUSTER_PAIR_SET_PAN = 0x010f;

interface Pending {
  pan: number;
  channel: number;
  ecuRev: Uint8Array;
}

export interface PairingTiming {
  tMs: number;
  /** Real ms until the relayed broadcast / the answer of the i-th inverter. */
  replyAfterMs: (i: number) => number;
  linkQuality: (serial: string) => number;
}

/** One stick's pairing state; RAM only, dropped when the stick resets. */
export class PairingSession {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly air: EmulatorAir) {}

  clear(): void {
    this.pending.clear();
  }

  /** Handles one pairing broadcast; returns what the stick hands up to the host. */
  broadcast(cluster: number, data: Uint8Array, net: Network, timing: PairingTiming): Emission[] {
    if (cluster === CLUSTER_PAIR_SET_PAN) return this.setPan(data, net, timing);
    if (cluster === CLUSTER_PAIR_REPLY) return this.commit(data, net, timing);
    return []; // 0x020D, 0x020C: accepted, nothing observable on a ZNP stick
  }

  private setPan(data: Uint8Array, net: Network, timing: PairingTiming): Emission[] {
    if (data.length !== 17) return [];
    const serial = serialAt(data);
    const inv = serial === undefined ? undefined : this.air.inverters.get(serial);
    if (!serial || !inv || inv.reply(timing.tMs) === null) return [];
    const p: Pending = { pan: (data[6]! << 8) | data[7]!, channel: data[8]!, ecuRev: data.slice(11, 17) };
    this.pending.set(serial, p);
    if (p.pan !== net.pan || p.channel !== net.channel) return []; // it moved to a network we do not hear
    const short = this.air.shortFor(serial)!;
    const frame = afIncoming({
      cluster: CLUSTER_PAIR_SET_PAN,
      srcAddr: 0x0000,
      macSrcAddr: short,
      data,
      wasBroadcast: true,
      linkQuality: timing.linkQuality(serial),
      tMs: timing.tMs,
      radiusLeft: RADIUS_LEFT_RELAYED,
    });
    return [{ afterMs: timing.replyAfterMs(0), frame }];
  }

  private commit(data: Uint8Array, net: Network, timing: PairingTiming): Emission[] {
    if (data.length !== 6) return [];
    const out: Emission[] = [];
    for (const [serial, p] of [...this.pending]) {
      if (!sameBytes(p.ecuRev, data)) continue;
      this.pending.delete(serial);
      const bond = this.air.setBond(serial, p);
      if (bond.pan !== net.pan || bond.channel !== net.channel) continue;
      const frame = afIncoming({
        cluster: CLUSTER_PAIR_REPLY,
        srcAddr: bond.shortAddress,
        macSrcAddr: bond.shortAddress,
        data: concat([0xff, 0xff], encodeSerial(serial)),
        wasBroadcast: false,
        linkQuality: timing.linkQuality(serial),
        tMs: timing.tMs,
        radiusLeft: RADIUS_LEFT_UNICAST,
      });
      out.push({ afterMs: timing.replyAfterMs(out.length), frame });
    }
    return out;
  }
}

function serialAt(data: Uint8Array): string | undefined {
  try {
    return decodeSerial(data, 0);
  } catch {
    return undefined;
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
