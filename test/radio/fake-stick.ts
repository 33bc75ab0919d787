/**
 * A scripted APS ZNP stick for the driver's unit tests: it answers by table, building every byte with
 * src/protocol. It is not the emulator (src/sim): no physics, just the exchanges the driver relies on,
 * with switches for the failures the driver must survive.
 *
 * Host → stick AF_DATA_REQUEST is read field by field here (dst LE16, dstEp, srcEp, cluster LE16,
 * transId, options, radius, len, data) because the codec only builds that frame.
 */
import type { Duplex } from "node:stream";
import {
  APS_ENDPOINT,
  buildAfIncomingMsg,
  buildStatusSrsp,
  CLUSTER_PAIR_REPLY,
  CLUSTER_REPLY,
  CMD,
  type CmdName,
  encodeLimitReplyL2,
  encodeSerial,
  encodeZnpFrame,
  is,
  type ModelInfo,
  modelForSerial,
  nameOf,
  type ZnpFrame,
  ZnpStreamParser,
  znp,
} from "../../src/protocol/index.ts";
import { encodeTelemetry, type TelemetryValues } from "../../src/sim/wire/telemetry.ts";
import { duplexFor, FakeTransport } from "./fake-transport.ts";

export { FakeTransport };

export type FakeInverterMode = "awake" | "silent" | "no-route" | "encrypted";

export interface FakeInverter {
  serial: string;
  shortAddress: number;
  mode: FakeInverterMode;
  limitRaw: number;
  /** DE queries that still report the old limit after a set (a slow inverter). */
  lagQueries: number;
  /** Sets that are ignored (the inverter keeps its old limit). */
  ignoreSets: number;
  /** Answer sets with DF (ack failed) and keep the old limit. */
  refuseSets: boolean;
  linkQuality: number;
  telemetry: TelemetryValues;
  model: ModelInfo;
  onOff: boolean[];
}

export interface FakeStickOptions {
  /** Answer nothing at all (a dead stick, the wrong device on the port). */
  mute?: boolean;
  /** State reported by UTIL_GET_DEVICE_INFO once started (9 = coordinator). */
  startedState?: number;
  /** Put a stray F8 before every frame (as real sticks do). */
  noise?: boolean;
  /** Deliver every frame one byte at a time. */
  split?: boolean;
  /**
   * Inverters acknowledge set/on/off with a short DE (as the sniffed YC600 does). Default true;
   * "late": the ack only arrives during the next exchange, just before that exchange's own reply.
   */
  controlAck?: boolean | "late";
}

/** The YC600's acknowledgement of a set, from frames.json set_power_sniffs (checksum slot 00 00). */
const CONTROL_ACK_L2 = [0xfb, 0xfb, 0x06, 0xde, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0xfe];

export class FakeStick {
  /** Every frame the host sent, in order. */
  readonly received: ZnpFrame[] = [];
  readonly inverters = new Map<number, FakeInverter>();
  readonly sets: { shortAddress: number; raw: number }[] = [];
  private readonly parser = new ZnpStreamParser();
  private readonly outputs = new Set<(b: Uint8Array) => void>();
  private started = false;
  private pairingSerial: string | undefined;
  private seq = 0;
  private lateAck: ZnpFrame | undefined;

  constructor(readonly opts: FakeStickOptions = {}) {}

  addInverter(serial: string, shortAddress: number, o: Partial<FakeInverter> = {}): FakeInverter {
    const model = modelForSerial(serial)!;
    const inv: FakeInverter = {
      serial,
      shortAddress,
      mode: "awake",
      limitRaw: model.family === "ds3" ? 9954 : 0x21db,
      lagQueries: 0,
      ignoreSets: 0,
      refuseSets: false,
      linkQuality: 180,
      telemetry: defaultTelemetry(serial, model),
      model,
      onOff: [],
      ...o,
    };
    this.inverters.set(shortAddress, inv);
    return inv;
  }

  inverter(serial: string): FakeInverter {
    const i = [...this.inverters.values()].find((x) => x.serial === serial);
    if (!i) throw new Error(`fake stick has no inverter ${serial}`);
    return i;
  }

  sent(name: keyof typeof CMD): ZnpFrame[] {
    return this.received.filter((f) => is(f, name));
  }

  onOutput(fn: (b: Uint8Array) => void): () => void {
    this.outputs.add(fn);
    return () => this.outputs.delete(fn);
  }

