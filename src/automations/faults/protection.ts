/**
 * Grid-protection settings: one inverter left on another grid profile than the site's (or than its
 * siblings') is the most common commissioning mistake, and it runs on — tripping at the wrong voltage or
 * frequency — without any other sign. The commissioning check (src/commission/check.ts, pure) decides;
 * this family turns its deviations into one finding per inverter. It rests on the pages the controller
 * reads once after start or pairing (again an hour after a failed read), so it is judged when those
 * reads are in, not per poll.
 */
import { checkProtection, checkSiblings, type Deviation, formatValue } from "../../commission/check.ts";
import { GRID_CODES } from "../../commission/grid-codes.ts";
import { protectionPagesOf } from "../../protocol/protection/requests.ts";
import type { Verdict } from "./book.ts";
import type { RoundContext } from "./context.ts";
import type { InverterMemory } from "./memory.ts";
import { place, shortName } from "./words.ts";

/**
 * The sibling comparison needs the others' pages: judge once every inverter that has pages was read, or
 * this long after the first read (one that never answers must not hold the rest back). Two hours covers
 * the read after start and the retry an hour after a failed one.
 */
export const PROTECTION_SETTLE_MS = 2 * 3_600_000;

export function gridSettings(ctx: RoundContext): Verdict[] {
  const read = ctx.inverters.filter((m) => m.protection !== undefined);
  if (read.length === 0) return [];
  const withPages = ctx.inverters.filter(
    (m) => m.spec.model !== undefined && protectionPagesOf(m.spec.model.family).length > 0,
  );
  const firstAtMs = Math.min(...read.map((m) => m.protectionAtMs ?? ctx.atMs));
  const settled = withPages.every((m) => m.protection) || ctx.atMs - firstAtMs >= PROTECTION_SETTLE_MS;
  if (!settled) return [];

  const inverters = ctx.inverters.map((m) => ({
    serial: m.spec.serial,
    model: m.protection?.model ?? m.spec.model?.model ?? "unknown",
  }));
  const readings = read.map((m) => m.protection!);
  const code = ctx.grid?.code;
  const deviations = code
    ? codeDeviations(code, ctx.grid?.overrides, inverters, readings)
    : checkSiblings(inverters, readings);

  return read.map((m): Verdict => {
    const key = `grid_settings:${m.spec.serial}`;
    const mine = deviations.filter((d) => d.serial === m.spec.serial);
    if (mine.length === 0) return { key, ok: true };
    return { key, openAfter: 1, bad: draft(key, m, mine, code) };
  });
}

/**
 * The full check against the code. A setting that meets the code's (or operator's) value is right
 * whatever its siblings read: the sibling deviation is dropped there, so the inverter that holds the
 * site's profile is not told it was set to another one (the sibling that differs has its own finding).
 */
function codeDeviations(
  gridCode: NonNullable<NonNullable<RoundContext["grid"]>["code"]>,
  overrides: NonNullable<RoundContext["grid"]>["overrides"],
  inverters: { serial: string; model: string }[],
  readings: NonNullable<InverterMemory["protection"]>[],
): Deviation[] {
  const check = checkProtection({ gridCode, ...(overrides ? { overrides } : {}), inverters, readings });
  return check.inverters.flatMap((inv) =>
    inv.settings.flatMap((s) => {
      const onlySiblings = s.deviations.every((d) => d.source.kind === "siblings");
      return s.expected && onlySiblings ? [] : s.deviations;
    }),
  );
}

function draft(key: string, m: InverterMemory, devs: Deviation[], code: string | undefined) {
  // One clause per setting (the code's profile and the siblings usually expect the same value): a phone
  // notification, not the commissioning report, which keeps every comparison with its tolerance.
  const bySetting = new Map<string, Deviation[]>();
  for (const d of devs) bySetting.set(d.code, [...(bySetting.get(d.code) ?? []), d]);
  const clauses = [...bySetting.values()].map(settingClause);
  const against = code ? `the site's grid code ${code}` : "the other inverters of the site";
  const n = clauses.length === 1 ? "1 setting" : `${clauses.length} settings`;
  return {
    key,
    kind: "grid_settings" as const,
    serial: m.spec.serial,
    cause: "installation" as const,
    severity: "warning" as const,
    title: `Grid settings differ: ${shortName(m.spec)}`,
    advice:
      `${place(m.spec)}: its grid-protection settings differ from ${against} in ${n}: ${clauses.join("; ")}. ` +
      "The inverter was set to another grid profile; have the installer set the site's profile (EMA " +
      "installer app) — localecu only reads these settings. They are read once after start (re-read an " +
      "hour after a failed read): restart localecu after a change to check again.",
    // It rests on values read from the inverter, not on a status bit; an expected value nobody confirmed
    // against the standard says "unconfirmed" beside it instead.
    verified: true,
  };
}

const COMPARE: Record<Deviation["expected"]["compare"], string> = {
  equal: "",
  "at-most": "at most ",
  "at-least": "at least ",
  within: "within ",
};

/** "AC (under-voltage …) reads 184 V, expected 196 V (EN50549-1 profile; 3 of 4 QS1 inverters)". */
function settingClause(devs: Deviation[]): string {
  const first = devs[0]!;
  const expected = new Map<string, string[]>();
  for (const d of devs) {
    const value = `${COMPARE[d.expected.compare]}${formatValue(d.expected.value, d.expected.unit)}`;
    expected.set(value, [...(expected.get(value) ?? []), sourceWords(d)]);
  }
  const wanted = [...expected].map(([value, by]) => `${value} (${by.join("; ")})`).join(", ");
  return `${first.setting} reads ${formatValue(first.read.value, first.read.unit)}, expected ${wanted}`;
}

function sourceWords(d: Deviation): string {
  const unconfirmed = d.confirmed ? "" : ", unconfirmed";
  const s = d.source;
  switch (s.kind) {
    case "code":
      return `APsystems' ${GRID_CODES[s.gridCode].profile.name} profile${unconfirmed}`;
    case "override":
      return `network operator, site.grid_overrides.${d.code}`;
    case "standard":
      return `standard ${s.detail}${unconfirmed}`;
    case "envelope":
      return `${s.detail}${unconfirmed}`;
    case "siblings": {
      // "siblings: 3 of 4 QS1 inverters read 196 V (serials…)": the count says enough in a message.
      const words = s.detail.replace(/^siblings: /, "");
      return /^\d+ of \d+ \S+ inverters/.exec(words)?.[0] ?? words;
    }
  }
}
