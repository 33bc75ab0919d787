/**
 * `node --import tsx bench/limiter/attribute.ts [--only=day] [--meter=1] [--telemetry=60]`: where
 * our excess curtailment comes from. Runs ours and the oracle on one day and variant, and files
 * each second's excess (curtailment beyond the oracle's, as the benchmark counts it) under the
 * situation the core was in at the last meter sample.
 */
import { ExportLimiter } from "../../src/automations/export-limit/core.ts";
import { SETTLE_MS } from "../../src/automations/export-limit/estimate.ts";
import type { LimiterInput, LimiterInverter, LimitWrite } from "../../src/automations/export-limit/types.ts";
import { Oracle } from "./peers/oracle.ts";
import { buildDay, DAYS } from "./scenario.ts";
import { simulate } from "./simulate.ts";
import { type BenchController, BENCH_SETTINGS as SETTINGS } from "./types.ts";

const arg = (k: string, d: string) =>
  process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d;
const variant = { meterS: Number(arg("meter", "1")), telemetryS: Number(arg("telemetry", "60")) };

class Watched implements BenchController {
  readonly name = "localecu";
  readonly core: ExportLimiter;
  situation: string[] = [];
  trace: string[] = [];
  private current = "start";
  constructor(
    inv: LimiterInverter[],
    private readonly startMs: number,
  ) {
    this.core = new ExportLimiter(inv, SETTINGS);
  }
  input(i: LimiterInput): LimitWrite[] {
    const d = this.core.update(i);
    if (i.kind === "meter") this.current = this.classify(i.atMs, -i.gridW, d.writes.length > 0);
    const tracks = [...this.core.tracks.values()];
    if (i.kind === "meter")
      this.trace[Math.round((i.atMs - this.startMs) / 1000)] =
        `grid ${i.gridW} ${tracks.map((t) => `${t.targetLimitW}/${t.freeW ?? "c"}@${t.readingAtMs === undefined ? "-" : Math.round((i.atMs - t.readingAtMs) / 1000)}`).join(" ")} wait ${this.core.memory.raiseWaitS} ${d.writes.length ? `W ${d.writes.map((x) => x.limitW).join(",")}` : ""} ${d.reason.slice(0, 50)}`;
    const s = Math.round((i.atMs - this.startMs) / 1000);
    this.situation[s] = this.current;
    return d.writes;
  }
  private classify(now: number, exportNow: number, wrote: boolean): string {
    const tracks = [...this.core.tracks.values()];
    if (wrote) return "write asked (latency + ramp)";
    const inflight = tracks.some((t) => t.pendingW !== undefined);
    if (inflight) return "write asked (latency + ramp)";
    const settling = tracks.some((t) => t.settling(now, SETTLE_MS));
    const allLimitedAtMax = tracks.every((t) => t.targetLimitW >= t.spec.hiW);
    if (allLimitedAtMax) return "at full power";
    const clipped = tracks.filter((t) => t.clipped && t.targetLimitW < t.spec.hiW);
    if (exportNow > 0) return "exporting (cut side)";
    if (exportNow >= -SETTINGS.hysteresisW) return "in dead band (aim margin)";
    if (clipped.length === 0) return "room, but no inverter judged clipped";
    if (settling) return "room, blocked by settling";
    const m = this.core.memory;
    if (now - m.lastRaiseAtMs < SETTINGS.intervalS * 1000) return "room, raise interval";
    const reserve = Math.max(1, Math.ceil(SETTINGS.maxWritesPerHour / 4));
    if (!clipped.some((t) => this.core.budget.allows(t.spec.serial, now, reserve)))
      return "room, budget reserve";
    return `room, waiting for it to last (wait ${m.raiseWaitS} s)`;
  }
}

