/**
 * The emulated APS-firmware ZNP stick without its stream: frames in, timed frames out to whoever is
 * attached. Kept apart from the Duplex so a TCP server can keep one stick (NV, network, timers) across
 * connections, like a real stick behind ser2net that nobody power-cycles.
 *
 * Dispatch is on subsystem + cmd1 and ignores the type bits, as Z-Stack's MT_ProcessIncoming does: the
 * traced ESP-ECU sends its health check as `67 00` (SRSP type) and the stick still answers it
 * (frames.json bringup_trace step 8). Unknown SREQs get Z-Stack's RPC error `60 00 02 <cmd0> <cmd1>`.
 */
import { fromHex } from "../../protocol/bytes.ts";
import { encodeZnpFrame, hex2, type ZnpFrame, znp } from "../../protocol/znp/frame.ts";
import { deriveSeed, Rng } from "../random.ts";
import { type AfContext, afDataRequest, afDataRequestExt } from "./af.ts";
import { EmulatorAir } from "./air.ts";
import { Coordinator, factoryNv } from "./coordinator.ts";
import { PairingSession } from "./pairing.ts";
import {
  type Emission,
  type EmulatedInverter,
  type EmulatorDelays,
  type EmulatorTimers,
  REAL_TIMERS,
  REALISTIC_DELAYS,
  type TelemetryEmitted,
} from "./types.ts";

/** ESP-ECU's example ECU id (DESIGN.md §2): what an unconfigured emulated stick holds in NV. */
export const DEFAULT_ECU_ID = "D8A3011B9780";

export interface StickOptions {
  /** The site's inverters, or a shared radio world (several sticks / reconnects see the same bonds). */
  inverters?: Iterable<EmulatedInverter>;
  air?: EmulatorAir;
  seed?: number;
  /** ECU id (12 hex digits) in the stick's factory NV; the host's bring-up writes override it. */
  ecuId?: string;
  /** Simulated time for the physics, epoch ms. Default Date.now. */
  now?: () => number;
  /** Real-time reply delays; default REALISTIC_DELAYS, ZERO_DELAYS answers synchronously. */
  delays?: Partial<EmulatorDelays>;
  timers?: EmulatorTimers;
  /** Emit ZDO_SRC_RTG_IND before replies (the captured stick does). Default true. */
  sourceRouteInd?: boolean;
  /**
   * After a unicast set-power / on / off the inverter answers `FB FB 06 DE 00…00 FE FE` (the YC600 did so to
   * the vendor ECU-C: frames.json set_power_sniffs). Default true; a host that opens its DE-query window
   * right after the confirm will see this short DE first, as it would on air.
   */
  controlAck?: boolean;
  onTelemetry?: (e: TelemetryEmitted) => void;
  /** Notes on requests the stick or an inverter ignored (why nothing came back). */
  log?: (message: string) => void;
}

/** MT_RPC_ERR_COMMAND_ID (Z-Stack MT_RPC.h). */
const RPC_ERR_COMMAND_ID = 0x02;
const SUB = { SYS: 0x01, AF: 0x04, SAPI: 0x06, UTIL: 0x07 } as const;

export class StickCore {
  readonly air: EmulatorAir;
  readonly coord: Coordinator;
  readonly delays: EmulatorDelays;
  private readonly pairing: PairingSession;
  private readonly ctx: AfContext;
  private readonly timers: EmulatorTimers;
  private readonly pendingTimers = new Set<{ handle?: unknown }>();
  private sink: ((bytes: Uint8Array) => void) | undefined;
  private readonly logFn: (message: string) => void;

  constructor(opts: StickOptions = {}) {
    const seed = opts.seed ?? 1;
    this.air = opts.air ?? new EmulatorAir(opts.inverters ?? [], seed);
    this.coord = new Coordinator(factoryNv(fromHex(opts.ecuId ?? DEFAULT_ECU_ID)));
    this.delays = { ...REALISTIC_DELAYS, ...opts.delays };
    this.timers = opts.timers ?? REAL_TIMERS;
    this.pairing = new PairingSession(this.air);
    this.logFn = opts.log ?? (() => {});
    this.ctx = {
      air: this.air,
      coord: this.coord,
      delays: this.delays,
      pairing: this.pairing,
      sourceRouteInd: opts.sourceRouteInd ?? true,
      now: opts.now ?? Date.now,
      onTelemetry: opts.onTelemetry,
      rng: new Rng(deriveSeed(seed, "stick")),
      controlAck: opts.controlAck ?? true,
      log: (m) => this.logFn(m),
    };
  }

  /** Where the stick's UART output goes; one host at a time (a new one replaces the old). */
  attach(sink: (bytes: Uint8Array) => void): void {
    this.sink = sink;
  }

  detach(sink: (bytes: Uint8Array) => void): void {
    if (this.sink === sink) this.sink = undefined;
  }

  /** Cancels everything scheduled (the stick is unplugged). */
  close(): void {
    for (const p of this.pendingTimers) this.timers.clear(p.handle);
    this.pendingTimers.clear();
    this.sink = undefined;
  }

  receive(frame: ZnpFrame): void {
    if (this.coord.booting) {
      this.logFn(`stick is rebooting: ${describe(frame)} is lost`);
      return;
    }
    const out = this.dispatch(frame);
    if (out) for (const e of out) this.schedule(e);
  }

  private dispatch(f: ZnpFrame): Emission[] | undefined {
    const d = this.delays;
    const sub = f.cmd0 & 0x1f;
    const key = (sub << 8) | f.cmd1;
    switch (key) {
      case (SUB.SYS << 8) | 0x00:
        return this.coord.reset(d, () => this.pairing.clear());
      case (SUB.SAPI << 8) | 0x05:
        return this.coord.writeConfiguration(f.data, d);
      case (SUB.SAPI << 8) | 0x00:
        return this.coord.start(d);
      case (SUB.UTIL << 8) | 0x00:
        return this.coord.deviceInfo(d);
      case (SUB.AF << 8) | 0x00:
        return this.coord.afRegister(f.data, d);
      case (SUB.AF << 8) | 0x01:
        return afDataRequest(f.data, this.ctx);
      case (SUB.AF << 8) | 0x02:
        return afDataRequestExt(f.data, this.ctx);
    }
    if (f.cmd0 >> 5 === 1) {
      this.logFn(`unsupported SREQ ${describe(f)}: answering with an RPC error`);
      return [{ afterMs: d.srspMs, frame: znp(0x60, 0x00, [RPC_ERR_COMMAND_ID, f.cmd0, f.cmd1]) }];
    }
    this.logFn(`ignored ${describe(f)}`);
    return undefined;
  }

  private schedule(e: Emission): void {
    const fire = () => {
      e.effect?.();
      this.sink?.(encodeZnpFrame(e.frame));
    };
    if (e.afterMs <= 0) {
      fire();
      return;
    }
    // A token, not the handle: injected timers may fire before `set` returns.
    const entry: { handle?: unknown; done?: boolean } = {};
    entry.handle = this.timers.set(() => {
      entry.done = true;
      this.pendingTimers.delete(entry);
      fire();
    }, e.afterMs);
    if (!entry.done) this.pendingTimers.add(entry);
  }
}

function describe(f: ZnpFrame): string {
  return `${hex2(f.cmd0)} ${hex2(f.cmd1)} (${f.data.length} data bytes)`;
}
