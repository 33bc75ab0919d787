/**
 * The commissioning report as one self-contained HTML page (no scripts, no external files), laid out
 * for A4 so Chromium prints it to PDF as the installer sees it. The roof map follows the registration
 * card: grid arrays by row and column counted from the top left, free arrays by x/y in metres.
 */
import { formatValue, type SettingResult } from "./check.ts";
import type { CommissionReport, ReportArray, ReportInverter } from "./report.ts";

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

const STYLE = `
@page { size: A4; margin: 14mm 12mm; }
body { font: 10pt/1.35 system-ui, "DejaVu Sans", sans-serif; color: #111; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 14pt 0 4pt; border-bottom: 1px solid #999; }
h3 { font-size: 10.5pt; margin: 10pt 0 4pt; }
table { border-collapse: collapse; width: 100%; margin: 2pt 0 6pt; }
th, td { text-align: left; padding: 1.5pt 4pt; border-bottom: 0.5pt solid #bbb; vertical-align: top; }
th { background: #eee; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { font-size: 13pt; font-weight: 700; padding: 3pt 8pt; display: inline-block; border: 1.5pt solid; }
.pass { color: #1b5e20; } .fail { color: #b71c1c; } .muted { color: #666; }
dl.head { display: grid; grid-template-columns: max-content 1fr; gap: 1pt 10pt; margin: 6pt 0; } dt { font-weight: 600; }
.roof { display: grid; gap: 4pt; margin: 4pt 0 8pt; }
.free { position: relative; border: 0.5pt dashed #999; margin: 4pt 0 8pt; }
.cell { border: 1pt solid #444; padding: 3pt; font-size: 8.5pt; background: #fafafa; }
.free .cell { position: absolute; width: 120pt; }
.cell.fail { border-color: #b71c1c; background: #fdecea; } .cell .serial { font-weight: 700; font-size: 9.5pt; }
.empty { border: 0.5pt dashed #bbb; }
.inverter { break-inside: avoid-page; }
code.raw { font-size: 6.5pt; word-break: break-all; }
p.reason { font-size: 8pt; margin: 0 0 2pt; }
td.std { font-size: 8pt; color: #555; }
`;

export function renderReportHtml(r: CommissionReport): string {
  const verdict = r.pass
    ? `<span class="verdict pass">PASS</span>`
    : `<span class="verdict fail">${r.findings.length} finding${r.findings.length === 1 ? "" : "s"}</span>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Commissioning report — ${esc(r.site.name)}</title>
<style>${STYLE}</style></head><body>
<h1>Commissioning report — ${esc(r.site.name)}</h1>
${verdict}
<dl class="head">
<dt>Site</dt><dd>${esc(r.site.name)} <span class="muted">(${esc(r.site.file)})</span></dd>
<dt>Installer</dt><dd>${esc(r.installer ?? "not given")}</dd>
<dt>Date</dt><dd>${esc(r.date)}</dd>
<dt>Grid code</dt><dd>${esc(r.gridCode.title)} — <code>${esc(r.gridCode.id)}</code>, APsystems profile ${esc(r.gridCode.profile)}</dd>
<dt>Operator overrides</dt><dd>${overridesText(r)}</dd>
<dt>Inverters</dt><dd>${r.inverters.length}, link quality needed ≥ ${r.minLinkQuality}</dd>
</dl>
${findingsHtml(r)}
<h2>Roof map</h2>
${r.map.arrays.map(arrayHtml).join("\n")}
${r.map.unplaced.length > 0 ? `<p>Not on the map: ${r.map.unplaced.map(esc).join(", ")}</p>` : ""}
<h2>Inverters</h2>
${r.inverters.map(inverterHtml).join("\n")}
<h2>Notes</h2>
<ul>${[...r.limits, ...r.gridCode.notes].map((n) => `<li>${esc(n)}</li>`).join("")}</ul>
<p class="muted">Made by localecu commission. Expected values: APsystems' grid profile for the code [V], the standard's figure where marked [S] (unconfirmed: to be checked against the named document) or [P] (from a public page), the operator's override, or the site's other inverters (siblings).</p>
</body></html>
`;
}

function overridesText(r: CommissionReport): string {
  const entries = Object.entries(r.overrides);
  return entries.length === 0 ? "none" : entries.map(([k, v]) => `${esc(k)} = ${v}`).join(", ");
}

function findingsHtml(r: CommissionReport): string {
  if (r.findings.length === 0) return `<h2>Findings</h2><p class="pass">Every check passed.</p>`;
  const rows = r.findings
    .map(
      (f) =>
        `<tr><td>${esc(f.kind)}</td><td>${esc(f.message)}</td><td>${f.confirmed ? "" : "unconfirmed"}</td></tr>`,
    )
    .join("");
  return `<h2>Findings</h2><table><tr><th>check</th><th>finding</th><th></th></tr>${rows}</table>`;
}

function cellHtml(c: ReportArray["cells"][number], style = ""): string {
  const panels = c.panels.map((p) => `${p.input}: ${esc(p.panel)}`).join(" · ");
  return `<div class="cell ${c.pass ? "" : "fail"}"${style}><div class="serial">${esc(c.serial)}</div><div>${esc(c.label)}</div><div class="muted">${panels}</div></div>`;
}