  /** Host → stick bytes. */
  write(bytes: Uint8Array): void {
    for (const ev of this.parser.push(bytes)) if (ev.kind === "frame") this.handle(ev.frame);
  }

  /** The stick reboots by itself: SYS_RESET_IND, network gone. */
  injectReset(): void {
    this.started = false;
    this.emit(znp(...CMD.SYS_RESET_IND, [0x00, 0x02, 0x02, 0x02, 0x07, 0x02]));
  }

  /** The stick drops its network silently (a reset whose indication was lost on the line). */
  forgetNetwork(): void {
    this.started = false;
  }

  emitRaw(bytes: ArrayLike<number>): void {
    const b = Uint8Array.from(bytes);
    queueMicrotask(() => {
      for (const o of this.outputs) o(b);
    });
  }

  emit(f: ZnpFrame): void {
    const raw = encodeZnpFrame(f);
    const bytes = this.opts.noise ? Uint8Array.from([0xf8, ...raw]) : raw;
    if (this.opts.split) for (const b of bytes) this.emitRaw([b]);
    else this.emitRaw(bytes);
  }

  /** The answer table: host command → what the traced stick sends back. */
  private readonly answers: Partial<Record<CmdName, (f: ZnpFrame) => void>> = {
    ZB_WRITE_CONFIGURATION: () => this.emit(buildStatusSrsp("ZB_WRITE_CONFIGURATION_SRSP")),
    SYS_RESET_REQ: () => {
      this.started = false;
      // As traced: FE 06 41 80 02 02 02 02 07 02 C2
      this.emit(znp(...CMD.SYS_RESET_IND, [0x02, 0x02, 0x02, 0x02, 0x07, 0x02]));
    },
    AF_REGISTER: () => this.emit(buildStatusSrsp("AF_REGISTER_SRSP")),
    ZB_START_REQUEST: () => {
      this.emit(znp(...CMD.ZB_START_REQUEST_SRSP)); // no status byte, as traced (FE 00 66 00 66)
      this.emit(znp(...CMD.ZDO_STATE_CHANGE_IND, [0x08]));
      this.started = true;
      this.emit(znp(...CMD.ZDO_STATE_CHANGE_IND, [this.opts.startedState ?? 0x09]));
    },
    UTIL_GET_DEVICE_INFO: () => {
      const state = this.started ? (this.opts.startedState ?? 0x09) : 0x00;
      // status, IEEE FF FF 80 97 1B 01 A3 D8 (LE), short 0000, type 07, state, 0 associated
      const ieee = [0xff, 0xff, 0x80, 0x97, 0x1b, 0x01, 0xa3, 0xd8];
      this.emit(znp(...CMD.UTIL_GET_DEVICE_INFO_SRSP, [0x00, ...ieee, 0, 0, 7, state, 0]));
    },
    AF_DATA_REQUEST_EXT: (f) => this.onBroadcast(f),
    AF_DATA_REQUEST: (f) => this.onUnicast(f),
  };

  private handle(f: ZnpFrame): void {
    this.received.push(f);
    if (this.opts.mute) return;
    const name = nameOf(f);
    if (name) this.answers[name]?.(f);
  }

  private onBroadcast(f: ZnpFrame): void {
    // 24 02 mode dst(8) dstEp pan(2) srcEp cluster(2) transId options radius len(2) data
    const d = f.data;
    const cluster = d[13]! | (d[14]! << 8);
    const data = d.slice(20);
    this.emit(buildStatusSrsp("AF_DATA_REQUEST_EXT_SRSP"));
    if (cluster === 0x020c) this.pairingSerial = hex(data.slice(0, 6));
    if (cluster === 0x010f) this.emit(this.incoming(0x0000, 0x010f, data, true)); // the stick's relay
    if (cluster !== 0x0101 || !this.pairingSerial) return;
    const inv = [...this.inverters.values()].find((i) => i.serial === this.pairingSerial);
    if (!inv || inv.mode === "silent" || inv.mode === "no-route") return;
    this.emit(this.incoming(inv.shortAddress, CLUSTER_PAIR_REPLY, [0xff, 0xff, ...encodeSerial(inv.serial)]));
  }

