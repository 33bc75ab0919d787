/**
 * The coordinator side of the emulated APS-firmware stick: NV configuration, reset, network start and the
 * device-info health check, answering as the traced stick does (frames.json `bringup_trace`, ESP-ECU):
 *
 *   26 05 <id> <len> <value>  → 66 05 00
 *   41 00 00                  → 41 80 02 02 02 02 07 02   (reason 2, transport 2, product 2, 2.7, hw 2)
 *   24 00 14 05 0F …          → 64 00 00
 *   26 00                     → 66 00 (no status byte: the trace shows FE 00 66 00 66), 45 C0 08, 45 C0 09
 *   27 00                     → 67 00 00 <IEEE 8> <short 2> 07 <state> 00
 */
import { readUintLE } from "../../protocol/bytes.ts";
import { ecuRev, panFromEcuId } from "../../protocol/ids.ts";
import { CMD, NV, STATE_COORDINATOR } from "../../protocol/znp/commands.ts";
import { type ZnpFrame, znp } from "../../protocol/znp/frame.ts";
import { parseAfRegister, parseWriteConfiguration } from "./requests.ts";
import type { Emission, EmulatorDelays } from "./types.ts";

/** The traced stick's SYS_RESET_IND data (kadzsol APS firmware: product 2 = Z-Stack 3.0.x, rel 2.7). */
export const RESET_IND_DATA = [0x02, 0x02, 0x02, 0x02, 0x07, 0x02] as const;
/** ZDO states (Z-Stack ZDApp.h): DEV_HOLD, DEV_NWK_DISC, DEV_COORD_STARTING, DEV_ZB_COORD. */
export const STATE = { HOLD: 0x00, NWK_DISC: 0x02, COORD_STARTING: 0x08, COORD: STATE_COORDINATOR } as const;
/** UTIL_GET_DEVICE_INFO device type: capability bitmap coordinator|router|end device, as traced (07). */
const DEVICE_TYPES = 0x07;
/** Z-Stack's NIB holds INVALID_NODE_ADDR until a network is formed; the coordinator is 0x0000 after. */
const NO_SHORT = 0xfffe;
/** Z-Stack status bytes: ZSuccess, ZInvalidParameter, ZApsDuplicateEntry. */
export const Z = { SUCCESS: 0x00, INVALID_PARAMETER: 0x02, DUPLICATE: 0xb8 } as const;
/** ZCD_STARTOPT_DEFAULT_CONFIG_STATE: restore default NV configuration at the next reset. */
const STARTOPT_DEFAULT_CONFIG = 0x01;

export interface NvConfig {
  /** ZCD_NV_EXTADDR as written: 8 bytes, on-air order (FF FF + ECU id reversed). */
  extAddr: Uint8Array;
  pan: number;
  chanList: number;
  logicalType: number;
  startupOption: number;
}

/** The network a started coordinator runs; requests and pairing are checked against it. */
export interface Network {
  pan: number;
  channel: number;
  /** The 6 bytes every ECU → inverter payload must start with (IEEE minus the leading FF FF). */
  ecuRev: Uint8Array;
}

/** What the stick holds in NV before anyone configures it: the given ECU id's IEEE, its PAN, channel 16. */
export function factoryNv(ecuId: Uint8Array): NvConfig {
  return {
    extAddr: Uint8Array.from([0xff, 0xff, ...ecuRev(ecuId)]),
    pan: panFromEcuId(ecuId),
    chanList: 1 << 16,
    logicalType: 0,
    startupOption: 0,
  };
}

/** Lowest channel in a ZCD_NV_CHANLIST bitmask (bits 11–26); 0 when none is set. */
export function channelOf(chanList: number): number {
  for (let c = 11; c <= 26; c++) if ((chanList >>> c) & 1) return c;
  return 0;
}

export class Coordinator {
  nv: NvConfig;
  state: number = STATE.HOLD;
  network: Network | undefined;
  /** Registered endpoint → profile; RAM only, lost at reset like Z-Stack's endpoint list. */
  readonly endpoints = new Map<number, number>();
  /** Between SYS_RESET_REQ and SYS_RESET_IND the stick is rebooting and reads nothing. */
  booting = false;

  constructor(private readonly factory: NvConfig) {
    this.nv = copyNv(factory);
  }

  /** `onReset` runs when the stick reboots (the caller drops its RAM state, e.g. a pairing session). */
  reset(delays: EmulatorDelays, onReset: () => void): Emission[] {
    this.booting = true;
    this.state = STATE.HOLD;
    this.network = undefined;
    this.endpoints.clear();
    if (this.nv.startupOption & STARTOPT_DEFAULT_CONFIG) this.nv = copyNv(this.factory);
    this.nv.startupOption = 0; // Z-Stack clears the option once it has acted on it
    onReset();
    const done = () => {
      this.booting = false;
    };
    return [{ afterMs: delays.resetMs, frame: znp(...CMD.SYS_RESET_IND, RESET_IND_DATA), effect: done }];
  }

