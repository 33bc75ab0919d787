#!/usr/bin/env node
// Runs the compiled CLI (dist/cli/, `npm run build`; the published package ships it) when it is at least
// as new as every source it was built from; otherwise the TypeScript sources through tsx, so a checkout
// works straight after `npm install` and an edited source is never shadowed by a stale build. The compiled
// CLI saves the TypeScript loader's ~35 MB of memory (docs/BENCHMARKS.md "Scale").
import { readFileSync, statSync } from "node:fs";

const DIST = new URL("../dist/cli/", import.meta.url);
const ROOT = new URL("../", import.meta.url);

function builtIsCurrent() {
  try {
    const builtAt = statSync(new URL("localecu.js", DIST)).mtimeMs;
    const inputs = JSON.parse(readFileSync(new URL("inputs.json", DIST), "utf8"));
    // A source that is gone or newer than the build means the build is not what the sources say.
    return inputs.every((f) => statSync(new URL(f, ROOT)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

if (process.env.LOCALECU_FROM_SOURCE !== "1" && builtIsCurrent()) {
  await import(new URL("localecu.js", DIST).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}
