/**
 * The local page's script: built in memory with esbuild when it is installed (a checkout: always the
 * current sources), else the `dist/localecu-page.js` that `npm run build` made (an installed package).
 */
import { readFile } from "node:fs/promises";

const ENTRY = new URL("./page/main.ts", import.meta.url);
const BUILT = new URL("../../dist/localecu-page.js", import.meta.url);

export async function pageScript(): Promise<string> {
  let esbuild: typeof import("esbuild") | undefined;
  try {
    esbuild = await import("esbuild");
  } catch {
    esbuild = undefined;
  }
  if (esbuild) {
    const r = await esbuild.build({
      entryPoints: [ENTRY.pathname],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: ["chrome111", "firefox113", "safari16"],
      minify: true,
      write: false,
      logLevel: "silent",
    });
    return r.outputFiles[0]!.text;
  }
  try {
    return await readFile(BUILT, "utf8");
  } catch {
    throw new Error(`the local page's script is missing: run npm run build (it makes ${BUILT.pathname})`);
  }
}
