/**
 * `localecu check FILE [--json]` — validate site.yaml and the design against the datasheet.
 * Exit 0: only warnings/info. 1: design errors. 2: the file cannot be read or parsed.
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { checkSite, type Finding } from "../site/check/index.ts";
import { ConfigError, loadConfig, type SiteConfig } from "../site/config/index.ts";
import { formatIssueAt, parsePath } from "../site/config/issues.ts";
import { locate, readYaml } from "../site/config/yaml.ts";

export type CheckExit = 0 | 1 | 2;

export function checkCommand(): Command {
  return new Command("check")
    .description("validate a site configuration and check the design against the inverter datasheet")
    .argument("<file>", "the site configuration (site.yaml)")
    .option("--json", "print the findings as JSON")
    .action(async (file: string, opts: { json?: boolean }) => {
      process.exitCode = await runCheck(file, opts);
    });
}

export async function runCheck(file: string, opts: { json?: boolean } = {}): Promise<CheckExit> {
  const out = (s: string) => process.stdout.write(s);
  let config: SiteConfig;
  try {
    config = await loadConfig(file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    if (opts.json)
      out(`${JSON.stringify({ file, ok: false, exit_code: 2, config_errors: e.issues }, null, 2)}\n`);
    else {
      for (const issue of e.issues) process.stderr.write(`${formatIssueAt(issue)}\n`);
      const n = e.issues.length;
      process.stderr.write(
        `${file}: ${n} problem${n === 1 ? "" : "s"} — nothing was checked further; fix ${n === 1 ? "it" : "them"} and run check again\n`,
      );
    }
    return 2;
  }
  const findings = withPositions(file, checkSite(config));
  const count = (s: Finding["severity"]) => findings.filter((f) => f.severity === s).length;
  const code: CheckExit = count("error") > 0 ? 1 : 0;
  if (opts.json) {
    const summary = { errors: count("error"), warnings: count("warning"), info: count("info") };
    out(`${JSON.stringify({ file, ok: code === 0, exit_code: code, summary, findings }, null, 2)}\n`);
    return code;
  }
  out(`${file}: ${describeSite(config)}\n\n`);
  for (const f of findings) {
    const at = f.line === undefined ? file : `${file}:${f.line}:${f.col}`;
    out(`${f.severity.padEnd(7)}  ${at}: ${f.path}: ${f.message}\n`);
    out(`${" ".repeat(9)}source: ${f.source}\n`);
  }
  out(
    `\n${plural(count("error"), "error")}, ${plural(count("warning"), "warning")}, ${count("info")} info — ${code === 0 ? "OK" : "fix the errors before installing"}\n`,
  );
  return code;
}

/** Where each finding's path is in the file (or its nearest existing parent, for derived values). */
function withPositions(file: string, findings: Finding[]): (Finding & { line?: number; col?: number })[] {
  const parsed = readYaml(readFileSync(file, "utf8"), file);
  return findings.map((f) => {
    const pos = locate(parsed, parsePath(f.path));
    return pos ? { ...f, line: pos.line, col: pos.col } : f;
  });
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function describeSite(c: SiteConfig): string {
  const models = new Map<string, number>();
  for (const inv of c.inverters) {
    const m = inv.model?.model ?? "unknown model";
    models.set(m, (models.get(m) ?? 0) + 1);
  }
  const kinds = [...models].map(([m, n]) => `${n} × ${m}`).join(", ");
  return [
    `${plural(c.inverters.length, "inverter")} (${kinds || "none"})`,
    plural(c.panels.length, "panel"),
    plural(c.map.arrays.length, "map array"),
    plural(c.branches.length, "branch circuit"),
  ].join(", ");
}
