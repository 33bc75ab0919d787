/**
 * `npm run bench:scale [-- --json] [-- --sizes 10,100] [-- --brokers aedes] [-- --from-source]`: the
 * controller with N simulated inverters (N = 10, 100, 500 by default) on the in-process stick emulator,
 * polling compressed in time, publishing to a real broker: the embedded aedes, and mosquitto as a second row
 * when installed. Each run is its own process (bench/scale/child.ts); the subscriber that measures is this one.
 * The run process is compiled by the CLI's own build (scripts/build-cli.mjs), as bin/localecu.js runs a
 * built install; `--from-source` runs it through tsx instead, as a checkout without `npm run build` does.
 * Baseline: the N = 10 run of the same broker, per inverter (flat = linear growth).
 */
import { fork } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCli } from "../../scripts/build-cli.mjs";
import { brokerKinds, startMosquitto, type TestBroker } from "../../test/helpers/brokers.ts";
import { figures, type RunFigures } from "./measure.ts";
import { Observer } from "./observer.ts";
import { POLL_INTERVAL_S } from "./site.ts";
import type { ChildResult, RunSpec } from "./types.ts";

const GOAL = { inverters: 500, cpuPct: 5, rssMb: 150, p99Ms: 5, linearSlack: 1.05 } as const;
const CHILD_TS = fileURLToPath(new URL("./child.ts", import.meta.url));
// Inside the checkout (gitignored), so the compiled child resolves node_modules as dist/cli/ does.
const CHILD_OUT = fileURLToPath(new URL("../../.tmp/bench-scale/", import.meta.url));

const args = process.argv.slice(2);
const json = args.includes("--json");
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizes = (opt("--sizes") ?? "10,100,500").split(",").map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 9999)) {
  throw new Error(
    `--sizes must be inverter counts between 1 and 9999, like 10,100,500; got '${opt("--sizes")}'`,
  );
}
const wanted = (opt("--brokers") ?? "aedes,mosquitto").split(",");
const fromSource = args.includes("--from-source");
const CHILD = fromSource
  ? CHILD_TS
  : join((await buildCli({ entries: { child: CHILD_TS }, outdir: CHILD_OUT })).outdir, "child.js");

/**
 * A compressed interval must hold a whole poll round with room to spare: 10 real ms per inverter (the
 * emulator answers in 1–4 ms), never under 1 s. Fewer rounds at 500 keep the whole bench near 2 min.
 */
function specFor(n: number, brokerUrl?: string): RunSpec {
  return {
    inverters: n,
    pollMs: Math.max(1000, n * 10),
    rounds: n <= 10 ? 8 : n <= 100 ? 6 : 4,
    ...(brokerUrl ? { brokerUrl } : {}),
  };
}

