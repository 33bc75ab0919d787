/**
 * `StickEmulator`: an APS-firmware CC2530 ZNP stick as a Node Duplex stream. Bytes written to it are the
 * host → stick UART, bytes read from it are stick → host. It answers the bring-up as the stick traced in
 * frames.json does, pairs inverters from the site, and answers requests with what the simulated inverters
 * say (see stick-core.ts and the other files here for the byte layouts and status choices).
 *
 * Each output chunk is exactly one ZNP frame; wrap the stream in `LineFaults` for a messier line.
 */
import { Duplex } from "node:stream";
import { ZnpStreamParser } from "../../protocol/znp/parser.ts";
import type { EmulatorAir } from "./air.ts";
import { StickCore, type StickOptions } from "./stick-core.ts";

export { DEFAULT_ECU_ID, StickCore, type StickOptions } from "./stick-core.ts";

export interface StickEmulatorOptions extends StickOptions {
  /** Attach to an existing stick instead of a new one (a reconnect to the same stick). */
  core?: StickCore;
}

export class StickEmulator extends Duplex {
  readonly core: StickCore;
  private readonly parser = new ZnpStreamParser();
  private readonly sink = (bytes: Uint8Array) => {
    if (!this.destroyed && !this.readableEnded) this.push(Buffer.from(bytes));
  };
  private readonly ownsCore: boolean;

  /** Emits "notice" (message: string) for frames the stick or an inverter ignored. */
  constructor(opts: StickEmulatorOptions = {}) {
    super({ allowHalfOpen: false });
    this.ownsCore = !opts.core;
    this.core = opts.core ?? new StickCore({ ...opts, log: opts.log ?? ((m) => this.emit("notice", m)) });
    this.core.attach(this.sink);
  }

  get air(): EmulatorAir {
    return this.core.air;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    try {
      for (const ev of this.parser.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length))) {
        // Noise on the host's TX line is what a real stick's UART would drop too.
        if (ev.kind === "frame") this.core.receive(ev.frame);
        else
          this.emit("notice", `stick dropped ${ev.bytes.length} byte(s) of line noise: ${ev.error.message}`);
      }
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  override _read(): void {
    // Output is pushed as the stick produces it.
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.push(null);
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.core.detach(this.sink);
    if (this.ownsCore) this.core.close();
    cb(err);
  }
}