function arrayHtml(a: ReportArray): string {
  const title = `<h3>${esc(a.label)}${a.orientation ? ` <span class="muted">(${esc(a.orientation)})</span>` : ""}</h3>`;
  if (a.rows !== undefined && a.columns !== undefined) {
    const slots: string[] = [];
    for (let row = 1; row <= a.rows; row++) {
      for (let column = 1; column <= a.columns; column++) {
        const here = a.cells.filter((c) => c.row === row && c.column === column);
        slots.push(
          here.length > 0 ? here.map((c) => cellHtml(c)).join("") : `<div class="cell empty"></div>`,
        );
      }
    }
    return `${title}<div class="roof" style="grid-template-columns: repeat(${a.columns}, 1fr)">${slots.join("")}</div>`;
  }
  // Free placement: x/y in metres from the top left, 60 pt per metre.
  const scale = 60;
  const w = Math.max(...a.cells.map((c) => (c.x ?? 0) * scale + 130), 200);
  const h = Math.max(...a.cells.map((c) => (c.y ?? 0) * scale + 60), 70);
  const cells = a.cells
    .map((c) => cellHtml(c, ` style="left: ${(c.x ?? 0) * scale}pt; top: ${(c.y ?? 0) * scale}pt"`))
    .join("");
  return `${title}<div class="free" style="width: ${w}pt; height: ${h}pt">${cells}</div>`;
}

const STANDARD_WORDS = { equal: "", "at-most": "≤ ", "at-least": "≥ " } as const;

function settingRow(s: SettingResult, reasons: string[]): string {
  const read = s.read?.kind === "value" ? formatValue(s.read.value, s.unit) : "not readable";
  const expected = s.expected ? formatValue(s.expected.value, s.unit) : "—";
  const source = s.expected ? (s.expected.source.kind === "override" ? "operator" : "profile") : "";
  const status =
    s.status === "deviation"
      ? `<span class="fail">deviation</span>: ${s.deviations.map((d) => esc(d.message.split(" — ")[1] ?? "")).join("; ")}`
      : s.status === "not-readable"
        ? `<span class="muted">not readable${s.why ? ` (${reasonMark(s.why, reasons)})` : ""}</span>`
        : s.status === "not-in-code"
          ? `<span class="muted">not in the code</span>`
          : `<span class="pass">pass</span>`;
  const std = s.standard
    ? `${STANDARD_WORDS[s.standard.compare]}${formatValue(s.standard.value, s.unit)} [${s.standard.mark}${s.standard.confirmed ? "" : ", unconfirmed"}]`
    : "";
  return `<tr><td>${s.code}</td><td>${esc(s.meaning)}</td><td class="num">${esc(read)}</td><td class="num">${esc(expected)}</td><td>${source}</td><td class="std">${esc(std)}</td><td>${status}</td></tr>`;
}

/** A long "why not readable" is said once under the table and referred to by number in each row. */
function reasonMark(why: string, reasons: string[]): string {
  if (!reasons.includes(why)) reasons.push(why);
  return `[${reasons.indexOf(why) + 1}]`;
}

function inverterHtml(i: ReportInverter): string {
  const reasons: string[] = [];
  const rows = i.protection.settings.map((s) => settingRow(s, reasons)).join("");
  const radio = i.answered
    ? `answered from ${esc(i.shortAddress ?? "?")} (paired at ${esc(i.expectedShort ?? "?")}), link quality ${i.linkQuality}${i.linkOk ? "" : " — too weak"}`
    : `<span class="fail">did not answer</span>`;
  const info = i.info.model
    ? `${esc(i.info.model)} <span class="muted">(${esc(i.info.note)})</span>`
    : esc(i.info.note);
  const production = i.production
    .map(
      (p) =>
        `<tr><td>${esc(p.panel)}</td><td>${p.input}</td><td class="num">${p.powerW === undefined ? "—" : `${p.powerW.toFixed(1)} W`}</td><td>${esc(p.group)}</td><td class="${p.status === "pass" ? "pass" : "fail"}">${esc(p.status)}</td></tr>`,
    )
    .join("");
  return `<div class="inverter">
<h3>${esc(i.serial)} — ${esc(i.label)} <span class="${i.findings.length === 0 ? "pass" : "fail"}">${i.findings.length === 0 ? "pass" : `${i.findings.length} finding(s)`}</span></h3>
<dl class="head"><dt>Model</dt><dd>${esc(i.model)}</dd><dt>Info / firmware</dt><dd>${info}</dd><dt>Radio</dt><dd>${radio}</dd>
<dt>Protection pages</dt><dd>${i.protection.pages.length > 0 ? i.protection.pages.join(", ") : "none read"}</dd></dl>
<table><tr><th>code</th><th>setting</th><th>read</th><th>expected</th><th>from</th><th>standard</th><th>result</th></tr>${rows}</table>
${reasons.map((r, n) => `<p class="muted reason">[${n + 1}] ${esc(r)}</p>`).join("")}
<table><tr><th>panel</th><th>input</th><th>first production</th><th>facing</th><th>result</th></tr>${production}</table>
${rawPagesHtml(i)}</div>`;
}

function rawPagesHtml(i: ReportInverter): string {
  const pages = Object.entries(i.rawPages ?? {});
  if (pages.length === 0) return "";
  const rows = pages.map(
    ([page, hex]) => `<tr><td>${esc(page)}</td><td><code class="raw">${esc(hex ?? "")}</code></td></tr>`,
  );
  return `<table class="raw"><tr><th>page</th><th>as read (for support)</th></tr>${rows.join("")}</table>`;
}