async function runOne(spec: RunSpec, broker: string): Promise<RunFigures> {
  const child = fork(CHILD, [JSON.stringify(spec)], {
    // SCALE_CPU_PROF=<dir>: a V8 CPU profile of each run's process, for finding hot spots.
    execArgv: [
      ...(fromSource ? ["--import", "tsx"] : []),
      // SCALE_NODE_FLAGS="--max-semi-space-size=4 …": V8/Node flags for the run process, for trials.
      ...(process.env.SCALE_NODE_FLAGS?.split(" ").filter((f) => f !== "") ?? []),
      ...(process.env.SCALE_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.SCALE_CPU_PROF}`] : []),
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let observer: Observer | undefined;
  try {
    const result = await new Promise<ChildResult>((resolve, reject) => {
      child.on("message", (m: { kind: string; url?: string }) => {
        if (m.kind === "broker") {
          Observer.connect(m.url!).then((o) => {
            observer = o;
            child.send({ kind: "go" });
          }, reject);
        } else if (m.kind === "result") resolve(m as unknown as ChildResult);
      });
      child.on("exit", (code) =>
        reject(
          new Error(`scale bench run of ${spec.inverters} inverters exited with ${code} before its result`),
        ),
      );
    });
    await new Promise((r) => child.once("exit", r));
    return figures(spec.inverters, broker, result, observer!);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    await observer?.close();
  }
}

const kinds = brokerKinds(process.env, undefined, (line) => process.stderr.write(`${line}\n`)).filter((k) =>
  wanted.some((w) => k.name.startsWith(w)),
);
const runs: RunFigures[] = [];
for (const kind of kinds) {
  const external = kind.name.startsWith("mosquitto");
  const name = external ? "mosquitto" : "aedes";
  for (const n of sizes) {
    let broker: TestBroker | undefined;
    try {
      // aedes runs inside the controller's process (the child starts it); mosquitto runs on its own.
      // The observer's latency is the controller's, not mosquitto's: its default (set_tcp_nodelay false)
      // holds a small packet to the observer until the last one's ACK, which Linux delays up to 40 ms.
      if (external) broker = await startMosquitto({ extra: "set_tcp_nodelay true" });
      const f = await runOne(specFor(n, broker?.url), name);
      runs.push(f);
      if (!json) process.stdout.write(`${line(f)}\n`);
    } finally {
      await broker?.stop();
    }
  }
}

const ratios = runs.map((r) => {
  const base = runs.find((b) => b.broker === r.broker && b.inverters === Math.min(...sizes));
  const per = (x: number, bx: number) =>
    base ? round(x / r.inverters / (bx / base.inverters), 3) : Number.NaN;
  return {
    inverters: r.inverters,
    broker: r.broker,
    baseline_inverters: base?.inverters,
    cpu_per_inverter: per(r.cpu_pct, base?.cpu_pct ?? Number.NaN),
    messages_per_inverter: per(r.messages_per_round, base?.messages_per_round ?? Number.NaN),
    bytes_per_inverter: per(r.bytes_per_round, base?.bytes_per_round ?? Number.NaN),
  };
});
const goal = goalVerdict();

if (json) {
  const runtime = fromSource ? "tsx" : "compiled";
  process.stdout.write(`${JSON.stringify({ runtime, runs, ratios, goal }, null, 2)}\n`);
} else {
  process.stdout.write(
    "\nper inverter, against the smallest run on the same broker (1.00 = linear growth):\n",
  );
  for (const q of ratios) {
    process.stdout.write(
      `  ${q.broker.padEnd(9)} N=${String(q.inverters).padEnd(4)} CPU ×${fmt(q.cpu_per_inverter)}  messages ×${fmt(q.messages_per_inverter)}  bytes ×${fmt(q.bytes_per_inverter)}\n`,
    );
  }
  process.stdout.write(`\ngoal at ${GOAL.inverters} inverters: ${goal.met ? "met" : "MISSED"}\n`);
  for (const c of goal.checks) process.stdout.write(`  ${c.ok ? "ok  " : "MISS"} ${c.what}\n`);
}

function goalVerdict() {
  const at = runs.filter((r) => r.inverters === GOAL.inverters);
  const checks = at.flatMap((r) => {
    const q = ratios.find((x) => x.broker === r.broker && x.inverters === r.inverters)!;
    return [
      { what: `${r.broker}: CPU ${r.cpu_pct} % of a core < ${GOAL.cpuPct} %`, ok: r.cpu_pct < GOAL.cpuPct },
      { what: `${r.broker}: peak RSS ${r.rss_mb} MB < ${GOAL.rssMb} MB`, ok: r.rss_mb < GOAL.rssMb },
      {
        what: `${r.broker}: p99 latency ${r.latency_p99_ms} ms < ${GOAL.p99Ms} ms`,
        ok: r.latency_p99_ms < GOAL.p99Ms,
      },
      {
        what: `${r.broker}: messages per inverter per round ×${q.messages_per_inverter} of N=${q.baseline_inverters}'s ≤ ${GOAL.linearSlack} (linear)`,
        ok: q.messages_per_inverter <= GOAL.linearSlack,
      },
      {
        what: `${r.broker}: every inverter polled once a round (${r.polls_per_inverter_round}), every reply published (${r.unmatched_replies} missing)`,
        ok: Math.abs(r.polls_per_inverter_round - 1) < 0.05 && r.unmatched_replies === 0,
      },
    ];
  });
  return { inverters: GOAL.inverters, met: checks.length > 0 && checks.every((c) => c.ok), checks };
}

function line(f: RunFigures): string {
  return [
    `${f.broker.padEnd(9)} N=${String(f.inverters).padEnd(4)}`,
    `CPU ${fmt(f.cpu_pct)} % of a core at ${POLL_INTERVAL_S} s (emulator ${fmt(f.emulator_cpu_pct)} % more)`,
    `RSS ${f.rss_mb} MB`,
    `latency p50 ${fmt(f.latency_p50_ms)} ms p99 ${fmt(f.latency_p99_ms)} ms`,
    `discovery ${f.discovery_s} s, first readings ${f.first_reading_s} s`,
    `per round ${f.messages_per_round} msgs ${f.bytes_per_round} B (site ${f.site_messages_per_round})`,
  ].join(" | ");
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) : "n/a";
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