  writeConfiguration(data: Uint8Array, delays: EmulatorDelays): Emission[] {
    let status: number = Z.SUCCESS;
    try {
      const { id, value } = parseWriteConfiguration(data);
      status = this.applyNv(id, value);
    } catch {
      status = Z.INVALID_PARAMETER; // malformed: Z-Stack answers ZInvalidParameter, as we do
    }
    return [{ afterMs: delays.srspMs, frame: status1(CMD.ZB_WRITE_CONFIGURATION_SRSP, status) }];
  }

  afRegister(data: Uint8Array, delays: EmulatorDelays): Emission[] {
    let status: number = Z.SUCCESS;
    try {
      const { endpoint, profileId } = parseAfRegister(data);
      if (this.endpoints.has(endpoint)) status = Z.DUPLICATE;
      else this.endpoints.set(endpoint, profileId);
    } catch {
      status = Z.INVALID_PARAMETER;
    }
    return [{ afterMs: delays.srspMs, frame: status1(CMD.AF_REGISTER_SRSP, status) }];
  }

  /**
   * ZB_START_REQUEST: SRSP with no data, then the state walk to DEV_ZB_COORD. Already started: the SRSP
   * and state 9 again, so a host that reconnects without resetting still sees the state it waits for.
   * A stick configured as router/end device searches for a network to join and never finds one.
   */
  start(delays: EmulatorDelays): Emission[] {
    const srsp: Emission = { afterMs: delays.srspMs, frame: znp(...CMD.ZB_START_REQUEST_SRSP) };
    const at = (n: number) => delays.srspMs + n * delays.stateMs;
    if (this.state === STATE.COORD) return [srsp, { afterMs: at(1), frame: stateInd(STATE.COORD) }];
    if (this.nv.logicalType !== 0) {
      const disc = () => {
        this.state = STATE.NWK_DISC;
      };
      return [srsp, { afterMs: at(1), frame: stateInd(STATE.NWK_DISC), effect: disc }];
    }
    const net: Network = {
      pan: this.nv.pan,
      channel: channelOf(this.nv.chanList),
      ecuRev: this.nv.extAddr.slice(2),
    };
    const starting = () => {
      this.state = STATE.COORD_STARTING;
    };
    const started = () => {
      this.state = STATE.COORD;
      this.network = net;
    };
    return [
      srsp,
      { afterMs: at(1), frame: stateInd(STATE.COORD_STARTING), effect: starting },
      { afterMs: at(2), frame: stateInd(STATE.COORD), effect: started },
    ];
  }

  deviceInfo(delays: EmulatorDelays): Emission[] {
    const short = this.state === STATE.COORD ? 0x0000 : NO_SHORT;
    const data = [Z.SUCCESS, ...this.nv.extAddr, short & 0xff, short >> 8, DEVICE_TYPES, this.state, 0x00];
    return [{ afterMs: delays.srspMs, frame: znp(...CMD.UTIL_GET_DEVICE_INFO_SRSP, data) }];
  }

  private applyNv(id: number, v: Uint8Array): number {
    const want = NV_LENGTHS[id];
    if (want === undefined) return Z.SUCCESS; // other NV items: stored by Z-Stack, irrelevant here
    if (v.length !== want) return Z.INVALID_PARAMETER;
    if (id === NV.STARTUP_OPTION) this.nv.startupOption = v[0]!;
    else if (id === NV.EXTADDR) this.nv.extAddr = Uint8Array.from(v);
    else if (id === NV.LOGICAL_TYPE) this.nv.logicalType = v[0]!;
    else if (id === NV.PANID) this.nv.pan = readUintLE(v, 0, 2);
    else if (id === NV.CHANLIST) this.nv.chanList = readUintLE(v, 0, 4);
    return Z.SUCCESS;
  }
}

const NV_LENGTHS: Readonly<Record<number, number>> = {
  [NV.STARTUP_OPTION]: 1,
  [NV.EXTADDR]: 8,
  [NV.LOGICAL_TYPE]: 1,
  [NV.PANID]: 2,
  [NV.CHANLIST]: 4,
};

function copyNv(nv: NvConfig): NvConfig {
  return { ...nv, extAddr: Uint8Array.from(nv.extAddr) };
}

function status1(cmd: readonly [number, number], status: number): ZnpFrame {
  return znp(cmd[0], cmd[1], [status]);
}

function stateInd(state: number): ZnpFrame {
  return znp(...CMD.ZDO_STATE_CHANGE_IND, [state]);
}
