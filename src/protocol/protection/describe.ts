/**
 * Settings as people and scripts read them: one object per setting with its code, plain meaning, value
 * and unit, or `not_readable` and why (never a 0 that looks read). Shared by `localecu decode` and the
 * grid-profile entity in Home Assistant.
 */
import { CODE_MEANINGS } from "./meanings.ts";
import type { PageCode, ProtectionUnit, ProtectionValue } from "./types.ts";

/** Display resolution per unit: whole volts are the wire's, Hz to the 24-bit period's ~0.001. */
const DIGITS: Readonly<Record<ProtectionUnit, number>> = { V: 1, Hz: 3, s: 2, W: 1, "%/Hz": 2, code: 0 };

export function describeSetting(code: PageCode, v: ProtectionValue): Record<string, unknown> {
  const m = CODE_MEANINGS[code];
  const head = { code, meaning: m.meaning, ...(m.unknown ? { unknown_meaning: true } : {}) };
  if (v.kind === "not-readable") return { ...head, unit: m.unit, not_readable: true, why: v.why };
  return { ...head, value: Number(v.value.toFixed(DIGITS[v.unit])), unit: v.unit };
}

export function describeSettings(
  settings: Partial<Record<PageCode, ProtectionValue>>,
): Record<string, unknown>[] {
  return (Object.entries(settings) as [PageCode, ProtectionValue][]).map(([c, v]) => describeSetting(c, v));
}
