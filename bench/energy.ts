/**
 * Energy accounting bench: one simulated year of the 4-QS1 demo site, polled every 300 s, with
 * nightly restarts, 2 % missed polls, one whole missed morning and 20 kill -9 restarts of the
 * accounting process. Compares the store's lifetime energy with the simulator's truth.
 *
 *   npm run bench:energy -- [--json] [--days 365] [--kills 20] [--seed 1] [--keep]
 * Prints JSON { decreasing_points, error_pct, restarts, … } with --json, a summary otherwise.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { STORE_FILE } from "../src/site/store/index.ts";
import { generateStream, rng, TIME_ZONE } from "./energy-stream.ts";
import { verify } from "./energy-verify.ts";

const { values: args } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    days: { type: "string", default: "365" },
    kills: { type: "string", default: "20" },
    seed: { type: "string", default: "1" },
    keep: { type: "boolean", default: false },
  },
});
const days = Number(args.days);
const kills = Number(args.kills);
const seed = Number(args.seed);
const CHILD = fileURLToPath(new URL("./energy-child.ts", import.meta.url));

const work = mkdtempSync(join(tmpdir(), "localecu-bench-energy-"));
const streamFile = join(work, "polls.bin");
const dataDir = join(work, "data");
const say = (s: string) => {
  if (!args.json) console.log(s);
};

const missedMorningDay = days > 160 ? "2024-06-08" : "2024-01-03";
const t0 = performance.now();
say(`simulating ${days} days of the demo site…`);
const truth = generateStream({
  file: streamFile,
  days,
  startIso: "2024-01-01T00:00:00+01:00",
  missFraction: 0.02,
  missedMorningDay,
  seed,
});
const tSim = performance.now();

// Kill points: 20 poll indices spread at random over the stream, each followed by a random few
// milliseconds so the SIGKILL can land anywhere, mid-transaction included.
const random = rng(seed * 7919 + 1);
// (Not in the last 1000 polls: the child reports every 500, so a later point might never be seen.)
const killable = Math.max(1, truth.polls - 1000);
const killAt = Array.from({ length: kills }, () => Math.floor(random() * killable)).sort((a, b) => a - b);

interface Run {
  killed: boolean;
  lastReported: number;
}

function runChild(gapS: number, killAfter: number | undefined, delayMs: number): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, streamFile, dataDir, String(gapS)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let lastReported = -1;
    let pending = "";
    let stderr = "";
    let armed = false;
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const l of lines) if (l !== "done") lastReported = Number(l);
      if (killAfter !== undefined && !armed && lastReported >= killAfter) {
        armed = true;
        setTimeout(() => child.kill("SIGKILL"), delayMs);
      }
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolveRun({ killed: true, lastReported });
      else if (code === 0) resolveRun({ killed: false, lastReported });
      else reject(new Error(`accounting child failed (exit ${code}):\n${stderr}`));
    });
  });
}

let restarts = 0;
let gapS = 0;
for (const k of killAt) {
  const run = await runChild(gapS, k, Math.floor(random() * 20));
  if (run.killed) {
    restarts++;
    say(`  killed after poll ${run.lastReported} (${restarts}/${kills})`);
  }
  // The next start resumes after a random outage of up to 15 min (polls in it are lost).
  gapS = Math.floor(random() * 900);
}
const final = await runChild(gapS, undefined, 0);
if (final.killed) throw new Error("the final accounting run was killed by something else");
const tAccount = performance.now();

const v = verify(dataDir, truth.truthWh, missedMorningDay);
const result = {
  decreasing_points: v.decreasingPoints,
  error_pct: Number(v.errorPct.toFixed(5)),
  restarts,
  daily_decreasing_points: v.dailyDecreasingPoints,
  worst_inverter_error_pct: Number(v.worstInverterErrorPct.toFixed(5)),
  worst_channel_error_pct: Number(v.worstChannelErrorPct.toFixed(5)),
  truth_kwh: Number((v.truthWh / 1000).toFixed(3)),
  accounted_kwh: Number((v.accountedWh / 1000).toFixed(3)),
  days,
  polls_answered: truth.polls + truth.missedPolls,
  polls_missed: truth.missedPolls,
  polls_recorded: v.pollsRecorded,
  power_ups: truth.sessions,
  restarts_detected: v.restartsDetected,
  missed_morning: v.missedMorning && {
    day: v.missedMorning.day,
    first_poll_local: v.missedMorning.firstPollLocal,
    session: v.missedMorning.session,
    uptime_s: v.missedMorning.uptimeS,
  },
  rejected_channel_readings: v.rejectedChannelReadings,
  history_rows: v.historyRows,
  store_mb: Number((statSync(join(dataDir, STORE_FILE)).size / 2 ** 20).toFixed(1)),
  seconds: {
    simulate: Number(((tSim - t0) / 1000).toFixed(1)),
    account: Number(((tAccount - tSim) / 1000).toFixed(1)),
    total: Number(((performance.now() - t0) / 1000).toFixed(1)),
  },
  time_zone: TIME_ZONE,
  seed,
};

if (args.json) console.log(JSON.stringify(result, null, 2));
else {
  say(
    `lifetime: accounted ${result.accounted_kwh} kWh vs truth ${result.truth_kwh} kWh → error ${result.error_pct} %`,
  );
  say(
    `decreasing points: ${result.decreasing_points} (daily: ${result.daily_decreasing_points}); kill -9 restarts: ${restarts}`,
  );
  say(
    `polls: ${result.polls_recorded} recorded, ${result.polls_missed} missed; power-ups ${result.power_ups}, restarts detected ${result.restarts_detected}`,
  );
  say(`time: ${result.seconds.simulate} s simulating, ${result.seconds.account} s accounting`);
}
if (args.keep) say(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
