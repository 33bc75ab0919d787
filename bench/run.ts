/** `npm run bench`: every benchmark, one after another, each printing its own figures and ratios. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const BENCHES = ["codec.bench.ts", "energy.ts", "scale/run.ts"];
const dir = fileURLToPath(new URL(".", import.meta.url));
const extra = process.argv.slice(2);
let failed = 0;
for (const f of BENCHES) {
  process.stdout.write(`\n== ${f}\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", `${dir}${f}`, ...extra], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
