/** `npm run bench`: every benchmark in bench/, one after another, each printing its own ratios. */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const extra = process.argv.slice(2);
let failed = 0;
for (const f of readdirSync(dir)
  .filter((n) => n.endsWith(".bench.ts"))
  .sort()) {
  process.stdout.write(`\n== ${f}\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", `${dir}${f}`, ...extra], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
