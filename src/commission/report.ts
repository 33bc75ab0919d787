/**
 * The commissioning report as data: what `localecu commission --json` prints and what the HTML/PDF
 * shows. Pure: the site configuration and what the radio observed go in, the verdicts come out, so the
 * report of a live site and of a test are built by the same code.
 */
import type { ProtectionReading } from "../protocol/protection/types.ts";
import type { Input, SiteConfig } from "../site/config/types.ts";
import { checkProtection, type InverterProtection, type ProtectionCheck } from "./check.ts";
import { GRID_CODES, type GridCodeId } from "./grid-codes.ts";
import { checkProduction, type PanelPlace, type PanelProduction } from "./production.ts";

/** LQI seen on working inverters in the captures goes down to 0x1F (31): below 30 a link is not usable. */
export const DEFAULT_MIN_LINK_QUALITY = 30;

/** What the radio saw of one inverter during the run. */
export interface InverterObservation {
  serial: string;
  /** From pairing.json; undefined when the inverter was never paired to this ECU id. */
  expectedShort?: number;
  poll:
    | {
        kind: "answered";
        shortAddress: number;
        linkQuality: number;
        powers: { input: Input; powerW: number }[];
      }
    | { kind: "silent"; reason: string };
  /** The info (DC) query: its model answer, or why there is none. */
  info?: { modelName?: string; modelCode: number; raw: string } | { error: string };
  protection?: ProtectionReading | { error: string };
}

export type FindingKind = "radio" | "link" | "protection" | "production";

export interface CommissionFinding {
  kind: FindingKind;
  serial: string;
  message: string;
  /** False when the expected value is a standard's figure or datasheet number not confirmed from a stored source. */
  confirmed: boolean;
}

export interface ReportInverter {
  serial: string;
  label: string;
  model: string;
  expectedShort?: string;
  shortAddress?: string;
  linkQuality?: number;
  linkOk: boolean;
  answered: boolean;
  info: { model?: string; raw?: string; note: string };
  protection: InverterProtection;
  production: PanelProduction[];
  findings: CommissionFinding[];
  /** Each answered protection page as read (L2 hex), for support (reference §7). */
  rawPages?: Partial<Record<string, string>>;
}

export interface ReportCell {
  serial: string;
  label: string;
  row?: number;
  column?: number;
  x?: number;
  y?: number;
  panels: { input: Input; panel: string }[];
  pass: boolean;
}

export interface ReportArray {
  name: string;
  label: string;
  orientation?: string;
  rows?: number;
  columns?: number;
  cells: ReportCell[];
}

export interface CommissionReport {
  site: { name: string; file: string };
  installer?: string;
  date: string;
  gridCode: { id: GridCodeId; title: string; profile: string; notes: string[] };
  overrides: Record<string, number>;
  minLinkQuality: number;
  map: { arrays: ReportArray[]; unplaced: string[] };
  inverters: ReportInverter[];
  protection: ProtectionCheck;
  findings: CommissionFinding[];
  pass: boolean;
  /** What the report cannot show, said plainly. */
  limits: string[];
}

export interface ReportInput {
  config: SiteConfig;
  gridCode: GridCodeId;
  observations: InverterObservation[];
  installer?: string;
  /** ISO date-time of the run. */
  date: string;
  minLinkQuality?: number;
}

const hex4 = (n: number) => `0x${n.toString(16).toUpperCase().padStart(4, "0")}`;

