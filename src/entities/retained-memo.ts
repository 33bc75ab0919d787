/**
 * What was last published on each retained topic, to skip sending an identical payload again. Large
 * payloads (an inverter's discovery is ~20 KB, bridge/devices ~10 KB per inverter) are remembered by a
 * SHA-256 digest instead of a copy: at 500 inverters the copies held ~15 MB for a comparison.
 */
import { createHash } from "node:crypto";

/** Payloads up to this many characters are kept as they are (state messages: comparing is cheaper). */
const KEEP_UP_TO = 2048;

type Kept = string | { digest: string };

export function payloadDigest(payload: string): string {
  return createHash("sha256").update(payload).digest("base64");
}

export class RetainedMemo {
  private readonly kept = new Map<string, Kept>();

  /** True when `payload` is what was last remembered for `topic`. */
  same(topic: string, payload: string): boolean {
    const k = this.kept.get(topic);
    if (k === undefined) return false;
    if (typeof k === "string") return k === payload;
    return payload.length > KEEP_UP_TO && k.digest === payloadDigest(payload);
  }

  remember(topic: string, payload: string): void {
    this.kept.set(topic, payload.length > KEEP_UP_TO ? { digest: payloadDigest(payload) } : payload);
  }

  clear(): void {
    this.kept.clear();
  }
}
