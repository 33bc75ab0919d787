/**
 * A byte pipe to the stick. Every implementation (serial, TCP, in-process stream) has the same
 * surface so the ZNP layer never knows which one it talks through.
 *
 * Events: `open` (the link is up, also after a reconnect), `data` (bytes as they came), `close`
 * (the link went down; the error says why, undefined when we closed it), `error` (non-fatal:
 * a failed write, a driver complaint — the link may still be up).
 */
import { TypedEmitter } from "../emitter.ts";
import { RadioError } from "../errors.ts";

export interface TransportEvents {
  open: undefined;
  data: Uint8Array;
  close: Error | undefined;
  error: Error;
}

export interface Transport {
  /** What the user wrote (`/dev/ttyUSB0`, `tcp://host:port`, `stream://…`), for messages. */
  readonly url: string;
  readonly isOpen: boolean;
  open(): Promise<void>;
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
  on<K extends keyof TransportEvents>(event: K, fn: (value: TransportEvents[K]) => void): () => void;
}

/** What serialport, net.Socket and stream.Duplex have in common for writing. */
interface NodeWritable {
  write(bytes: Uint8Array, cb: (err: Error | null | undefined) => void): unknown;
}

/** Shared plumbing: the emitter and the open/closed bookkeeping. */
export abstract class BaseTransport implements Transport {
  protected readonly events = new TypedEmitter<TransportEvents>(undefined, "transport");
  protected opened = false;

  constructor(readonly url: string) {}

  get isOpen(): boolean {
    return this.opened;
  }

  abstract open(): Promise<void>;
  abstract write(bytes: Uint8Array): Promise<void>;
  abstract close(): Promise<void>;

  on<K extends keyof TransportEvents>(event: K, fn: (value: TransportEvents[K]) => void): () => void {
    return this.events.on(event, fn);
  }

  protected markOpen(): void {
    this.opened = true;
    this.events.emit("open", undefined);
  }

  /** Emits `close` once per open period. */
  protected markClosed(error: Error | undefined): void {
    if (!this.opened) return;
    this.opened = false;
    this.events.emit("close", error);
  }

  /** A write through the node-style sink of the open link, rejecting when the link is down. */
  protected writeTo(sink: NodeWritable | undefined, bytes: Uint8Array): Promise<void> {
    if (!sink || !this.opened) return Promise.reject(this.notOpen());
    return new Promise((resolve, reject) => {
      sink.write(bytes, (e) => (e ? reject(e) : resolve()));
    });
  }

  protected notOpen(): RadioError {
    return new RadioError("link-down", `${this.url} is not open: the stick link is down (reconnecting?)`);
  }
}
