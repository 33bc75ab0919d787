/**
 * The commissioning check of the protection settings: pure, readings and configuration in, findings
 * out, no radio and no clock, so the CLI, the report and the tests run the same logic.
 *
 * Each setting of each inverter is compared with
 * 1. the expected value: the operator's override, else the grid code's APsystems profile [V];
 * 2. the standard's figure where the reference calls the pairing unambiguous ([S] = unconfirmed), for a
 *    value that is not APsystems' own (an override, or a setting moved away from the profile);
 * 3. the datasheet envelope of the model (QS1/QS1A: 160–278 V, 45.1–54.9 Hz);
 * 4. the siblings: inverters of the same family on the site. One inverter left on another profile is
 *    the most common mistake, and it shows even for a setting the code has no value for.
 * A setting that could not be read is "not-readable", never compared as 0.
 */
import { modelByName } from "../protocol/models.ts";
import { CODE_MEANINGS } from "../protocol/protection/meanings.ts";
import {
  PROTECTION_CODES,
  type ProtectionCode,
  type ProtectionReading,
  type ProtectionUnit,
  type ProtectionValue,
} from "../protocol/protection/types.ts";
import {
  type Compare,
  ENVELOPE_CODES,
  envelopeFor,
  GRID_CODES,
  type GridCodeId,
  isConfirmed,
  type Mark,
} from "./grid-codes.ts";
import { describeTolerance, type Tolerance, toleranceFor, within } from "./tolerance.ts";

export type SettingStatus = "pass" | "deviation" | "not-readable" | "not-in-code";

/** Where an expected value came from. */
export type ExpectedSource =
  | { kind: "code"; gridCode: GridCodeId; detail: string; mark: Mark }
  | { kind: "override"; gridCode: GridCodeId; detail: string }
  | { kind: "standard"; gridCode: GridCodeId; detail: string; mark: Mark }
  | { kind: "envelope"; detail: string; mark: Mark }
  | { kind: "siblings"; detail: string; serials: string[] };

export interface Deviation {
  serial: string;
  code: ProtectionCode;
  /** "AC (under-voltage stage 1 (U<))". */
  setting: string;
  read: { value: number; unit: ProtectionUnit };
  expected: { value: number | readonly [number, number]; unit: ProtectionUnit; compare: Compare | "within" };
  source: ExpectedSource;
  confirmed: boolean;
  tolerance: string;
  /** One line for a person: setting, both values with units, the source. */
  message: string;
}

export interface SettingResult {
  code: ProtectionCode;
  meaning: string;
  unit: ProtectionUnit;
  status: SettingStatus;
  read?: ProtectionValue;
  /** The value the setting is held to (override or profile), when there is one. */
  expected?: { value: number; source: ExpectedSource; confirmed: boolean };
  deviations: Deviation[];
  /** The standard's own figure for this setting, shown beside the profile's with its mark ([S] unconfirmed). */
  standard?: { value: number; compare: Compare; mark: Mark; source: string; confirmed: boolean };
  /** Why it was not readable. */
  why?: string;
}

export interface InverterProtection {
  serial: string;
  model: string;
  /** Pages that answered; empty when the inverter gave none. */
  pages: string[];
  settings: SettingResult[];
  deviations: Deviation[];
}

export interface ProtectionCheck {
  gridCode: GridCodeId;
  inverters: InverterProtection[];
  deviations: Deviation[];
  /** True when no setting deviates. */
  pass: boolean;
}

export interface CheckInput {
  gridCode: GridCodeId;
  /** What the network operator asked for, replacing the profile's value. */
  overrides?: Partial<Record<ProtectionCode, number>>;
  /** Every configured inverter with its model, so one that did not answer still appears. */
  inverters: { serial: string; model: string }[];
  readings: ProtectionReading[];
}

/** The output limit is a runtime control (the export limiter moves it), not a protection setting. */
const NOT_SIBLING_COMPARED: ReadonlySet<ProtectionCode> = new Set(["DA"]);

/** "AC (under-voltage stage 1 (U<), trips after BD)": the code the vendor tools show, then what it does. */
export function describeSetting(code: ProtectionCode): string {
  return `${code} (${CODE_MEANINGS[code].meaning})`;
}

