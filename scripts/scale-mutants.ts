/**
 * "Tests that can fail" (issue 9): break each scale constant in src/protocol/scales.ts, one at a time, and
 * check that the converter tests AND the end-to-end tests notice — not only the protocol unit tests.
 *
 *   node --import tsx scripts/scale-mutants.ts [--factor 1.01] [--only NAME,NAME] [--groups protocol,converters,…]
 *
 * Works on a temporary copy of the checkout (tracked and new files, node_modules symlinked), so the working
 * tree is never left mutated, even when interrupted. Prints a Markdown table; exit 1 if a constant escapes
 * the converter tests or both end-to-end groups.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";

/**
 * e2e-radio: the driver against the stick emulator with fake timers (deterministic, so a failure is the
 * mutation's doing, never load). e2e-mqtt: the whole controller through a real broker, real timers.
 */
const GROUPS: Record<string, string[]> = {
  // Without the fuzz file: 100 000 random inputs say nothing about a scale and take a minute.
  protocol: readdirSync(resolve(import.meta.dirname, "../test/protocol"))
    .filter((f) => f.endsWith(".test.ts") && f !== "fuzz.test.ts")
    .map((f) => `test/protocol/${f}`)
    .concat(["test/protocol/znp"]),
  converters: ["test/converters"],
  "e2e-radio": ["test/radio/e2e-stream.test.ts"],
  "e2e-mqtt": ["test/e2e"],
};

const { values: opts } = parseArgs({
  options: {
    factor: { type: "string", default: "1.01" },
    only: { type: "string" },
    groups: { type: "string", default: "protocol,converters,e2e-radio,e2e-mqtt" },
  },
});
const factor = Number(opts.factor);
if (!Number.isFinite(factor) || factor === 1) {
  console.error(`--factor must be a number other than 1, got '${opts.factor}'`);
  process.exit(2);
}
const groups = opts.groups!.split(",");
for (const g of groups) {
  if (!GROUPS[g]) {
    console.error(`unknown group '${g}'; use ${Object.keys(GROUPS).join(", ")}`);
    process.exit(2);
  }
}

const root = resolve(import.meta.dirname, "..");
const SCALES = "src/protocol/scales.ts";
const original = readFileSync(join(root, SCALES), "utf8");
const decl = /^export const (\w+) = (.+);$/gm;
const names = [...original.matchAll(decl)].map((m) => m[1]!);
const only = opts.only?.split(",");
const chosen = only ? names.filter((n) => only.includes(n)) : names;
if (chosen.length === 0) {
  console.error(`no constants chosen; scales.ts declares ${names.join(", ")}`);
  process.exit(2);
}

// A private copy: tracked files plus new, not-ignored ones.
const copy = mkdtempSync(join(tmpdir(), "localecu-scale-mutants-"));
const cleanup = () => rmSync(copy, { recursive: true, force: true });
let child: ChildProcess | undefined;
process.on("SIGINT", () => {
  child?.kill("SIGTERM");
  cleanup();
  process.exit(130);
});
const files = spawnSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], {
  cwd: root,
  encoding: "utf8",
})
  .stdout.split("\0")
  .filter((f) => f && f !== "node_modules");
for (const f of files) {
  mkdirSync(dirname(join(copy, f)), { recursive: true });
  cpSync(join(root, f), join(copy, f));
}
symlinkSync(resolve(root, "node_modules"), join(copy, "node_modules"), "dir");

let lastOutput = "";
/** vitest on some test paths in the copy; true when every test passed. Async, so Ctrl-C is handled. */
function run(paths: string[]): Promise<boolean> {
  return new Promise((done) => {
    const c = spawn("npx", ["vitest", "run", "--bail=1", "--reporter=dot", ...paths], {
      cwd: copy,
      env: { ...process.env, CI: "" },
    });
    child = c;
    let out = "";
    c.stdout.on("data", (d: Buffer) => {
      out += d;
    });
    c.stderr.on("data", (d: Buffer) => {
      out += d;
    });
    c.on("close", (code) => {
      lastOutput = out;
      child = undefined;
      done(code === 0);
    });
  });
}

try {
  // The unmutated copy must be green, or every "caught" below would mean nothing.
  for (const g of groups) {
    if (!(await run(GROUPS[g]!))) {
      console.error(lastOutput.slice(-3000));
      throw new Error(`group ${g} fails without any mutation; fix that first`);
    }
  }
  const rows: string[] = [];
  let escaped = 0;
  for (const name of chosen) {
    const mutated = original.replace(
      new RegExp(`^export const ${name} = (.+);$`, "m"),
      (_l, expr: string) => `export const ${name} = (${expr}) * ${factor};`,
    );
    writeFileSync(join(copy, SCALES), mutated);
    const caught: boolean[] = [];
    for (const g of groups) caught.push(!(await run(GROUPS[g]!)));
    writeFileSync(join(copy, SCALES), original);
    const by = (g: string) => caught[groups.indexOf(g)] ?? true;
    if (!by("converters") || (!by("e2e-radio") && !by("e2e-mqtt"))) escaped++;
    const row = `| ${name} × ${factor} | ${caught.map((c) => (c ? "caught" : "**missed**")).join(" | ")} |`;
    rows.push(row);
    console.error(row);
  }
  console.log(`| constant | ${groups.join(" | ")} |`);
  console.log(`|---|${groups.map(() => "---").join("|")}|`);
  for (const r of rows) console.log(r);
  process.exitCode = escaped > 0 ? 1 : 0;
} finally {
  cleanup();
}