export function buildReport(input: ReportInput): CommissionReport {
  const { config } = input;
  const minLq = input.minLinkQuality ?? DEFAULT_MIN_LINK_QUALITY;
  const obs = new Map(input.observations.map((o) => [o.serial, o]));
  const readings = input.observations.flatMap((o) =>
    o.protection && "settings" in o.protection ? [o.protection] : [],
  );
  const protection = checkProtection({
    gridCode: input.gridCode,
    overrides: config.site.gridOverrides,
    inverters: config.inverters.map((i) => ({ serial: i.serial, model: i.model?.model ?? "unknown" })),
    readings,
  });
  const powers = new Map<string, number>();
  for (const o of input.observations) {
    if (o.poll.kind === "answered")
      for (const p of o.poll.powers) powers.set(`${o.serial}:${p.input}`, p.powerW);
  }
  const production = checkProduction(panelPlaces(config), powers);

  const inverters = config.inverters.map((inv, idx): ReportInverter => {
    const o = obs.get(inv.serial);
    const findings: CommissionFinding[] = [];
    const add = (kind: FindingKind, message: string, confirmed = true) =>
      findings.push({ kind, serial: inv.serial, message, confirmed });
    const r: ReportInverter = {
      serial: inv.serial,
      label: inv.label,
      model: inv.model?.model ?? "unknown",
      linkOk: false,
      answered: false,
      info: { note: "not asked" },
      protection: protection.inverters[idx]!,
      production: production.filter((p) => p.serial === inv.serial),
      findings,
    };
    if (o?.expectedShort !== undefined) r.expectedShort = hex4(o.expectedShort);
    if (!o || o.expectedShort === undefined) {
      add("radio", `${inv.serial}: not paired to this ECU id — run localecu pair --config ${config.file}`);
    } else if (o.poll.kind === "silent") {
      add("radio", `${inv.serial}: no answer of its own at ${hex4(o.expectedShort)}: ${o.poll.reason}`);
    } else {
      r.answered = true;
      r.shortAddress = hex4(o.poll.shortAddress);
      r.linkQuality = o.poll.linkQuality;
      if (o.poll.shortAddress !== o.expectedShort) {
        add(
          "radio",
          `${inv.serial}: answered from ${r.shortAddress}, pairing.json has ${r.expectedShort} — pair it again`,
        );
      }
      r.linkOk = o.poll.linkQuality >= minLq;
      if (!r.linkOk) {
        add(
          "link",
          `${inv.serial}: link quality ${o.poll.linkQuality} is below ${minLq} — move the stick closer or add a repeater before handing over`,
        );
      }
    }
    if (o?.info) {
      if ("error" in o.info)
        r.info = { note: `no info answer (${o.info.error}); the info query is unverified on every model` };
      else {
        r.info = { raw: o.info.raw, note: "info (DC) reply; firmware version is not decoded from it" };
        if (o.info.modelName !== undefined) r.info.model = o.info.modelName;
      }
    }
    if (o?.protection && "settings" in o.protection && o.protection.raw) r.rawPages = { ...o.protection.raw };
    if (o?.protection && "error" in o.protection) {
      add("protection", `${inv.serial}: protection pages not read: ${o.protection.error}`);
    } else if (r.answered && !o?.protection) {
      add("protection", `${inv.serial}: protection pages not read`);
    }
    for (const d of r.protection.deviations) add("protection", d.message, d.confirmed);
    for (const p of r.production)
      if (p.status !== "pass" && p.status !== "no-reading") add("production", p.message);
    return r;
  });

  const findings = inverters.flatMap((i) => i.findings);
  const code = GRID_CODES[input.gridCode];
  const report: CommissionReport = {
    site: { name: config.site.name, file: config.file },
    date: input.date,
    gridCode: {
      id: code.id,
      title: code.title,
      profile: `${code.profile.name} (vendor type ${code.profile.vendorType})`,
      notes: code.notes,
    },
    overrides: { ...config.site.gridOverrides },
    minLinkQuality: minLq,
    map: reportMap(config, inverters),
    inverters,
    protection,
    findings,
    pass: findings.length === 0,
    limits: [
      "Protection settings are read, never written: writing them is out of scope (firmware silently ignores some writes, and a wrong write can take the site off the grid). Change them with the vendor's tools, then run commission again.",
      "Settings marked not readable are not carried reliably by the model's pages (QS1/QS1A trip times, reference §3.3): check them on the vendor's tools.",
      "Loss-of-mains (RoCoF) and power-factor settings are not on any page read here: not verifiable over ZigBee.",
    ],
  };
  if (input.installer !== undefined) report.installer = input.installer;
  return report;
}

function panelPlaces(config: SiteConfig): PanelPlace[] {
  const out: PanelPlace[] = [];
  for (const inv of config.inverters) {
    for (const [input, id] of Object.entries(inv.channels) as [Input, string][]) {
      const panel = config.panels.find((p) => p.id === id);
      const place: PanelPlace = { panel: id, serial: inv.serial, input };
      if (panel?.orientation) place.orientation = panel.orientation;
      out.push(place);
    }
  }
  return out.sort((a, b) => a.serial.localeCompare(b.serial) || a.input.localeCompare(b.input));
}

function reportMap(config: SiteConfig, inverters: ReportInverter[]): CommissionReport["map"] {
  const bySerial = new Map(inverters.map((i) => [i.serial, i]));
  const placed = new Set<string>();
  const arrays = config.map.arrays.map((a): ReportArray => {
    const out: ReportArray = { name: a.name, label: a.label, cells: [] };
    if (a.orientation)
      out.orientation = `tilt ${a.orientation.tiltDeg}°, azimuth ${a.orientation.azimuthDeg}°`;
    if (a.rows !== undefined) out.rows = a.rows;
    if (a.columns !== undefined) out.columns = a.columns;
    for (const c of a.cells) {
      placed.add(c.inverter);
      const inv = config.inverters.find((i) => i.serial === c.inverter)!;
      const inputs = c.inputs.length > 0 ? c.inputs : (Object.keys(inv.channels) as Input[]).sort();
      const cell: ReportCell = {
        serial: c.inverter,
        label: inv.label,
        panels: inputs.flatMap((input) =>
          inv.channels[input] ? [{ input, panel: inv.channels[input]! }] : [],
        ),
        pass: (bySerial.get(c.inverter)?.findings.length ?? 1) === 0,
      };
      for (const k of ["row", "column", "x", "y"] as const) if (c[k] !== undefined) cell[k] = c[k];
      out.cells.push(cell);
    }
    return out;
  });
  return { arrays, unplaced: config.inverters.map((i) => i.serial).filter((s) => !placed.has(s)) };
}
