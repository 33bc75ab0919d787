/**
 * `localecu replace OLD NEW --config site.yaml [--dry-run]` — the manual's section 7 in software:
 * rewrite site.yaml so the new unit takes the old one's place, then print the physical steps.
 * Exit 0: done (or dry run). 1: the replacement was refused. 2: the file cannot be read or parsed.
 */
import { open, readFile, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Command } from "commander";
import { ConfigError, formatIssueAt } from "../site/config/index.ts";
import { ReplaceError, type ReplaceResult, replaceInverter } from "../site/replace.ts";

export interface ReplaceHooks {
  /**
   * Called after the file was written (not on --dry-run): continue lifetime energy from old to new,
   * schedule pairing of the new unit, retire the old one in Home Assistant.
   */
  onReplaced?(result: ReplaceResult, configFile: string): Promise<void> | void;
}

export function replaceCommand(hooks: ReplaceHooks = {}): Command {
  return new Command("replace")
    .description("replace an inverter in site.yaml: the new unit takes the old one's place, name and panels")
    .argument("<old>", "serial of the inverter taken out")
    .argument("<new>", "serial of the inverter put in")
    .option("-c, --config <file>", "the site configuration", "site.yaml")
    .option("--dry-run", "show what would change without writing the file")
    .action(async (oldSerial: string, newSerial: string, opts: { config: string; dryRun?: boolean }) => {
      process.exitCode = await runReplace(oldSerial, newSerial, opts, hooks);
    });
}

export async function runReplace(
  oldSerial: string,
  newSerial: string,
  opts: { config: string; dryRun?: boolean },
  hooks: ReplaceHooks = {},
): Promise<0 | 1 | 2> {
  const file = opts.config;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    process.stderr.write(
      `${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? "error"}) — check --config\n`,
    );
    return 2;
  }
  let result: ReplaceResult;
  try {
    result = replaceInverter(text, oldSerial, newSerial, file);
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const issue of e.issues) process.stderr.write(`${formatIssueAt(issue)}\n`);
      process.stderr.write(`${file}: fix the configuration first (localecu check ${file})\n`);
      return 2;
    }
    if (e instanceof ReplaceError) {
      process.stderr.write(`localecu replace: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const out = (s: string) => process.stdout.write(s);
  const models = `${result.oldModel ?? "?"} → ${result.newModel}`;
  out(`Replacing ${oldSerial} with ${newSerial} (${models}) in ${file}:\n`);
  for (const c of result.changes) out(`  ${c.path}: ${c.from} → ${c.to}\n`);
  if (opts.dryRun) out(`Dry run: ${file} was not changed.\n`);
  else {
    await writeAtomic(file, result.text);
    out(`Wrote ${file}.\n`);
  }
  out(`\n${physicalSteps(result)}`);
  if (!opts.dryRun) {
    try {
      await hooks.onReplaced?.(result, file);
    } catch (e) {
      // site.yaml is already rewritten: say what did not happen and how to finish by hand.
      process.stderr.write(
        `localecu replace: ${file} was updated, but continuing ${oldSerial}'s energy on ${newSerial} failed: ${(e as Error).message}\n` +
          `  the new unit starts from 0 kWh; run \`localecu pair ${newSerial} --config ${file}\` to pair it\n`,
      );
      return 1;
    }
  }
  return 0;
}

/** Write beside the target, flush, then rename over it: a crash leaves the old or the new file, never half. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const mode = await stat(file).then(
    (s) => s.mode & 0o777,
    () => 0o644,
  );
  const handle = await open(tmp, "w", mode);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** The QS1 manual's section 7, filled in with this site's names. */
export function physicalSteps(r: ReplaceResult): string {
  const where =
    r.positions
      .map((p) =>
        p.row !== undefined
          ? `${p.array}, row ${p.row}, column ${p.column}`
          : `${p.array} at x ${p.x} m, y ${p.y} m`,
      )
      .join("; ") || "its place on the roof";
  const panels = Object.entries(r.channels)
    .map(([input, panel]) => `${input} → ${panel}`)
    .join(", ");
  const breaker =
    r.branch === undefined ? "the breaker of its branch circuit" : `the breaker of "${r.branch}"`;
  const steps = [
    `Switch ${breaker} OFF (AC off).`,
    `Unplug the AC cable of ${r.oldSerial}${r.name ? ` (${r.name})` : ""}.`,
    `Unplug the DC cables of its panels${panels ? ` (${panels})` : ""}.`,
    `Swap: mount ${r.newSerial} in the same place (${where}).`,
    `Reconnect: DC cables to the same inputs${panels ? ` (${panels})` : ""}, then the AC cable; switch the breaker ON.`,
    `Verify: the LED must not stay steady red (ground fault), and ${r.newSerial} must report in localecu once paired.`,
  ];
  return `On the roof (QS1 manual, section 7):\n${steps.map((s, i) => `  ${i + 1}. ${s}`).join("\n")}\n`;
}
