/**
 * zigbee-herdsman's adapter layer replaced by an injector: zigbee2mqtt and herdsman's Controller run
 * unmodified, but `Adapter.create` returns this adapter, which has no radio. It answers what
 * Controller.start asks (a resumed network, the coordinator's IEEE, network parameters), records every
 * frame herdsman would transmit, and turns captured UART bytes into the `zclPayload` events herdsman's
 * Z-Stack adapter emits — parsed by herdsman's own ZNP parser (unpi + ZpiObject), so the event is the one
 * a Z-Stack coordinator passing this traffic would produce.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
/** zigbee2mqtt's own (nested) zigbee-herdsman, not the top-level one zhc 26.112 brings. */
export const Z2M_DIR = dirname(require.resolve("zigbee2mqtt/package.json"));
export const HERDSMAN_DIR = dirname(require.resolve("zigbee-herdsman/package.json", { paths: [Z2M_DIR] }));
const hs = (p: string) => require(join(HERDSMAN_DIR, "dist", p));

interface ZclHeaderLike {
  commandIdentifier: number;
}
interface HerdsmanZcl {
  Header: { fromBuffer(b: Buffer): ZclHeaderLike | undefined };
}
type EmitterCtor = new (...args: unknown[]) => { emit(event: string, ...args: unknown[]): boolean };

const { Adapter } = hs("adapter/adapter.js") as { Adapter: EmitterCtor & { create: unknown } };
const { Zcl } = hs("index.js") as { Zcl: HerdsmanZcl };
const { Parser } = hs("adapter/z-stack/unpi/parser.js") as {
  Parser: new () => { on(e: "parsed", f: (frame: unknown) => void): void; write(b: Buffer): void };
};
const { ZpiObject } = hs("adapter/z-stack/znp/zpiObject.js") as {
  ZpiObject: { fromUnpiFrame(frame: unknown): { command: { name: string }; payload: IncomingMsg } };
};

interface IncomingMsg {
  groupid: number;
  clusterid: number;
  srcaddr: number;
  srcendpoint: number;
  dstendpoint: number;
  wasbroadcast: number;
  linkquality: number;
  data: Buffer;
}

/** What herdsman asked the adapter to transmit (it goes nowhere). */
export interface SentFrame {
  kind: string;
  networkAddress?: number;
  endpoint?: number;
  clusterId?: number;
  commandName?: string;
}

export const COORDINATOR_IEEE = "0x00124b00c0ffee01";
const NETWORK = { panID: 0x1a62, extendedPanID: "0xdddddddddddddddd", channel: 11, nwkUpdateID: 0 };
export const NETWORK_SETTINGS = {
  pan_id: NETWORK.panID,
  ext_pan_id: [0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd],
  channel: NETWORK.channel,
  network_key: [1, 3, 5, 7, 9, 11, 13, 15, 0, 2, 4, 6, 8, 10, 12, 13],
};

interface FrameLike {
  cluster: { ID: number };
  command: { name: string };
}

export class InjectorAdapter extends Adapter {
  hasZdoMessageOverhead = false;
  manufacturerID = 0;
  readonly sent: SentFrame[] = [];

  async start(): Promise<"resumed"> {
    return "resumed";
  }
  async stop(): Promise<void> {}
  async getCoordinatorIEEE(): Promise<string> {
    return COORDINATOR_IEEE;
  }
  async getCoordinatorVersion(): Promise<{ type: string; meta: Record<string, unknown> }> {
    return { type: "localecu test injector", meta: {} };
  }
  async reset(): Promise<void> {}
  async supportsBackup(): Promise<boolean> {
    return false;
  }
  async backup(): Promise<never> {
    throw new Error("the injector adapter has no backup");
  }
  async getNetworkParameters(): Promise<typeof NETWORK> {
    return NETWORK;
  }
  async addInstallCode(): Promise<void> {}
  async permitJoin(): Promise<void> {}
  waitFor(): { promise: Promise<never>; cancel: () => void } {
    return { promise: new Promise<never>(() => {}), cancel: () => {} };
  }
  async sendZdo(_ieee: string, networkAddress: number, clusterId: number): Promise<undefined> {
    this.sent.push({ kind: "zdo", networkAddress, clusterId });
    return undefined;
  }
  async sendZclFrameToEndpoint(
    _ieee: string,
    networkAddress: number,
    endpoint: number,
    frame: FrameLike,
  ): Promise<undefined> {
    this.sent.push({
      kind: "zcl",
      networkAddress,
      endpoint,
      clusterId: frame.cluster.ID,
      commandName: frame.command.name,
    });
    return undefined;
  }
  async sendZclFrameToGroup(): Promise<void> {}
  async sendZclFrameToAll(): Promise<void> {}
  async setChannelInterPAN(): Promise<void> {}
  async sendZclFrameInterPANToIeeeAddr(): Promise<void> {}
  async sendZclFrameInterPANBroadcast(): Promise<undefined> {
    return undefined;
  }
  async restoreChannelInterPAN(): Promise<void> {}

  /**
   * Captured ZNP UART bytes → herdsman's unpi parser → AF_INCOMING_MSG → the zclPayload event, built the way
   * herdsman's Z-Stack adapter builds it. Returns how many messages were emitted.
   */
  injectUart(hex: string): number {
    const parser = new Parser();
    const msgs: IncomingMsg[] = [];
    parser.on("parsed", (frame) => {
      const o = ZpiObject.fromUnpiFrame(frame);
      if (o.command.name === "incomingMsg") msgs.push(o.payload);
    });
    parser.write(Buffer.from(hex, "hex"));
    for (const m of msgs) {
      this.emitZcl({
        clusterID: m.clusterid,
        data: m.data,
        address: m.srcaddr,
        endpoint: m.srcendpoint,
        linkquality: m.linkquality,
        groupID: m.groupid,
        wasBroadcast: m.wasbroadcast === 1,
        destinationEndpoint: m.dstendpoint,
      });
    }
    return msgs.length;
  }

  /** An APS payload without its ZNP wrapper (captures that keep only serial + L2), from endpoint 0x14. */
  injectPayload(address: number, data: Buffer, linkquality: number): void {
    this.emitZcl({
      clusterID: 0x0106,
      data,
      address,
      endpoint: 0x14,
      linkquality,
      groupID: 0,
      wasBroadcast: false,
      destinationEndpoint: 0x14,
    });
  }

  private emitZcl(p: {
    clusterID: number;
    data: Buffer;
    address: number;
    endpoint: number;
    linkquality: number;
    groupID: number;
    wasBroadcast: boolean;
    destinationEndpoint: number;
  }): void {
    this.emit("zclPayload", { ...p, header: Zcl.Header.fromBuffer(p.data) });
  }
}

/** Make herdsman's `Adapter.create` return the injector; returns the undo and the created adapter. */
export function installInjector(): { adapter(): InjectorAdapter; restore(): void } {
  const original = Adapter.create;
  let created: InjectorAdapter | undefined;
  Adapter.create = async (...args: unknown[]) => {
    created = new InjectorAdapter(...args);
    return created;
  };
  return {
    adapter: () => {
      if (!created) throw new Error("zigbee-herdsman has not created its adapter yet");
      return created;
    },
    restore: () => {
      Adapter.create = original;
    },
  };
}
