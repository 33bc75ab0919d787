/**
 * A protection page described as data: where each code sits in the L2 frame and how its raw bytes become
 * a value. Byte positions are frame indices (0 = the first FB), as in grid-protection.md §3, so the
 * tables read like the reference. 16- and 24-bit fields are big-endian and unsigned (OA reads 16-bit
 * ones as signed; every field we decode is a positive setting, and a sign bit would fail the 0–2000
 * plausibility guard either way).
 */
import { CODE_MEANINGS } from "./meanings.ts";
import { PLAUSIBLE_MAX } from "./scales.ts";
import type { PageCode, ProtectionPage, ProtectionValue } from "./types.ts";

export interface PageField {
  /** Frame index of the field's first byte. */
  at: number;
  width: 1 | 2 | 3;
  code: PageCode;
  /** Raw → value, or a reason the value cannot be used. `frame` is there for flag-dependent fields (QS1 CV). */
  decode: (raw: number, frame: Uint8Array) => ProtectionValue;
}

export interface PageLayout {
  page: ProtectionPage;
  /** Reply command byte (index 3). */
  cmd: number;
  /** DS3 only: the page tag at index 4 (DD = A, DE = B). */
  tag?: number;
  /** Frame length the layout describes; shorter frames are cut, longer ones carry the QS1 extra bytes. */
  length: number;
  /** The 16-bit sum is valid on this model's pages (DS3), so it is enforced. */
  checksum: boolean;
  fields: readonly PageField[];
}

/** A value in the code's own unit, or not readable when implausible (cross-talk, corrupt page). */
export function value(code: PageCode, v: number): ProtectionValue {
  if (Number.isNaN(v)) return { kind: "not-readable", why: "the field holds 0, which encodes no frequency" };
  if (!Number.isFinite(v) || v < 0 || v > PLAUSIBLE_MAX) {
    return {
      kind: "not-readable",
      why: `implausible value ${v} (outside 0–${PLAUSIBLE_MAX}): corrupt page?`,
    };
  }
  return { kind: "value", value: v, unit: CODE_MEANINGS[code].unit };
}

export function notReadable(why: string): ProtectionValue {
  return { kind: "not-readable", why };
}

/** Field builder: `field(5, 2, "AI", (raw) => …)` reads like a row of the reference's tables. */
export function field(at: number, width: 1 | 2 | 3, code: PageCode, f: (raw: number) => number): PageField {
  return { at, width, code, decode: (raw) => value(code, f(raw)) };
}

/** Field whose bytes are known not to hold the setting on this model; the layout's decode is kept in the reason. */
export function untrusted(f: PageField, why: string): PageField {
  return {
    ...f,
    decode: (raw, frame) => {
      const v = f.decode(raw, frame);
      const would = v.kind === "value" ? `; the layout would read ${round(v.value)} ${v.unit}` : "";
      return notReadable(`${why}${would}`);
    },
  };
}

/** Hz from a 24-bit period; raw 0 holds no period. */
export function periodHz(numerator: number): (raw: number) => number {
  return (raw) => (raw === 0 ? Number.NaN : numerator / raw);
}

function round(v: number): number {
  return Number(v.toFixed(3));
}