  private onUnicast(f: ZnpFrame): void {
    const d = f.data;
    const dst = d[0]! | (d[1]! << 8);
    const transId = d[6]!;
    const l2 = d.slice(10 + 6, 10 + d[9]!); // skip the 6-byte ECU rev
    this.emit(buildStatusSrsp("AF_DATA_REQUEST_SRSP"));
    const inv = this.inverters.get(dst);
    if (!inv || inv.mode === "no-route") {
      this.emit(znp(...CMD.AF_DATA_CONFIRM, [0xcd, APS_ENDPOINT, transId]));
      return;
    }
    this.emit(znp(...CMD.AF_DATA_CONFIRM, [0x00, APS_ENDPOINT, transId]));
    if (this.lateAck) this.emit(this.lateAck);
    this.lateAck = undefined;
    const cmd = l2[3];
    if (cmd === 0x1c || cmd === 0xaa) {
      const raw = cmd === 0x1c ? (l2[6]! << 8) | l2[7]! : (l2[7]! << 8) | l2[8]!;
      this.sets.push({ shortAddress: dst, raw });
      if (inv.refuseSets) {
        this.ack(inv, 0xdf);
        return;
      }
      if (inv.ignoreSets > 0) inv.ignoreSets--;
      else if (inv.lagQueries > 0) setLater(inv, raw);
      else inv.limitRaw = raw;
      this.ack(inv);
      return;
    }
    if (cmd === 0xc1 || cmd === 0xc2) {
      inv.onOff.push(cmd === 0xc1);
      this.ack(inv);
      return;
    }
    if (inv.mode === "silent") return;
    const serial = encodeSerial(inv.serial);
    let payload: Uint8Array;
    if (inv.mode === "encrypted")
      // AES shape: serial, 6-byte nonce, one 16-byte block.
      payload = Uint8Array.from([...serial, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, ...new Array(16).fill(7)]);
    else if (cmd === 0xbb) payload = encodeTelemetry(inv.telemetry, inv.model);
    else if (cmd === 0xde)
      payload = Uint8Array.from([...serial, ...encodeLimitReplyL2(inv.model, readLimit(inv))]);
    else return;
    this.emit(this.incoming(inv.shortAddress, CLUSTER_REPLY, payload, false, inv.linkQuality));
  }

  private ack(inv: FakeInverter, cmd = 0xde): void {
    if (this.opts.controlAck === false || inv.mode !== "awake") return;
    const l2 = [...CONTROL_ACK_L2];
    l2[3] = cmd;
    const payload = [...encodeSerial(inv.serial), ...l2];
    const frame = this.incoming(inv.shortAddress, CLUSTER_REPLY, payload, false, inv.linkQuality);
    if (this.opts.controlAck === "late") this.lateAck = frame;
    else this.emit(frame);
  }

  incoming(src: number, cluster: number, data: ArrayLike<number>, broadcast = false, lqi = 200): ZnpFrame {
    this.seq = (this.seq + 1) & 0xff;
    return buildAfIncomingMsg({
      groupId: 0,
      cluster,
      srcAddr: src,
      srcEndpoint: APS_ENDPOINT,
      dstEndpoint: APS_ENDPOINT,
      wasBroadcast: broadcast,
      linkQuality: lqi,
      securityUse: false,
      timestamp: 0x005e0000 + this.seq,
      transSeq: this.seq,
      data: Uint8Array.from(data),
      trailer: Uint8Array.from([src & 0xff, src >> 8, 0x0e]),
    });
  }

  /** A Transport straight onto this stick (answers arrive as microtasks). */
  asTransport(o: { failOpen?: boolean; url?: string } = {}): FakeTransport {
    return new FakeTransport(this, o);
  }

  /** The stick as a Duplex, for the stream and TCP transports. */
  asDuplex(): Duplex {
    return duplexFor(this);
  }
}

const pendingSets = new WeakMap<FakeInverter, number>();

function setLater(inv: FakeInverter, raw: number): void {
  pendingSets.set(inv, raw);
}

function readLimit(inv: FakeInverter): number {
  const next = pendingSets.get(inv);
  if (next !== undefined) {
    if (inv.lagQueries > 0) inv.lagQueries--;
    else {
      inv.limitRaw = next;
      pendingSets.delete(inv);
    }
  }
  return inv.limitRaw;
}

export function defaultTelemetry(serial: string, model: ModelInfo): TelemetryValues {
  const v: TelemetryValues = {
    serial,
    temperatureC: 35.2,
    frequencyHz: 50.01,
    acVoltageV: 231.4,
    uptimeS: 3600,
    channels: Array.from({ length: model.channels }, (_, i) => ({
      voltageV: 32.5 + i,
      currentA: 5.25 - i * 0.5,
      energyCounter: 123_456_789 * (i + 1),
    })),
  };
  if (model.family === "ds3") v.acPowerW = 310;
  return v;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}
