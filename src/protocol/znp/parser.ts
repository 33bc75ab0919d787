/**
 * Streaming ZNP parser: accepts bytes in arbitrary chunks and emits whole frames.
 *
 * Real sticks put stray bytes on the line (a lone F8 before a frame is common on the APS firmware, e.g.
 * `F8 FE 01 64 01 00 64` in frames.json). We resynchronise by scanning for FE, and on a bad FCS we drop
 * only that FE and rescan from the next byte, because a real frame may start inside the broken one.
 * The buffer never holds more than one maximal frame (MAX_ZNP_DATA + 5 bytes).
 */
import { FrameError } from "../errors.ts";
import { fcs, hex2, MAX_ZNP_DATA, SOF, type ZnpFrame } from "./frame.ts";

export type ZnpStreamEvent =
  | { kind: "frame"; frame: ZnpFrame; raw: Uint8Array }
  | { kind: "garbage"; bytes: Uint8Array; error: FrameError };

export interface ZnpParserStats {
  frames: number;
  garbageBytes: number;
  badFcs: number;
}

export class ZnpStreamParser {
  private buf = new Uint8Array(0);
  /** Stream position of buf[0], so errors can say where in the input they are. */
  private base = 0;
  readonly stats: ZnpParserStats = { frames: 0, garbageBytes: 0, badFcs: 0 };

  /** Feeds bytes; returns everything that became complete. Never throws on content. */
  push(chunk: Uint8Array): ZnpStreamEvent[] {
    const out: ZnpStreamEvent[] = [];
    const b = this.buf.length === 0 ? chunk : concat2(this.buf, chunk);
    let i = 0;
    for (;;) {
      // Skip to the next start-of-frame.
      let j = i;
      while (j < b.length && b[j] !== SOF) j++;
      if (j > i) out.push(this.garbage(b.slice(i, j), "sof", `${j - i} byte(s) before FE`, i));
      i = j;
      if (b.length - i < 2) break;
      const n = b[i + 1]!;
      if (n > MAX_ZNP_DATA) {
        out.push(this.garbage(b.slice(i, i + 1), "length", `length byte ${n} > ${MAX_ZNP_DATA}`, i));
        i++;
        continue;
      }
      if (b.length - i < n + 5) break; // wait for the rest
      const end = i + n + 4;
      if (b[end] !== fcs(b, i + 1, end)) {
        this.stats.badFcs++;
        out.push(
          this.garbage(
            b.slice(i, i + 1),
            "fcs",
            `frame FE ${hex2(n)} ${hex2(b[i + 2]!)} ${hex2(b[i + 3]!)} … has a bad FCS`,
            i,
          ),
        );
        i++;
        continue;
      }
      const raw = b.slice(i, end + 1);
      this.stats.frames++;
      out.push({ kind: "frame", frame: { cmd0: raw[2]!, cmd1: raw[3]!, data: raw.slice(4, n + 4) }, raw });
      i = end + 1;
    }
    this.buf = b.slice(i);
    this.base += i;
    return out;
  }

  /** Bytes held waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }

  /**
   * End of input (a pasted dump): a partial frame left over can only be a stray FE whose length byte
   * promised more than came, so drop that FE and parse what follows it.
   */
  flush(): ZnpStreamEvent[] {
    const out: ZnpStreamEvent[] = [];
    while (this.buf.length > 0) {
      const rest = this.buf.slice(1);
      const head = this.buf.slice(0, 1);
      const n = this.buf[1];
      this.buf = new Uint8Array(0);
      const what = n === undefined ? "a lone FE" : `frame FE ${hex2(n)} (${n + 5} bytes)`;
      out.push(this.garbage(head, "length", `${what} is cut short: the input ended before its FCS`, 0));
      this.base += 1;
      out.push(...this.push(rest));
    }
    return out;
  }

  /** Drops a partial frame (e.g. after a transport reconnect). */
  reset(): void {
    this.base += this.buf.length;
    this.buf = new Uint8Array(0);
  }

  private garbage(
    bytes: Uint8Array,
    code: "sof" | "length" | "fcs",
    detail: string,
    at: number,
  ): ZnpStreamEvent {
    this.stats.garbageBytes += bytes.length;
    return { kind: "garbage", bytes, error: new FrameError(code, detail, this.base + at) };
  }
}

function concat2(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Splits a complete dump (as pasted by an installer) into frames and garbage. */
export function parseZnpDump(bytes: Uint8Array): { frames: ZnpFrame[]; garbage: ZnpStreamEvent[] } {
  const p = new ZnpStreamParser();
  const events = [...p.push(bytes), ...p.flush()];
  return {
    frames: events.flatMap((e) => (e.kind === "frame" ? [e.frame] : [])),
    garbage: events.filter((e) => e.kind === "garbage"),
  };
}
