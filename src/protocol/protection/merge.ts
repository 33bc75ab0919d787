/**
 * Merging pages into one reading. OA's reader sends every page twice and merges: a lost page is filled by
 * the second pass, and a later partial read never erases what is known (grid-protection.md §1). So a
 * value replaces an older value (the newer read wins), but "not readable" never replaces a value.
 * Codes of unknown meaning go to their own map, so a grid-code check never sees them.
 */
import type { ProtectionPageReading } from "./decode.ts";
import {
  type PageCode,
  type ProtectionPage,
  type ProtectionReading,
  type ProtectionValue,
  UNKNOWN_MEANING_CODES,
} from "./types.ts";

const PAGE_ORDER: readonly ProtectionPage[] = ["A", "B", "C"];
const UNKNOWN = new Set<string>(UNKNOWN_MEANING_CODES);

export function mergeProtectionPages(
  serial: string,
  model: string,
  pages: readonly ProtectionPageReading[],
): ProtectionReading {
  const all: Partial<Record<PageCode, ProtectionValue>> = {};
  const raw: NonNullable<ProtectionReading["raw"]> = {};
  for (const p of pages) {
    raw[p.page] = p.raw;
    for (const [code, v] of Object.entries(p.settings) as [PageCode, ProtectionValue][]) {
      const had = all[code];
      if (v.kind === "value" || had === undefined || had.kind === "not-readable") all[code] = v;
    }
  }
  const settings: ProtectionReading["settings"] = {};
  const unknownMeaning: NonNullable<ProtectionReading["unknownMeaning"]> = {};
  for (const [code, v] of Object.entries(all) as [PageCode, ProtectionValue][]) {
    if (UNKNOWN.has(code)) unknownMeaning[code as keyof typeof unknownMeaning] = v;
    else settings[code as keyof typeof settings] = v;
  }
  const answered = new Set(pages.map((p) => p.page));
  const out: ProtectionReading = {
    serial,
    model,
    pages: PAGE_ORDER.filter((p) => answered.has(p)),
    settings,
    raw,
  };
  if (Object.keys(unknownMeaning).length > 0) out.unknownMeaning = unknownMeaning;
  return out;
}