export function checkProtection(input: CheckInput): ProtectionCheck {
  const code = GRID_CODES[input.gridCode];
  const overrides = input.overrides ?? {};
  const bySerial = new Map(input.readings.map((r) => [r.serial, r]));
  const siblings = siblingFindings(input.inverters, bySerial);
  const inverters = input.inverters.map((inv): InverterProtection => {
    const reading = bySerial.get(inv.serial);
    const model = reading?.model ?? inv.model;
    const wanted = new Set<ProtectionCode>([
      ...(Object.keys(code.settings) as ProtectionCode[]),
      ...(Object.keys(overrides) as ProtectionCode[]),
      ...(Object.keys(reading?.settings ?? {}) as ProtectionCode[]),
    ]);
    const settings: SettingResult[] = [];
    for (const c of PROTECTION_CODES) {
      if (!wanted.has(c)) continue;
      const unit = CODE_MEANINGS[c].unit;
      const base: SettingResult = {
        code: c,
        meaning: CODE_MEANINGS[c].meaning,
        unit,
        status: "pass",
        deviations: [],
      };
      const override = overrides[c];
      const profile = code.settings[c];
      if (override !== undefined) {
        const detail = `operator override in site.yaml (site.grid_overrides.${c})`;
        base.expected = {
          value: override,
          source: { kind: "override", gridCode: code.id, detail },
          confirmed: true,
        };
      } else if (profile) {
        const detail = `${code.profile.name} profile (vendor type ${code.profile.vendorType}), ${code.profile.source}`;
        const source: ExpectedSource = { kind: "code", gridCode: code.id, detail, mark: "V" };
        base.expected = { value: profile.value, source, confirmed: isConfirmed("V") };
      }
      const figure = code.standard[c];
      if (figure) base.standard = { ...figure, confirmed: isConfirmed(figure.mark) };
      const read = reading?.settings[c];
      if (!read || read.kind === "not-readable") {
        base.status = "not-readable";
        base.why =
          read?.why ??
          (reading ? "no answered page carries it on this model" : "no protection page answered");
        if (read) base.read = read;
        settings.push(base);
        continue;
      }
      base.read = read;
      const tol = toleranceFor(model, unit);
      const found: Deviation[] = [];
      const dev = (expected: Deviation["expected"], source: ExpectedSource, confirmed: boolean) =>
        found.push(deviation(inv.serial, c, read.value, unit, expected, source, confirmed, tol));
      if (base.expected && !within(read.value, base.expected.value, tol)) {
        dev(
          { value: base.expected.value, unit, compare: "equal" },
          base.expected.source,
          base.expected.confirmed,
        );
      }
      const std = code.standard[c];
      // A reading that holds APsystems' own value is not judged against the standard again: where the
      // profile itself departs from the standard (G98 AY 263 V for 262.2 V) that is a vendor choice the
      // grid code's notes report, not a finding on this inverter.
      const holdsProfile = profile !== undefined && within(read.value, profile.value, tol);
      if (std && !holdsProfile && !meets(read.value, std.value, std.compare, tol)) {
        const source: ExpectedSource = {
          kind: "standard",
          gridCode: code.id,
          detail: std.source,
          mark: std.mark,
        };
        dev({ value: std.value, unit, compare: std.compare }, source, isConfirmed(std.mark));
      }
      const env = envelopeFor(model);
      if (env && ENVELOPE_CODES.includes(c)) {
        const range = unit === "V" ? env.voltageV : env.frequencyHz;
        if (read.value < range[0] - 1e-9 || read.value > range[1] + 1e-9) {
          const source: ExpectedSource = { kind: "envelope", detail: env.source, mark: env.mark };
          dev({ value: range, unit, compare: "within" }, source, isConfirmed(env.mark));
        }
      }
      const sib = siblings.get(`${inv.serial}/${c}`);
      if (sib) found.push(sib);
      base.deviations = found;
      base.status = found.length > 0 ? "deviation" : base.expected || std ? "pass" : "not-in-code";
      settings.push(base);
    }
    const deviations = settings.flatMap((s) => s.deviations);
    return { serial: inv.serial, model, pages: reading?.pages ?? [], settings, deviations };
  });
  const deviations = inverters.flatMap((i) => i.deviations);
  return { gridCode: code.id, inverters, deviations, pass: deviations.length === 0 };
}

/**
 * The sibling comparison alone, for a site without a grid code: one inverter left on another profile
 * shows against the others without knowing which profile is right.
 */
export function checkSiblings(
  inverters: { serial: string; model: string }[],
  readings: ProtectionReading[],
): Deviation[] {
  const found = siblingFindings(inverters, new Map(readings.map((r) => [r.serial, r])));
  return inverters.flatMap((inv) =>
    PROTECTION_CODES.flatMap((c) => {
      const d = found.get(`${inv.serial}/${c}`);
      return d ? [d] : [];
    }),
  );
}

function meets(read: number, value: number, compare: Compare, tol: Tolerance): boolean {
  if (compare === "equal") return within(read, value, tol);
  if (compare === "at-most") return read <= value + tol.above + 1e-9;
  return read >= value - tol.below - 1e-9;
}

const COMPARE_WORDS: Record<Compare | "within", string> = {
  equal: "expected",
  "at-most": "expected at most",
  "at-least": "expected at least",
  within: "expected within",
};

function formatNumber(n: number): string {
  return String(Number(n.toFixed(4)));
}

export function formatValue(value: number | readonly [number, number], unit: ProtectionUnit): string {
  const u = unit === "code" ? "" : ` ${unit}`;
  if (typeof value === "number") return `${formatNumber(value)}${u}`;
  return `${formatNumber(value[0])}–${formatNumber(value[1])}${u}`;
}

