/**
 * From one run's raw stamps to its figures. Kept apart from the processes so the arithmetic is readable:
 *
 * - CPU share at a 60 s poll interval: the process's CPU time over a window of whole poll rounds, per
 *   round (rounds = telemetry replies in the window / inverters), divided by 60 s. Polling is compressed
 *   (a round every few real seconds instead of every minute) but every poll, reading, store write and
 *   publish of a round still happens once per round; what runs on a timer of its own (MQTT keep-alive,
 *   the stick's health check) is counted per real second and so is over-weighted, not hidden.
 *   The emulator's own CPU (the radio and the inverters, not part of the product) is measured around
 *   each frame it receives and taken out; the embedded aedes broker runs in the controller's process,
 *   as it does in `localecu start`, and stays in.
 * - Latency: from the emulator putting a telemetry reply on the wire to the inverter's state message
 *   arriving at the subscriber; each reply is paired with the first state message of that inverter after
 *   it and before its next reply. Replies whose state message never came are counted, not dropped.
 */
import type { Arrival, Kind, Observer } from "./observer.ts";
import { POLL_INTERVAL_S } from "./site.ts";
import type { ChildResult } from "./types.ts";

export interface RunFigures {
  inverters: number;
  broker: string;
  cpu_pct: number;
  /** Including the emulator's share (the whole bench process). */
  process_cpu_pct: number;
  emulator_cpu_pct: number;
  rss_mb: number;
  /** RSS when runController resolved, after warm-up, at the window's end; when the sampled peak was. */
  rss_started_mb: number;
  rss_warm_mb: number;
  rss_end_mb: number;
  rss_peak_at_s: number;
  heap_mb: number;
  latency_p50_ms: number;
  latency_p99_ms: number;
  latency_max_ms: number;
  /** Of the latency: from the reply on the wire to the state handed to the MQTT client. */
  controller_p50_ms: number;
  controller_p99_ms: number;
  /** Replies in the window whose state message did not arrive. */
  unmatched_replies: number;
  discovery_s: number;
  /** Until every inverter's first reading was on the broker (includes pairing every inverter). */
  first_reading_s: number;
  rounds: number;
  /** Rounds done / rounds planned in the window: 1 when the compressed interval held every round. */
  polls_per_inverter_round: number;
  messages_per_round: number;
  bytes_per_round: number;
  messages_per_inverter_round: number;
  bytes_per_inverter_round: number;
  site_messages_per_round: number;
  by_kind_per_round: Record<Kind, number>;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[k]!;
}

export function latencies(
  emitted: readonly [number, number][],
  states: ReadonlyMap<number, readonly number[]>,
  from: number,
  to: number,
): { samples: number[]; unmatched: number } {
  const byInverter = new Map<number, number[]>();
  for (const [i, t] of emitted) {
    let l = byInverter.get(i);
    if (!l) {
      l = [];
      byInverter.set(i, l);
    }
    l.push(t);
  }
  const samples: number[] = [];
  let unmatched = 0;
  for (const [i, emits] of byInverter) {
    const arrivals = states.get(i) ?? [];
    let a = 0;
    for (let k = 0; k < emits.length; k++) {
      const e = emits[k]!;
      const next = emits[k + 1] ?? Number.POSITIVE_INFINITY;
      while (a < arrivals.length && arrivals[a]! < e) a++;
      const inWindow = e >= from && e <= to;
      if (a < arrivals.length && arrivals[a]! < next) {
        if (inWindow) samples.push(arrivals[a]! - e);
        a++;
      } else if (inWindow) unmatched++;
    }
  }
  samples.sort((x, y) => x - y);
  return { samples, unmatched };
}

export function figures(n: number, broker: string, r: ChildResult, o: Observer): RunFigures {
  const { start, end } = r.window;
  const rounds = (end.replies - start.replies) / n;
  const perRound = (x: number) => x / rounds;
  const cpuShare = (us: number) => round((perRound(us / 1e6) / POLL_INTERVAL_S) * 100, 3);
  const cpuUs = end.cpuUs - start.cpuUs;
  const emuUs = end.emulatorCpuUs - start.emulatorCpuUs;
  const inWindow = o.arrivals.filter((a) => a.atMs >= start.atMs && a.atMs < end.atMs);
  const byKind = countBy(inWindow);
  const messages = perRound(inWindow.length);
  const bytes = perRound(inWindow.reduce((s, a) => s + a.bytes, 0));
  const lat = latencies(r.emitted, o.states, start.atMs, end.atMs);
  const handed = new Map<number, number[]>();
  for (const [i, t] of r.handed) {
    let l = handed.get(i);
    if (!l) {
      l = [];
      handed.set(i, l);
    }
    l.push(t);
  }
  const inController = latencies(r.emitted, handed, start.atMs, end.atMs).samples;
  const firstReading = firstReadings(r, o);
  const discovered = o.discovered.size === n ? Math.max(...o.discovered.values()) - r.t0 : Number.NaN;
  return {
    inverters: n,
    broker,
    cpu_pct: cpuShare(cpuUs - emuUs),
    process_cpu_pct: cpuShare(cpuUs),
    emulator_cpu_pct: cpuShare(emuUs),
    rss_mb: round(r.rssPeakMb, 1),
    rss_started_mb: round(r.rssAtMb.started, 1),
    rss_warm_mb: round(r.rssAtMb.warm, 1),
    rss_end_mb: round(r.rssAtMb.end, 1),
    rss_peak_at_s: round(r.rssPeakAtMs / 1000, 1),
    heap_mb: round(r.heapUsedMb, 1),
    latency_p50_ms: round(percentile(lat.samples, 50), 3),
    latency_p99_ms: round(percentile(lat.samples, 99), 3),
    latency_max_ms: round(lat.samples.at(-1) ?? Number.NaN, 3),
    unmatched_replies: lat.unmatched,
    controller_p50_ms: round(percentile(inController, 50), 3),
    controller_p99_ms: round(percentile(inController, 99), 3),
    discovery_s: round(discovered / 1000, 3),
    first_reading_s: round(firstReading / 1000, 3),
    rounds: round(rounds, 2),
    polls_per_inverter_round: round(rounds / r.plannedRounds, 3),
    messages_per_round: round(messages, 1),
    bytes_per_round: Math.round(bytes),
    messages_per_inverter_round: round(messages / n, 3),
    bytes_per_inverter_round: round(bytes / n, 1),
    site_messages_per_round: round(perRound(byKind.site), 2),
    by_kind_per_round: Object.fromEntries(
      Object.entries(byKind).map(([k, v]) => [k, round(perRound(v), 2)]),
    ) as Record<Kind, number>,
  };
}

/** Until every inverter had a state message following its first reply (NaN if one never did). */
function firstReadings(r: ChildResult, o: Observer): number {
  const first = new Map<number, number>();
  for (const [i, t] of r.emitted) if (!first.has(i)) first.set(i, t);
  let last = 0;
  for (const [i, t] of first) {
    const after = (o.states.get(i) ?? []).find((a) => a >= t);
    if (after === undefined) return Number.NaN;
    last = Math.max(last, after);
  }
  return last - r.t0;
}

function countBy(arrivals: readonly Arrival[]): Record<Kind, number> {
  const c: Record<Kind, number> = {
    state: 0,
    availability: 0,
    controls: 0,
    site: 0,
    bridge: 0,
    discovery: 0,
    other: 0,
  };
  for (const a of arrivals) c[a.kind]++;
  return c;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
