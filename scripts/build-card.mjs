#!/usr/bin/env node
/**
 * Bundles the roof-map card (src/web/card/index.ts, Lit included) into ONE minified ES module for Home
 * Assistant: dist/localecu-map-card.js, the file hacs.json names; and the local page's script
 * (src/web/page/main.ts → dist/localecu-page.js) for installs without esbuild (src/web/bundle.ts).
 *
 *   node scripts/build-card.mjs [--outdir dist]
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const ENTRIES = {
  "localecu-map-card": join(ROOT, "src", "web", "card", "index.ts"),
  "localecu-page": join(ROOT, "src", "web", "page", "main.ts"),
};

/**
 * Builds in memory; the command line writes the files.
 * @param {{ outdir?: string }} [opts]
 * @returns {Promise<{ name: string, bytes: number, text: string }[]>}
 */
export async function buildCard(opts = {}) {
  const outdir = resolve(opts.outdir ?? join(ROOT, "dist"));
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir,
    bundle: true,
    format: "esm",
    platform: "browser",
    // HA's frontend supports the last two years of evergreen browsers; color-mix() needs Chrome 111 / Safari 16.2.
    target: ["chrome111", "firefox113", "safari16"],
    minify: true,
    legalComments: "none",
    logLevel: "silent",
    write: false,
  });
  return result.outputFiles.map((f) => ({ name: f.path, bytes: f.contents.length, text: f.text }));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--outdir");
  const outdir = i > 0 ? process.argv[i + 1] : undefined;
  const files = await buildCard({ outdir });
  const { mkdir, writeFile } = await import("node:fs/promises");
  for (const f of files) {
    await mkdir(dirname(f.name), { recursive: true });
    await writeFile(f.name, f.text);
    const gz = (await import("node:zlib")).gzipSync(f.text).length;
    process.stdout.write(`${f.name}: ${f.bytes} bytes (${gz} gzipped)\n`);
  }
}
