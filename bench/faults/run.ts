/**
 * `npm run bench:faults [-- --json]`: fault injection into the simulator over seeded days with clouds,
 * dawn and dusk, polled every 300 s through the wire encoder and the codec, judged by the diagnosis core
 * with site.yaml's default settings (see docs/BENCHMARKS.md, "Fault diagnosis"). Deterministic.
 *
 * latency_polls: regular poll rounds from the injection to the finding, counting the round that (with
 * its rechecks, 60 s apart, as the core asks) opened it; 1 = found in the first poll interval.
 */
import { FaultDiagnosis } from "../../src/automations/faults/core.ts";
import { diagnosisSettings } from "../../src/automations/faults/settings.ts";
import type { FaultChanges, Finding } from "../../src/automations/faults/types.ts";
import { deriveSeed, Rng } from "../../src/sim/random.ts";
import { SimSite } from "../../src/sim/site.ts";
import { solarPosition } from "../../src/site/sun.ts";
import { BASE_LOSS, dayStartMs, HOUR, type Injection, MINUTE, makePlan } from "./plan.ts";
import { poll } from "./poll.ts";
import { LOCATION, layout, simOptions } from "./site.ts";

const DEFAULT_SEED = 20261202;
const POLL_MS = 300_000;
const RECHECK_MS = 60_000;
const MAX_RECHECKS = 3;

interface Opened {
  finding: Finding;
  round: number;
}

export interface FaultResult {
  kind: string;
  detected: boolean;
  latency_polls: number;
  cause_right: boolean;
}

export function runBench(seed = DEFAULT_SEED, maxRechecks = MAX_RECHECKS) {
  const site = new SimSite(simOptions(seed));
  const plan = makePlan(seed, site);
  const core = new FaultDiagnosis(layout(), diagnosisSettings({}));
  const rng = new Rng(deriveSeed(seed, "aes-noise"));
  const stick = { dead: false, deaf: false };
  const opened: Opened[] = [];
  site.advance(plan.startMs);
  for (const inv of site.inverters) inv.inject("drop_replies", true, { probability: BASE_LOSS });

  const events = plan.injections
    .flatMap((inj) => [
      { t: inj.startMs, inj, on: true },
      { t: inj.endMs, inj, on: false },
    ])
    .sort((a, b) => a.t - b.t);
  let next = 0;
  const applyUntil = (t: number) => {
    while (next < events.length && events[next]!.t <= t) {
      const ev = events[next++]!;
      site.advance(ev.t);
      apply(site, core, stick, ev.inj, ev.on, ev.t);
    }
  };

  let round = 0;
  const look = (t: number, serials: readonly string[]): FaultChanges => {
    if (!stick.dead) {
      for (const serial of serials) {
        const inv = site.inverter(serial)!;
        core.update(stick.deaf ? { kind: "no-reply", atMs: t, serial } : poll(inv, t, rng));
      }
    }
    const sun = solarPosition(t, LOCATION.latitudeDeg, LOCATION.longitudeDeg).elevationDeg;
    const c = core.update({ kind: "round", atMs: t, sunElevationDeg: sun });
    for (const f of c.opened) opened.push({ finding: f, round });
    return c;
  };

  const endMs = dayStartMs(plan.startMs, plan.days);
  const roundAt: number[] = [];
  for (let t = plan.startMs; t < endMs; t += POLL_MS) {
    applyUntil(t);
    round++;
    roundAt[round] = t;
    let c = look(t, site.serials());
    for (let k = 1; k <= maxRechecks && c.recheck.length > 0; k++) {
      applyUntil(t + k * RECHECK_MS);
      c = look(t + k * RECHECK_MS, c.recheck);
    }
  }

  const firstRoundAfter = (t: number) => Math.ceil((t - plan.startMs) / POLL_MS) + 1;
  const faults: (FaultResult & { inj: Injection; finding?: Finding })[] = plan.injections.map((inj) => {
    const until = inj.endMs + (inj.spec.kind === "shade20" ? 3 * HOUR : 30 * MINUTE);
    const hit = opened.find(
      (o) =>
        inj.keys.includes(o.finding.key) &&
        o.finding.openedAtMs >= inj.startMs &&
        o.finding.openedAtMs <= until,
    );
    return {
      kind: inj.spec.kind,
      detected: hit !== undefined,
      // A recheck between the injection and the next regular round may find it first: still the first poll.
      latency_polls: hit ? Math.max(1, hit.round - firstRoundAfter(inj.startMs) + 1) : -1,
      cause_right: hit?.finding.cause === inj.spec.cause,
      inj,
      finding: hit?.finding,
    };
  });
  const clean = new Set(plan.cleanDays);
  const dayOf = (t: number) => Math.floor((t - plan.startMs) / (24 * HOUR));
  const falseAlarms = opened.filter((o) => clean.has(dayOf(o.finding.openedAtMs)));
  const sideFindings = opened.filter((o) => {
    const d = dayOf(o.finding.openedAtMs);
    if (clean.has(d)) return false;
    return !faults.some((f) => f.finding === o.finding);
  });
  return { faults, falseAlarms, sideFindings, plan, rounds: round };
}

