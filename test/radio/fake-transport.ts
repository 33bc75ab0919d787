/** The fake stick's two faces towards the driver: a direct Transport and a Duplex (stream and TCP tests). */
import { Duplex } from "node:stream";
import { BaseTransport } from "../../src/radio/transport/index.ts";
import type { FakeStick } from "./fake-stick.ts";

export class FakeTransport extends BaseTransport {
  private off: (() => void) | undefined;
  writes = 0;

  constructor(
    readonly stick: FakeStick,
    private readonly o: { failOpen?: boolean; url?: string },
  ) {
    super(o.url ?? "fake://stick");
  }

  open(): Promise<void> {
    if (this.o.failOpen) return Promise.reject(new Error("ENOENT: no such device"));
    this.off = this.stick.onOutput((b) => {
      if (this.opened) this.events.emit("data", b);
    });
    this.markOpen();
    return Promise.resolve();
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.opened) return Promise.reject(this.notOpen());
    this.writes++;
    this.stick.write(bytes);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.off?.();
    this.markClosed(undefined);
    return Promise.resolve();
  }

  /** The cable is pulled. */
  drop(): void {
    this.off?.();
    this.markClosed(new Error("device disconnected"));
  }
}

export function duplexFor(stick: FakeStick): Duplex {
  let off: () => void = () => undefined;
  const d = new Duplex({
    read() {},
    write: (chunk: Buffer, _e, cb) => {
      stick.write(new Uint8Array(chunk));
      cb();
    },
    destroy(err, cb) {
      off();
      cb(err);
    },
  });
  off = stick.onOutput((b) => d.push(Buffer.from(b)));
  return d;
}