function sourceText(s: ExpectedSource, confirmed: boolean): string {
  const tag = confirmed ? "" : ", unconfirmed";
  switch (s.kind) {
    case "code":
      return `grid code ${s.gridCode}: ${s.detail} [${s.mark}${tag}]`;
    case "override":
      return s.detail;
    case "standard":
      return `grid code ${s.gridCode}, standard: ${s.detail} [${s.mark}${tag}]`;
    case "envelope":
      return `datasheet envelope: ${s.detail} [${s.mark}${tag}]`;
    case "siblings":
      return s.detail;
  }
}

function deviation(
  serial: string,
  code: ProtectionCode,
  read: number,
  unit: ProtectionUnit,
  expected: Deviation["expected"],
  source: ExpectedSource,
  confirmed: boolean,
  tol: Tolerance,
): Deviation {
  const setting = describeSetting(code);
  const tolerance = describeTolerance(tol, unit);
  const message =
    `${serial}: ${setting} reads ${formatValue(read, unit)}, ${COMPARE_WORDS[expected.compare]} ` +
    `${formatValue(expected.value, expected.unit)} (tolerance ${tolerance}) — ${sourceText(source, confirmed)}`;
  return {
    serial,
    code,
    setting,
    read: { value: read, unit },
    expected,
    source,
    confirmed,
    tolerance,
    message,
  };
}

/**
 * Per family, per setting: cluster the read values (two values agree when within both models'
 * tolerance); an inverter outside the largest cluster is named. When no cluster is the largest alone
 * (two inverters that disagree, a split site) every inverter is named with "no majority": nothing
 * says which side is right.
 */
function siblingFindings(
  inverters: { serial: string; model: string }[],
  readings: Map<string, ProtectionReading>,
): Map<string, Deviation> {
  const out = new Map<string, Deviation>();
  const families = new Map<string, { serial: string; model: string }[]>();
  for (const inv of inverters) {
    const model = readings.get(inv.serial)?.model ?? inv.model;
    const family = modelByName(model)?.family ?? model;
    families.set(family, [...(families.get(family) ?? []), { serial: inv.serial, model }]);
  }
  for (const members of families.values()) {
    for (const code of PROTECTION_CODES) {
      // Codes nobody knows the meaning of are shown, never judged (reference §7).
      if (NOT_SIBLING_COMPARED.has(code) || CODE_MEANINGS[code].unknown) continue;
      const unit = CODE_MEANINGS[code].unit;
      const values: { serial: string; model: string; value: number }[] = [];
      for (const m of members) {
        const v = readings.get(m.serial)?.settings[code];
        if (v?.kind === "value") values.push({ ...m, value: v.value });
      }
      if (values.length < 2) continue;
      const clusters: (typeof values)[] = [];
      for (const v of values) {
        const home = clusters.find((cl) => agree(cl[0]!, v, unit));
        if (home) home.push(v);
        else clusters.push([v]);
      }
      if (clusters.length < 2) continue;
      const sizes = clusters.map((c) => c.length).sort((a, b) => b - a);
      const majority = sizes[0]! > sizes[1]! ? clusters.find((c) => c.length === sizes[0]) : undefined;
      for (const cl of clusters) {
        if (cl === majority) continue;
        for (const v of cl) {
          const others = values.filter((o) => !cl.includes(o));
          const tol = toleranceFor(v.model, unit);
          if (majority) {
            const rep = majority[0]!;
            const serials = majority.map((m) => m.serial);
            const detail = `siblings: ${serials.length} of ${values.length} ${familyWord(v.model)} inverters read ${formatValue(rep.value, unit)} (${serials.join(", ")})`;
            const source: ExpectedSource = { kind: "siblings", detail, serials };
            const expected = { value: rep.value, unit, compare: "equal" as const };
            out.set(
              `${v.serial}/${code}`,
              deviation(v.serial, code, v.value, unit, expected, source, true, tol),
            );
          } else {
            const serials = others.map((o) => o.serial);
            const list = others.map((o) => `${o.serial} ${formatValue(o.value, unit)}`).join(", ");
            const detail = `siblings: no majority among ${values.length} ${familyWord(v.model)} inverters (${list})`;
            const source: ExpectedSource = { kind: "siblings", detail, serials };
            const expected = { value: others[0]!.value, unit, compare: "equal" as const };
            out.set(
              `${v.serial}/${code}`,
              deviation(v.serial, code, v.value, unit, expected, source, true, tol),
            );
          }
        }
      }
    }
  }
  return out;
}

function agree(
  a: { model: string; value: number },
  b: { model: string; value: number },
  unit: ProtectionUnit,
) {
  const ta = toleranceFor(a.model, unit);
  const tb = toleranceFor(b.model, unit);
  const slack = Math.max(ta.below, ta.above, tb.below, tb.above);
  return Math.abs(a.value - b.value) <= slack + 1e-9;
}

function familyWord(model: string): string {
  const family = modelByName(model)?.family;
  return family ? family.toUpperCase() : model;
}
