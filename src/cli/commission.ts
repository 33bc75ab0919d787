/**
 * `localecu commission <site.yaml> [--json] [--installer NAME] [--report out.pdf|out.html]`: the
 * installer's hand-over check on a live site through the stick — every configured serial answers from
 * the short address it was paired at, with a usable link; the info query; the protection pages against
 * the grid code, the datasheet envelope and the siblings; a first production check per panel.
 * Exit 0 only when everything passes, 1 on findings, 2 on usage or configuration errors. Read only.
 */
import { writeFileSync } from "node:fs";
import { extname } from "node:path";
import { Command } from "commander";
import { GRID_CODE_IDS } from "../commission/grid-codes.ts";
import { observeInverter } from "../commission/live.ts";
import { PdfError, renderPdf } from "../commission/pdf.ts";
import { buildReport, type CommissionReport, DEFAULT_MIN_LINK_QUALITY } from "../commission/report.ts";
import { renderReportHtml } from "../commission/report-html.ts";
import { formatEcuId } from "../radio/ecu-id.ts";
import { Stick } from "../radio/stick.ts";
import { ConfigError, loadConfig, type SiteConfig } from "../site/config/index.ts";
import { formatIssueAt } from "../site/config/issues.ts";
import { PairingBook } from "../site/pairing.ts";
import { CliError, guard } from "./errors.ts";

interface Options {
  json?: boolean;
  installer?: string;
  report?: string;
  minLqi: string;
  timeout: string;
}

export function commissionCommand(): Command {
  return new Command("commission")
    .description(
      "check a live site for hand-over: radio, protection settings against the grid code, first production",
    )
    .argument("<file>", "the site configuration (site.yaml) with site.grid_code")
    .option("--json", "print the report as JSON")
    .option("--installer <name>", "the installer's name, printed on the report")
    .option("--report <file>", "write the report: .pdf (rendered in Chromium) or .html")
    .option("--min-lqi <n>", "lowest usable link quality (0–255)", String(DEFAULT_MIN_LINK_QUALITY))
    .option("--timeout <s>", "seconds to wait for the stick", "10")
    .action((file: string, o: Options) =>
      guard(async () => {
        process.exitCode = await runCommission(file, o);
      }),
    );
}

async function runCommission(file: string, o: Options): Promise<number> {
  const minLq = Number(o.minLqi);
  if (!(Number.isInteger(minLq) && minLq >= 0 && minLq <= 255)) {
    throw new CliError(`--min-lqi must be a whole number 0–255, got '${o.minLqi}'`);
  }
  const timeoutMs = Number(o.timeout) * 1000;
  if (!(timeoutMs > 0))
    throw new CliError(`--timeout must be a positive number of seconds, got '${o.timeout}'`);
  const kind = o.report === undefined ? undefined : extname(o.report).toLowerCase();
  if (kind !== undefined && kind !== ".pdf" && kind !== ".html") {
    throw new CliError(`--report ${o.report}: name a .pdf or .html file`);
  }
  const config = await load(file);
  if (!config.stick) {
    throw new CliError(
      `${file}: stick.port is missing — commission talks to the inverters through the stick`,
    );
  }
  const gridCode = config.site.gridCode;
  if (gridCode === undefined) {
    throw new CliError(
      `${file}: site.grid_code is missing — name the grid code the network operator requires (${GRID_CODE_IDS.join(", ")})`,
    );
  }
  const progress = (line: string) => {
    if (!o.json) process.stderr.write(`commission: ${line}\n`);
  };
  const stick = new Stick({
    port: config.stick.port,
    ecuId: config.stick.ecuId,
    stableId: config.site.name,
    polling: false,
    srspTimeoutMs: Math.min(3000, timeoutMs),
    transport: { tcp: { connectTimeoutMs: timeoutMs } },
    coordinator: { resetTimeoutMs: timeoutMs, startTimeoutMs: timeoutMs, healthIntervalMs: 0 },
  });
  const ecuId = formatEcuId(stick.ecuId);
  const book = PairingBook.open(config.site.dataDir);
  const observations = [];
  try {
    try {
      await stick.start();
    } catch (e) {
      throw new CliError(`cannot use the stick on ${config.stick.port}: ${(e as Error).message}`);
    }
    progress(`stick ready on ${stick.transport.url}, ECU id ${ecuId}`);
    for (const inv of config.inverters) {
      observations.push(
        await observeInverter(stick, inv, book.get(inv.serial, ecuId)?.shortAddress, progress),
      );
    }
  } finally {
    await stick.stop();
  }
  const input = { config, gridCode, observations, date: new Date().toISOString(), minLinkQuality: minLq };
  const report = buildReport(o.installer === undefined ? input : { ...input, installer: o.installer });
  if (o.report !== undefined) await writeReport(report, o.report, kind!);
  const code = report.pass ? 0 : 1;
  if (o.json) process.stdout.write(`${JSON.stringify({ exitCode: code, ...report }, null, 2)}\n`);
  else process.stdout.write(summary(report, o.report));
  return code;
}

async function load(file: string): Promise<SiteConfig> {
  try {
    return await loadConfig(file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const issue of e.issues) process.stderr.write(`${formatIssueAt(issue)}\n`);
    throw new CliError(`${file}: fix the configuration (localecu check ${file}) and run commission again`);
  }
}

async function writeReport(report: CommissionReport, file: string, kind: string): Promise<void> {
  const html = renderReportHtml(report);
  if (kind === ".html") {
    writeFileSync(file, html);
    return;
  }
  try {
    await renderPdf(html, file);
  } catch (e) {
    if (e instanceof PdfError) throw new CliError(e.message);
    throw e;
  }
}

function summary(r: CommissionReport, reportFile: string | undefined): string {
  const lines = [`${r.site.name}: grid code ${r.gridCode.id} (APsystems profile ${r.gridCode.profile})`];
  for (const i of r.inverters) {
    const radio = i.answered
      ? `answered from ${i.shortAddress}, link quality ${i.linkQuality}`
      : "did not answer";
    const counts = new Map<string, number>();
    for (const s of i.protection.settings) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
    const settings = [...counts].map(([k, n]) => `${n} ${k}`).join(", ") || "none read";
    const panels = i.production.filter((p) => p.status === "pass").length;
    lines.push(
      `  ${i.serial} ${i.label} (${i.model}): ${radio}; settings: ${settings}; first production: ${panels}/${i.production.length} panels pass`,
    );
  }
  if (r.findings.length > 0) {
    lines.push("", "findings:");
    for (const f of r.findings)
      lines.push(`  ${f.kind.padEnd(10)} ${f.message}${f.confirmed ? "" : " (unconfirmed)"}`);
  }
  lines.push(
    "",
    `${r.pass ? "PASS — every check passed" : `${r.findings.length} finding${r.findings.length === 1 ? "" : "s"} — not ready to hand over`}${reportFile ? `; report written to ${reportFile}` : ""}`,
  );
  return `${lines.join("\n")}\n`;
}
