/**
 * The ECU id localecu's coordinator uses: 6 bytes, the byte-reversed ECU MAC (DESIGN.md §2, ids.ts).
 *
 * Inverters remember the ECU (PAN and coordinator address) they were paired with, so the id must stay
 * the same across restarts: configure it (`stick.ecu_id`, `--ecu-id`), or we derive it from a stable
 * string (the configured site name, else the hostname). Derived ids use the vendor's MAC layout so they
 * look like any ECU's: MAC 80:97:1B:h0:h1:h2 with h = the first 3 bytes of SHA-256(stable id), hence
 * ECU id h2 h1 h0 1B 97 80 and PAN = h1h2 (e.g. D8A3011B9780 ↔ MAC 80:97:1B:01:A3:D8, PAN 0xA3D8).
 * Changing the hostname changes a derived id; inverters then need pairing again — so store it.
 */
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { panFromEcuId, parseEcuId, toHex } from "../protocol/index.ts";

/** APsystems' OUI, as every ECU MAC and ECU-C sniff shows it (80:97:1B). */
export const APS_OUI = [0x80, 0x97, 0x1b] as const;

export function deriveEcuId(stableId: string): Uint8Array {
  const h = createHash("sha256").update(stableId, "utf8").digest();
  const mac = [...APS_OUI, h[0]!, h[1]!, h[2]!];
  let id = Uint8Array.from(mac).reverse();
  // PAN 0x0000 and 0xFFFF are reserved / broadcast; 0xFFFE is "unknown". Nudge away from them.
  const pan = panFromEcuId(id);
  if (pan === 0x0000 || pan >= 0xfffe) {
    id = Uint8Array.from(id);
    id[0] = 0x01;
    id[1] = 0x01;
  }
  return id;
}

export interface EcuIdSource {
  /** 12 hex digits, e.g. D8A3011B9780. Wins when given. */
  ecuId?: string | Uint8Array;
  /** Anything stable for this site; defaults to the hostname. */
  stableId?: string;
}

export function resolveEcuId(src: EcuIdSource = {}): Uint8Array {
  if (src.ecuId instanceof Uint8Array) {
    if (src.ecuId.length !== 6) throw new RangeError(`an ECU id is 6 bytes, got ${src.ecuId.length}`);
    return Uint8Array.from(src.ecuId);
  }
  if (src.ecuId !== undefined) return parseEcuId(src.ecuId);
  return deriveEcuId(src.stableId ?? hostname());
}

export function formatEcuId(id: Uint8Array): string {
  return toHex(id).toUpperCase();
}
