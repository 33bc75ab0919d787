/**
 * `localecu faults <site.yaml> [--since 30d] [--json]` — the fault findings the store kept: every finding
 * open at some moment in the period (still open, or cleared in it), newest first, with its times in the
 * site's zone, how long it lasted, its cause and the installer's advice. Reads the store read-only, so it
 * runs beside a live controller.
 */
import { Command } from "commander";
import { loadConfig } from "../site/config/index.ts";
import { type FaultRecord, FaultRecords } from "../site/store/faults.ts";
import { storeFile } from "../site/store/index.ts";
import { wallTime } from "../zone.ts";
import { CliError, guard } from "./errors.ts";

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

export function faultsCommand(): Command {
  return new Command("faults")
    .description("list the fault findings kept in the store: open ones and those cleared in the period")
    .argument("<file>", "the site configuration (site.yaml)")
    .option("--since <when>", "how far back: 12h, 30d, 2w, or a date like 2026-11-01", "30d")
    .option("--json", "print the findings as JSON")
    .action((file: string, opts: { since: string; json?: boolean }) =>
      guard(async () => {
        const config = await loadConfig(file);
        const sinceMs = parseSince(opts.since, Date.now());
        const opened = FaultRecords.openReadOnly(storeFile(config.site.dataDir));
        const rows = opened ? opened.records.since(sinceMs).reverse() : [];
        opened?.close();
        const out = (s: string) => process.stdout.write(s);
        if (opts.json) {
          out(`${JSON.stringify({ since: new Date(sinceMs).toISOString(), findings: rows }, null, 2)}\n`);
          return;
        }
        const tz = config.site.timezone;
        const head = `${config.site.name}: fault findings since ${stamp(sinceMs, tz)}`;
        if (!opened) {
          out(`${head}: none — no store with fault records in ${config.site.dataDir} yet\n`);
          return;
        }
        const open = rows.filter((r) => r.clearedAtMs === undefined).length;
        out(`${head}: ${rows.length} (${open} open)\n`);
        for (const r of rows) out(`\n${formatFinding(r, tz, Date.now())}\n`);
      }),
    );
}

/** "30d", "12h", "2w" back from `nowMs`, or a date / date-time; a clear error for anything else. */
export function parseSince(text: string, nowMs: number): number {
  const m = /^(\d+(?:\.\d+)?)\s*([hdw])$/i.exec(text.trim());
  if (m) return nowMs - Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!;
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const t = Date.parse(text);
    if (Number.isFinite(t)) return t;
  }
  throw new CliError(
    `--since '${text}' is neither a period (12h, 30d, 2w) nor a date (2026-11-01); write it like one of those`,
  );
}

/** One finding as a homeowner reads it: state and title, when and how long, cause, then the advice. */
export function formatFinding(r: FaultRecord, timezone: string, nowMs: number): string {
  const state = r.clearedAtMs === undefined ? "OPEN   " : "cleared";
  const until = r.clearedAtMs === undefined ? "now" : stamp(r.clearedAtMs, timezone);
  const lasted = duration((r.clearedAtMs ?? nowMs) - r.openedAtMs);
  const facts = [
    `${stamp(r.openedAtMs, timezone)} → ${until} (${lasted})`,
    r.severity,
    `cause: ${r.cause}`,
    r.verified ? "measured" : "status-bit meaning not confirmed on hardware",
  ];
  return [`${state}  ${r.title}`, `         ${facts.join(" · ")}`, wrap(r.advice, 9, 100)].join("\n");
}

/** "2026-11-28 10:42" in the site's zone. */
function stamp(ms: number, timeZone: string): string {
  const w = wallTime(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)}`;
}

/** "48 min", "2 h 15 min", "3 d 4 h". */
export function duration(ms: number): string {
  const min = Math.max(0, Math.round(ms / 60_000));
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h${min % 60 ? ` ${min % 60} min` : ""}`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ""}`;
}

function wrap(text: string, indent: number, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => " ".repeat(indent) + l).join("\n");
}