function apply(
  site: SimSite,
  core: FaultDiagnosis,
  stick: { dead: boolean; deaf: boolean },
  inj: Injection,
  on: boolean,
  t: number,
): void {
  const inv = inj.serial ? site.inverter(inj.serial)! : undefined;
  const k = inj.spec.kind;
  switch (k) {
    case "gfdi":
    case "dead":
    case "aes":
      inv!.inject(k, on);
      return;
    case "grid_over_voltage":
    case "grid_under_voltage":
    case "grid_over_frequency":
    case "grid_under_frequency":
      for (const i of site.inverters) i.inject(k, on, {});
      return;
    case "comm_loss":
      inv!.inject("drop_replies", true, { probability: on ? 1 : BASE_LOSS });
      return;
    case "erratic":
      inv!.inject("drop_replies", true, { probability: on ? 0.5 : BASE_LOSS });
      return;
    case "dc_open":
      inv!.inject("channel_disconnected", on, { channelIndex: inj.channel! });
      return;
    case "shade20":
      inv!.inject("shaded", on, { channelIndex: inj.channel!, fraction: 0.2 });
      return;
    case "no_output":
      inv!.inject("no_output", on, {});
      return;
    case "no_output_2w":
      inv!.inject("no_output", on, { trickleW: 2 });
      return;
    case "overheat":
      inv!.inject("overheat", on, { extraC: 35 });
      return;
    case "stick_dead":
      stick.dead = on;
      core.update(
        on
          ? { kind: "stick-link", atMs: t, up: false, detail: "no answer from the stick (SREQ timeout)" }
          : { kind: "stick-link", atMs: t, up: true },
      );
      return;
    case "stick_deaf":
      stick.deaf = on;
      return;
    default:
      throw new Error(`bench: no injection for ${k}`);
  }
}

function main(): void {
  const json = process.argv.includes("--json");
  const at = process.argv.indexOf("--seed");
  const seed = at >= 0 ? Number(process.argv[at + 1]) : DEFAULT_SEED;
  if (!Number.isSafeInteger(seed))
    throw new Error(`bench:faults: --seed needs an integer, got ${process.argv[at + 1]}`);
  const t0 = performance.now();
  // --no-recheck: a controller that only polls on its schedule (what the core gets without rechecks).
  const r = runBench(seed, process.argv.includes("--no-recheck") ? 0 : MAX_RECHECKS);
  const wallS = (performance.now() - t0) / 1000;
  const faults = r.faults.map(({ kind, detected, latency_polls, cause_right }) => ({
    kind,
    detected,
    latency_polls,
    cause_right,
  }));
  if (json) {
    console.log(
      JSON.stringify({ faults, false_alarms: r.falseAlarms.length, clean_days: r.plan.cleanDays.length }),
    );
    return;
  }
  const fmt = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");
  console.log(
    `Fault diagnosis benchmark (seed ${seed}): ${r.plan.days} days from ${fmt(r.plan.startMs)} UTC, ${r.rounds} poll rounds, ${wallS.toFixed(1)} s`,
  );
  console.log(
    `clean days: ${r.plan.cleanDays.length}, of which sunny: ${r.plan.cleanDays.filter((d) => r.plan.sunny.has(d)).length}`,
  );
  for (const f of r.faults) {
    const where = f.inj.serial
      ? ` ${f.inj.serial}${f.inj.channel !== undefined ? `/${"ABCD"[f.inj.channel]}` : ""}`
      : "";
    console.log(
      `  ${f.kind.padEnd(22)} ${fmt(f.inj.startMs)}${where.padEnd(16)} ${f.detected ? `found in ${f.latency_polls} poll(s) as ${f.finding!.key} (${f.finding!.cause})` : "NOT FOUND"}${f.detected && !f.cause_right ? " WRONG CAUSE" : ""}`,
    );
  }
  const hard = r.faults.filter((f) => f.inj.spec.hard);
  const hardOk = hard.filter((f) => f.detected && f.cause_right && f.latency_polls <= 2).length;
  console.log(`hard faults found within 2 polls with the right cause: ${hardOk}/${hard.length}`);
  console.log(`false alarms on ${r.plan.cleanDays.length} clean days: ${r.falseAlarms.length}`);
  for (const o of r.falseAlarms)
    console.log(`  ${fmt(o.finding.openedAtMs)} ${o.finding.key}: ${o.finding.advice}`);
  console.log(`other findings on fault days: ${r.sideFindings.length}`);
  for (const o of r.sideFindings)
    console.log(`  ${fmt(o.finding.openedAtMs)} ${o.finding.key} (${o.finding.cause})`);
  const sample = r.faults.find((f) => f.kind === "dead")?.finding;
  if (sample) console.log(`\nexample advice: ${sample.advice}`);
}

main();
