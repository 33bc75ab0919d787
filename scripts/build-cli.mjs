#!/usr/bin/env node
/**
 * Compiles the CLI (src/cli/main.ts and everything it imports from src/ and converters/) to plain ES
 * modules in dist/cli/, which bin/localecu.js runs when they are at least as new as their sources: the
 * process then carries no TypeScript loader (tsx and its per-module transforms and source maps cost
 * ~35 MB of RSS; docs/BENCHMARKS.md "Scale"). Dependencies stay in node_modules; the sub-commands'
 * lazy imports stay lazy (code splitting).
 *
 * Files read beside a module at run time (JSON schemas, package.json, the examples) are read from the
 * sources, which the package ships: each module's `import.meta.url` is rewritten to its source file's URL,
 * so `new URL("./schema/x.json", import.meta.url)` finds the same file from the bundle as from tsx.
 *
 *   node scripts/build-cli.mjs [--outdir dist/cli]
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const CLI_ENTRY = join(ROOT, "src", "cli", "main.ts");
export const CLI_OUTDIR = join(ROOT, "dist", "cli");
/** The file bin/localecu.js imports, and the list of sources it was built from (for the staleness check). */
export const CLI_MAIN = "localecu.js";
export const CLI_INPUTS = "inputs.json";

/**
 * Builds `entries` (name → .ts file) into `outdir` with the settings the CLI is built with. The scale
 * bench builds its run process through this too, so it measures the same compiled code a user runs.
 * @param {{ entries?: Record<string, string>, outdir?: string }} [opts]
 * @returns {Promise<{ outdir: string, inputs: string[] }>}
 */
export async function buildCli(opts = {}) {
  const entries = opts.entries ?? { localecu: CLI_ENTRY };
  const outdir = resolve(opts.outdir ?? CLI_OUTDIR);
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: entries,
    outdir,
    // Every output file sits directly in outdir, so one relative path per module reaches its source.
    entryNames: "[name]",
    chunkNames: "[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    plugins: [sourceUrls(outdir)],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .filter((f) => !f.startsWith("node_modules/"))
    .sort();
  await writeFile(join(outdir, CLI_INPUTS), `${JSON.stringify(inputs, null, 1)}\n`);
  return { outdir, inputs };
}

/** `import.meta.url` in each of our modules → the URL of its source file, relative to the output file. */
function sourceUrls(outdir) {
  return {
    name: "source-urls",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${"/"}node_modules${"/"}`)) return undefined;
        const text = await readFile(args.path, "utf8");
        if (!text.includes("import.meta.url")) return { contents: text, loader: "ts" };
        const rel = relative(outdir, args.path).split("\\").join("/");
        const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
        return { contents: text.replaceAll("import.meta.url", url), loader: "ts" };
      });
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--outdir");
  const { outdir, inputs } = await buildCli(i > 0 ? { outdir: process.argv[i + 1] } : {});
  process.stdout.write(`${join(outdir, CLI_MAIN)}: built from ${inputs.length} source files\n`);
}
