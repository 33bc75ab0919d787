/**
 * A real kill -9: a child process accounts a poll stream into a store and is SIGKILLed mid-run.
 * After each kill the store must hold exactly a prefix of the stream (the poll in flight is either
 * fully there or absent), agree with an uninterrupted accountant over that prefix, and let the
 * next run finish with exactly the uninterrupted result.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { EnergyAccountant } from "../../../src/site/energy/index.ts";
import { STORE_FILE } from "../../../src/site/store/index.ts";
import { TZ } from "../energy/fixtures.ts";
import { pollSequence, type SeqPoll } from "./kill-polls.ts";

const CHILD = fileURLToPath(new URL("./kill-child.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "localecu-kill-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child; kills it with SIGKILL once it reports poll `killAfter` (or lets it finish). */
function runChild(killAfter?: number): Promise<{ lastReported: number; killed: boolean }> {
  return new Promise((resolveRun, reject) => {
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", CHILD, dir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let lastReported = -1;
    let buffered = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const l of lines) lastReported = Number(l);
      if (killAfter !== undefined && lastReported >= killAfter && child.exitCode === null)
        child.kill("SIGKILL");
    });
    child.stderr!.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolveRun({ lastReported, killed: true });
      else if (code === 0) resolveRun({ lastReported, killed: false });
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

function reference(polls: SeqPoll[]) {
  const acc = new EnergyAccountant({ timeZone: TZ });
  for (const p of polls) acc.record(p.t, p.atMs);
  return acc;
}

/** Checks the store holds a whole prefix of `seq`; returns its length. */
function checkPrefix(seq: SeqPoll[]): number {
  const db = new Database(join(dir, STORE_FILE), { readonly: true });
  try {
    const committed = db.prepare("SELECT serial, at_ms AS atMs FROM inverter_history").all() as {
      serial: string;
      atMs: number;
    }[];
    const keys = new Set(committed.map((r) => `${r.serial}@${r.atMs}`));
    const n = committed.length;
    for (let i = 0; i < n; i++)
      expect(keys.has(`${seq[i]!.t.serial}@${seq[i]!.atMs}`), `poll ${i} missing`).toBe(true);
    // Every committed poll has its 4 panel rows, and the state matches the last of them.
    expect(db.prepare("SELECT count(*) AS n FROM poll_history").get()).toEqual({ n: 4 * n });
    const drift = db
      .prepare(
        `SELECT count(*) AS n FROM channel_state c
         JOIN inverter_state s ON s.serial = c.serial
         JOIN poll_history h ON h.serial = c.serial AND h.channel = c.channel AND h.at_ms = s.at_ms
         JOIN daily_energy d ON d.serial = c.serial AND d.channel = c.channel AND d.day = s.day
         WHERE h.lifetime_wh <> c.lifetime_wh OR h.today_wh <> c.day_wh OR d.wh <> c.day_wh`,
      )
      .get();
    expect(drift).toEqual({ n: 0 });
    const ref = reference(seq.slice(0, n));
    const stored = db.prepare("SELECT serial, channel, lifetime_wh AS wh FROM channel_state").all() as {
      serial: string;
      channel: number;
      wh: number;
    }[];
    for (const r of stored) expect(r.wh).toBe(ref.lifetime(r.serial)!.channelsWh[r.channel - 1]);
    return n;
  } finally {
    db.close();
  }
}

describe("kill -9 of the accounting process", () => {
  it("loses at most the poll in flight and resumes to the uninterrupted result", async () => {
    const seq = pollSequence();
    let kills = 0;
    for (const fraction of [0.15, 0.45, 0.75]) {
      const run = await runChild(Math.floor(fraction * seq.length));
      const n = checkPrefix(seq);
      // Everything the child reported was committed before it was killed.
      expect(n).toBeGreaterThanOrEqual(run.lastReported + 1);
      if (run.killed) kills++;
    }
    expect(kills).toBeGreaterThan(0);
    const last = await runChild();
    expect(last.killed).toBe(false);
    expect(checkPrefix(seq)).toBe(seq.length);
    const ref = reference(seq);
    const db = new Database(join(dir, STORE_FILE), { readonly: true });
    const rows = db
      .prepare("SELECT serial, sum(lifetime_wh) AS wh FROM channel_state GROUP BY serial")
      .all() as {
      serial: string;
      wh: number;
    }[];
    db.close();
    for (const r of rows) expect(r.wh).toBeCloseTo(ref.lifetime(r.serial)!.inverterWh, 6);
  });
});
