/**
 * A messy UART between the stick and the host: wraps a stick stream (usually `StickEmulator`) and
 * corrupts what it sends, on demand or with seeded per-frame probabilities.
 *
 * - garbage: random bytes before a frame. They never contain FE, so they cannot open a false frame
 *   that swallows the real one (the codec's parser fuzz covers that case);
 * - stray F8: the lone F8 real sticks put before frames (frames.json: `F8 FE 01 64 01 00 64`);
 * - split: a frame delivered in 2–4 separate chunks;
 * - drop: a whole frame lost (by default only AF_INCOMING_MSG — "the reply never came");
 * - disconnect: the line goes away (stream destroyed, or ended cleanly).
 *
 * Host → stick bytes pass through untouched.
 */
import { Duplex } from "node:stream";
import { CMD } from "../protocol/znp/commands.ts";
import type { ZnpFrame } from "../protocol/znp/frame.ts";
import { ZnpStreamParser } from "../protocol/znp/parser.ts";
import { deriveSeed, Rng } from "./random.ts";

export type FrameFilter = (frame: ZnpFrame) => boolean;

export const isReply: FrameFilter = (f) =>
  f.cmd0 === CMD.AF_INCOMING_MSG[0] && f.cmd1 === CMD.AF_INCOMING_MSG[1];

type OnDemand = "garbage" | "strayF8" | "split" | "drop";

export interface LineFaultOptions {
  seed?: number;
  /** Per-frame probabilities, 0..1 (default 0). */
  garbage?: number;
  strayF8?: number;
  split?: number;
  drop?: number;
  disconnect?: number;
  /** Which frames `drop` may hit; default AF_INCOMING_MSG only. */
  dropWhich?: FrameFilter;
}

export interface LineFaultStats {
  frames: number;
  garbageBytes: number;
  strayF8: number;
  split: number;
  dropped: number;
  disconnects: number;
}

export class LineFaults extends Duplex {
  readonly stats: LineFaultStats = {
    frames: 0,
    garbageBytes: 0,
    strayF8: 0,
    split: 0,
    dropped: 0,
    disconnects: 0,
  };
  private readonly parser = new ZnpStreamParser();
  private readonly rng: Rng;
  private readonly p: Required<Omit<LineFaultOptions, "seed" | "dropWhich">>;
  private readonly dropWhich: FrameFilter;
  private readonly next: Record<OnDemand, number> = { garbage: 0, strayF8: 0, split: 0, drop: 0 };
  private nextDropWhich: FrameFilter | undefined;

  constructor(
    readonly inner: Duplex,
    opts: LineFaultOptions = {},
  ) {
    super({ allowHalfOpen: false });
    this.p = {
      garbage: prob(opts.garbage, "garbage"),
      strayF8: prob(opts.strayF8, "strayF8"),
      split: prob(opts.split, "split"),
      drop: prob(opts.drop, "drop"),
      disconnect: prob(opts.disconnect, "disconnect"),
    };
    this.dropWhich = opts.dropWhich ?? isReply;
    this.rng = new Rng(deriveSeed(opts.seed ?? 1, "line-faults"));
    inner.on("data", (chunk: Buffer) => this.fromStick(new Uint8Array(chunk)));
    inner.on("end", () => this.push(null));
    inner.on("error", (e: Error) => this.destroy(e));
    inner.on("close", () => {
      if (!this.destroyed) this.destroy();
    });
  }

  /** Puts `bytes` (default 1–8 random non-FE bytes) on the line now. */
  garbage(bytes?: Uint8Array): void {
    this.emitBytes(bytes ?? this.noise());
  }

  /** The next `n` frames get garbage / a stray F8 / are split / (matching `which`) are dropped. */
  garbageBeforeNext(n = 1): void {
    this.next.garbage += n;
  }

  strayF8BeforeNext(n = 1): void {
    this.next.strayF8 += n;
  }

  splitNext(n = 1): void {
    this.next.split += n;
  }

  dropNext(n = 1, which?: FrameFilter): void {
    this.next.drop += n;
    this.nextDropWhich = which;
  }

  /** The line goes away: "destroy" like a pulled cable, "end" like the far side closing cleanly. */
  disconnect(how: "destroy" | "end" = "destroy"): void {
    this.stats.disconnects++;
    if (how === "end") {
      this.push(null);
      this.inner.end();
    } else {
      this.destroy();
    }
  }

  override _write(chunk: Buffer, enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.inner.write(chunk, enc, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.inner.end();
    cb();
  }

  override _read(): void {
    // Pushed as the stick produces bytes.
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.inner.destroyed) this.inner.destroy();
    cb(err);
  }

  private fromStick(bytes: Uint8Array): void {
    for (const ev of this.parser.push(bytes)) {
      if (this.destroyed || this.readableEnded) return;
      if (ev.kind === "garbage") this.emitBytes(ev.bytes);
      else this.frame(ev.frame, ev.raw);
    }
  }

  private frame(frame: ZnpFrame, raw: Uint8Array): void {
    this.stats.frames++;
    if (this.roll("drop", this.p.drop, (this.nextDropWhich ?? this.dropWhich)(frame))) {
      this.stats.dropped++;
      return;
    }
    if (this.p.disconnect > 0 && this.rng.next() < this.p.disconnect) {
      this.disconnect();
      return;
    }
    if (this.roll("garbage", this.p.garbage)) this.emitBytes(this.noise());
    if (this.roll("strayF8", this.p.strayF8)) {
      this.stats.strayF8++;
      this.push(Buffer.of(0xf8));
    }
    if (raw.length > 1 && this.roll("split", this.p.split)) {
      this.stats.split++;
      for (const part of this.chunks(raw)) this.push(Buffer.from(part));
      return;
    }
    this.push(Buffer.from(raw));
  }

  /** On-demand counters first, then the seeded probability. */
  private roll(kind: OnDemand, p: number, eligible = true): boolean {
    if (!eligible) return false;
    if (this.next[kind] > 0) {
      this.next[kind]--;
      if (kind === "drop" && this.next.drop === 0) this.nextDropWhich = undefined;
      return true;
    }
    return p > 0 && this.rng.next() < p;
  }

  private emitBytes(bytes: Uint8Array): void {
    this.stats.garbageBytes += bytes.length;
    this.push(Buffer.from(bytes));
  }

  private noise(): Uint8Array {
    const n = 1 + Math.floor(this.rng.next() * 8);
    return Uint8Array.from({ length: n }, () => {
      const b = Math.floor(this.rng.next() * 255);
      return b >= 0xfe ? b + 1 : b; // 0..254 mapped around FE
    });
  }

  private chunks(raw: Uint8Array): Uint8Array[] {
    const parts = 2 + Math.floor(this.rng.next() * 3);
    const cuts = new Set<number>();
    while (cuts.size < Math.min(parts - 1, raw.length - 1))
      cuts.add(1 + Math.floor(this.rng.next() * (raw.length - 1)));
    const at = [0, ...[...cuts].sort((a, b) => a - b), raw.length];
    return at.slice(1).map((end, i) => raw.subarray(at[i]!, end));
  }
}

function prob(p: number | undefined, name: string): number {
  const v = p ?? 0;
  if (!(v >= 0 && v <= 1)) throw new RangeError(`line fault '${name}' must be a probability 0..1, got ${p}`);
  return v;
}
