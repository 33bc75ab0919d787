/**
 * Configuration problems: each names the file, the path inside it, what is wrong and how to fix
 * it, formatted one per line as `site.yaml: inverters[2].serial: expected 12 digits, got "…" — hint`.
 */

export interface ConfigIssue {
  file: string;
  /** `inverters[2].serial`; empty for the whole file. */
  path: string;
  message: string;
  hint?: string;
  /** 1-based position in the file, when known. */
  line?: number;
  col?: number;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.path === "" ? issue.file : `${issue.file}: ${issue.path}`;
  const hint = issue.hint ? ` — ${issue.hint}` : "";
  return `${where}: ${issue.message}${hint}`;
}

/**
 * The same line with the position first, `site.yaml:6:15: poll.interval_s: …`, as compilers print it
 * (editors and terminals jump to it). Syntax issues already carry it in `file`.
 */
export function formatIssueAt(issue: ConfigIssue): string {
  if (issue.line === undefined) return formatIssue(issue);
  const at = `:${issue.line}:${issue.col ?? 1}`;
  const file = issue.file.endsWith(at) ? issue.file : `${issue.file}${at}`;
  return formatIssue({ ...issue, file });
}

/** Thrown when a configuration cannot be used; `issues` lists every problem found, not just the first. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join("\n"));
  }
}

export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** ["inverters", 2, "serial"] → `inverters[2].serial`; odd keys are quoted: `panels["S-1"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (PLAIN_KEY.test(s)) out += out === "" ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Short, quoted rendering of a value for "got …" in messages. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

/** Collects issues for one file; resolvers push to it and the loader throws once at the end. */
export class IssueList {
  readonly items: ConfigIssue[] = [];
  constructor(readonly file: string) {}

  add(path: readonly PathSegment[] | string, message: string, hint?: string): void {
    const p = typeof path === "string" ? path : formatPath(path);
    this.items.push(
      hint === undefined
        ? { file: this.file, path: p, message }
        : { file: this.file, path: p, message, hint },
    );
  }
}

/** Inverse of formatPath: `inverters[2].serial` → ["inverters", 2, "serial"]. */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const m of path.matchAll(re)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined) out.push(JSON.parse(m[3]) as string);
  }
  return out;
}
