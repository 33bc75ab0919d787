/**
 * kill -9 of the whole controller at random moments (test/survival/kill9-run.ts, a script of its own): each
 * kill of `localecu start` is ~8 s of real time (a process start, the stick's bring-up, one 10 s poll
 * interval at most), so the 20 kills the issue asks for take about 3½ minutes. Under CI=true this runs all
 * 20; a local `npx vitest run` runs 5 (LOCALECU_KILLS overrides both), the same script and checks.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { KillReport } from "./kill9-run.ts";

const SCRIPT = fileURLToPath(new URL("./kill9-run.ts", import.meta.url));
const KILLS = Number(process.env.LOCALECU_KILLS ?? (process.env.CI === "true" ? 20 : 5));

function runScript(kills: number, seed: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, String(kills), String(seed)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, out, err }));
  });
}

describe("kill -9 of `localecu start` (separate emulator process, real broker)", () => {
  it(`survives ${KILLS} kills: lifetime energy equals the inverters' counters in Wh, limits read back after a restart`, async () => {
    const seed = Date.now() % 100_000;
    const r = await runScript(KILLS, seed);
    // The script's own words name the broken promise, the kill and the seed to repeat it with.
    expect(r.code, `seed ${seed}\n${r.out}\n${r.err}`).toBe(0);
    const report = JSON.parse(r.out.trim().split("\n").at(-1)!) as KillReport;
    expect(report.kills).toHaveLength(KILLS);
    // Some kills landed while the store was writing, at the first sign of the write or just after it.
    expect(report.kills.filter((k) => k.moment === "mid-write" && k.wrote).length).toBeGreaterThan(0);
    for (const f of Object.values(report.final)) {
      expect(f.storedWh).toBeGreaterThan(0);
      expect(f.storedWh).toBeCloseTo(f.truthWh, 6);
    }
    expect(report.planted).toEqual({
      serial: "801000012345",
      perPanelW: 180,
      shownW: 180,
      limiterTotalW: 2720,
    });
  }, 900_000);
});