for (const spec of DAYS) {
  if (!spec.name.includes(arg("only", ""))) continue;
  const day = buildDay(spec);
  let ours: Watched | undefined;
  const r = simulate(
    day,
    variant,
    SETTINGS,
    () => (ours = new Watched(day.inverters, day.startMs)),
    spec.siteSeed,
  );
  const oracleWrites: string[] = [];
  const o = simulate(
    day,
    variant,
    SETTINGS,
    () => {
      const oracle = new Oracle(day.inverters, SETTINGS);
      const truth = oracle.truth.bind(oracle);
      oracle.truth = (t: number, load: number, avail: readonly number[]) => {
        const ws = truth(t, load, avail);
        if (ws.length > 0)
          oracleWrites.push(
            `${new Date(t).toISOString().slice(11, 19)} oracle ${ws.map((x) => `${x.serial.slice(-2)}:${x.limitW}`).join(" ")}`,
          );
        return ws;
      };
      return oracle;
    },
    spec.siteSeed,
  );
  if (process.argv.includes("--oracle-writes")) {
    const from = arg("from", "00:00:00");
    const to = arg("to", "24:00:00");
    for (const l of oracleWrites)
      if (l.slice(0, 8) >= from && l.slice(0, 8) <= to) process.stdout.write(`${l}\n`);
  }
  const by = new Map<string, number>();
  let sit = "start";
  let total = 0;
  for (let s = 0; s < day.seconds; s++) {
    sit = ours!.situation[s] ?? sit;
    const ref = Math.max(o.curtailedW[s]!, r.requiredW[s]!);
    const ex = Math.max(0, r.curtailedW[s]! - ref);
    total += ex;
    by.set(sit, (by.get(sit) ?? 0) + ex);
  }
  if (process.argv.includes("--trace")) {
    // the 15 minutes with the most excess
    const win = Number(arg("window", "900"));
    let best = 0;
    let bestAt = 0;
    let acc = 0;
    const ex = (s: number) => Math.max(0, r.curtailedW[s]! - Math.max(o.curtailedW[s]!, r.requiredW[s]!));
    for (let s = 0; s < day.seconds; s++) {
      acc += ex(s) - (s >= win ? ex(s - win) : 0);
      if (acc > best) {
        best = acc;
        bestAt = s - win + 1;
      }
    }
    const from = arg("from", "");
    if (from)
      bestAt = Math.round(
        (Date.parse(`${new Date(day.startMs).toISOString().slice(0, 11)}${from}Z`) - day.startMs) / 1000,
      );
    for (let s = bestAt; s < bestAt + win; s += Number(arg("step", "5")))
      process.stdout.write(
        `${new Date(day.startMs + s * 1000).toISOString().slice(11, 19)} load ${day.loadW[s]!.toFixed(0)} avail ${day.availW.map((a) => a[s]!.toFixed(0)).join(",")} ex ${ex(s).toFixed(0)} oracleC ${o.curtailedW[s]!.toFixed(0)} oursC ${r.curtailedW[s]!.toFixed(0)} | ${ours!.trace[s] ?? ""}\n`,
      );
  }
  if (process.argv.includes("--episodes")) {
    // every run of seconds with excess, largest first: when, how long, how much, and why
    const eps: { from: number; to: number; wh: number; why: Map<string, number> }[] = [];
    let cur: (typeof eps)[number] | undefined;
    let why = "start";
    for (let s = 0; s < day.seconds; s++) {
      why = ours!.situation[s] ?? why;
      const e = Math.max(0, r.curtailedW[s]! - Math.max(o.curtailedW[s]!, r.requiredW[s]!));
      if (e <= 0) {
        cur = undefined;
        continue;
      }
      if (!cur) {
        cur = { from: s, to: s, wh: 0, why: new Map() };
        eps.push(cur);
      }
      cur.to = s;
      cur.wh += e / 3600;
      cur.why.set(why, (cur.why.get(why) ?? 0) + e / 3600);
    }
    const at = (s: number) => new Date(day.startMs + s * 1000).toISOString().slice(11, 19);
    for (const ep of eps.sort((a, b) => b.wh - a.wh).slice(0, Number(arg("episodes-n", "25")))) {
      const top = [...ep.why].sort((a, b) => b[1] - a[1])[0]![0];
      process.stdout.write(
        `${at(ep.from)} ${String(ep.to - ep.from + 1).padStart(4)} s ${ep.wh.toFixed(2).padStart(6)} Wh  ${top}\n    ${ours!.trace[ep.from] ?? ""}\n`,
      );
    }
  }
  process.stdout.write(
    `\n${spec.name} meter ${variant.meterS} s telemetry ${variant.telemetryS} s: excess ${(total / 3600).toFixed(1)} Wh, writes ${r.writes}\n`,
  );
  for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]))
    process.stdout.write(`  ${(v / 3600).toFixed(1).padStart(7)} Wh  ${k}\n`);
}
