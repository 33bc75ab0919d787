/**
 * An in-process Duplex as the stick: the emulator (src/sim/emulator/stick.ts) or a test double.
 * The factory is called on every open, so a reconnect gets a fresh stream, like replugging.
 */
import type { Duplex } from "node:stream";
import { BaseTransport } from "./index.ts";

export class StreamTransport extends BaseTransport {
  private stream: Duplex | undefined;

  constructor(
    private readonly factory: () => Duplex,
    url = "stream://in-process",
  ) {
    super(url);
  }

  open(): Promise<void> {
    if (this.opened) return Promise.resolve();
    const s = this.factory();
    this.stream = s;
    s.on("data", (b: Buffer | Uint8Array) => this.events.emit("data", new Uint8Array(b)));
    s.on("error", (e: Error) => this.events.emit("error", e));
    const gone = () => {
      if (this.stream !== s) return;
      this.stream = undefined;
      this.markClosed(new Error(`${this.url} ended`));
    };
    s.on("end", gone);
    s.on("close", gone);
    this.markOpen();
    return Promise.resolve();
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.writeTo(this.stream, bytes);
  }

  close(): Promise<void> {
    const s = this.stream;
    this.stream = undefined;
    this.markClosed(undefined);
    s?.destroy();
    return Promise.resolve();
  }
}
