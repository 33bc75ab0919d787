/**
 * Loading site.yaml: YAML syntax → JSON Schema (ajv, every error at once) → references and
 * cross-checks → a typed SiteConfig. Any problem throws one ConfigError listing all of them;
 * nothing should start on a bad configuration.
 */
import { readFile } from "node:fs/promises";
import { ConfigError, type ConfigIssue, formatPath, IssueList, parsePath } from "./issues.ts";
import type { RawConfig } from "./raw.ts";
import { resolveConfig } from "./resolve.ts";
import { validateSchema } from "./schema.ts";
import type { SiteConfig } from "./types.ts";
import { coerceSerials, locate, type ParsedYaml, readYaml } from "./yaml.ts";

export type { ConfigIssue } from "./issues.ts";
export { ConfigError, formatIssue, formatIssueAt } from "./issues.ts";
export { SCHEMA_URL } from "./schema.ts";
export { resolveSecret, SecretError } from "./secret.ts";
export type * from "./types.ts";

export function parseConfig(text: string, fileName = "site.yaml"): SiteConfig {
  const parsed = readYaml(text, fileName);
  if (parsed.issues.length > 0) throw new ConfigError(parsed.issues);
  if (parsed.data === null || parsed.data === undefined) {
    throw new ConfigError([
      { file: fileName, path: "", message: "the file is empty", hint: "start from examples/site.yaml" },
    ]);
  }
  coerceSerials(parsed.data);
  const schemaIssues: ConfigIssue[] = validateSchema(parsed.data).map((p) => {
    const issue: ConfigIssue = { file: fileName, path: formatPath(p.segments), message: p.message };
    if (p.hint !== undefined) issue.hint = p.hint;
    return withPosition(issue, parsed, p.atKey);
  });
  if (schemaIssues.length > 0) throw new ConfigError(byLine(schemaIssues));
  const issues = new IssueList(fileName);
  const config = resolveConfig(parsed.data as RawConfig, fileName, issues);
  if (issues.items.length > 0)
    throw new ConfigError(byLine(issues.items.map((i) => withPosition(i, parsed, false))));
  return config;
}

export async function loadConfig(path: string): Promise<SiteConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === "ENOENT" ? "no such file" : e.code === "EISDIR" ? "is a directory" : (e.code ?? e.message);
    throw new ConfigError([
      { file: path, path: "", message: `cannot read the file (${why})`, hint: "check the path" },
    ]);
  }
  return parseConfig(text, path);
}

/** Adds line/col from the YAML; for unknown keys, the position of the key itself. */
function withPosition(issue: ConfigIssue, parsed: ParsedYaml, atKey: boolean): ConfigIssue {
  const pos = locate(parsed, parsePath(issue.path), atKey);
  return pos ? { ...issue, line: pos.line, col: pos.col } : issue;
}

function byLine(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort(
    (a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER),
  );
}
