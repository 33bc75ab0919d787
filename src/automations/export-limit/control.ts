/**
 * One control step with a trusted meter: cut now if the export (once the writes on their way have
 * acted) is above the allowed value; raise when the room has lasted; else hold.
 */
import { baseRaiseWaitS, type ExportLimiter } from "./core.ts";
import { type InverterTrack, SETTLE_MS } from "./estimate.ts";
import { checkBatch } from "./meter-check.ts";
import { inverters, type Outcome, w } from "./reasons.ts";
import { planCut, planRaise, type ShareUnit } from "./share.ts";
import type { LimitWrite } from "./types.ts";

/** Export just above the allowed value is cut once it has lasted this much energy, W·s (0.1 Wh). */
const SMALL_EXCESS_WS = 360;
/** A raise taken back by a cut within this time was premature: the room the next raise waits for doubles. */
const PREMATURE_MS = 10 * 60_000;
/**
 * The longest the raise wait grows to. The hour's write budget, with a quarter kept for cuts, already
 * bounds what a cycling load can spend; waiting longer than 5 minutes on top of that only leaves a
 * load that does last (an oven's bake, a charging car) on grid power for its first 5–10 minutes.
 */
const MAX_RAISE_WAIT_S = 300;
/**
 * A meter sample this long after the previous one is an average (or a reading) over seconds, not a
 * spike: one such sample showing enough room may raise. Faster meters need two samples, so a motor's
 * inrush on a 1 s meter never triggers a raise; a 10 s meter would otherwise hold every raise back
 * by a whole interval while the load is already running.
 */
const SLOW_METER_S = 5;
/** Calm this long after a cut: the raise wait comes back down. */
const CALM_MS = 30 * 60_000;
/** Room worth raising for: this many dead bands lasting `raiseWaitS`. */
const RAISE_BANDS = 4;
/** A meter gap longer than this does not count as excess energy (the meter was away). */
const MAX_DT_S = 10;

function unit(core: ExportLimiter, now: number, t: InverterTrack): ShareUnit {
  const budgetShare = 1 - core.budget.used(t.spec.serial, now) / core.budget.perHour;
  return { spec: t.spec, outputW: t.settledOutputW(), limitW: t.targetLimitW, budgetShare };
}

function writesOf(plan: Map<string, number>): LimitWrite[] {
  return [...plan].map(([serial, limitW]) => ({ serial, limitW }));
}

/**
 * Writes are decided on meter samples only: a tick or a reading between samples would judge an
 * old sample again, perhaps one taken before the last write acted, and cut twice.
 */
export function controlStep(core: ExportLimiter, now: number, onMeter: boolean): Outcome {
  const m = core.memory;
  if (!onMeter && m.lastControl) return { ...m.lastControl, writes: [] };
  const out = step(core, now);
  m.lastControl = { state: out.state, reason: out.reason };
  return out;
}

function step(core: ExportLimiter, now: number): Outcome {
  const s = core.settings;
  const m = core.memory;
  const batch = m.batch;
  if (batch && !batch.items.some((i) => i.track.settling(now, SETTLE_MS))) {
    // A poll since the write knows better than the meter.
    batch.items = batch.items.filter((i) => (i.track.readingAtMs ?? 0) <= batch.askedAtMs);
    if (batch.items.length > 0) checkBatch(batch, core.meter.lastW!);
    m.batch = undefined;
  }
  const base = baseRaiseWaitS(s);
  if (s.mode === "monitor" && now < m.monitorQuietUntilMs && m.steadyReason)
    return { state: "limiting", reason: m.steadyReason, writes: [] };

  const allowed = s.mode === "zero_export" ? 0 : s.targetW;
  const aim = allowed - s.hysteresisW / 2;
  const gridW = core.meter.lastW!;
  const tracks = [...core.tracks.values()];
  const exportNow = -gridW;
  // Cuts on their way count with their whole planned drop until they have settled: the meter is
  // then judged on what is left, so one load step is never cut twice.
  let inflightDrop = 0;
  for (const t of tracks) inflightDrop += t.inflightDropW(now, SETTLE_MS);
  const futureExport = exportNow - inflightDrop;
  const meterAt = core.meter.lastAtMs!;
  const dt = m.lastMeterAtMs === undefined ? 0 : Math.min(MAX_DT_S, (meterAt - m.lastMeterAtMs) / 1000);
  m.lastMeterAtMs = meterAt;
  const minChange = Math.max(s.hysteresisW, 20);
  /** The least raise worth a write: the oracle-like trim back to the aim after a raise fell short. */
  const minRaise = Math.max(s.hysteresisW / 2, 20);
  const usable = tracks.filter((t) => t.foreignW === undefined && t.readingW !== undefined);
  const limited = tracks.some((t) => (t.foreignW ?? t.targetLimitW) < t.spec.hiW);
  if (now - m.lastCutAtMs > CALM_MS && m.raiseWaitS > base) {
    m.raiseWaitS = Math.max(base, m.raiseWaitS / 2);
    m.lastCutAtMs = now - PREMATURE_MS; // one halving per calm period
  }

  const excess = Math.min(futureExport, exportNow) - allowed;
  m.excessWs = excess > 0 ? m.excessWs + excess * dt : 0;
  if (excess > 0 && (excess > s.hysteresisW / 2 || m.excessWs >= SMALL_EXCESS_WS)) {
    m.roomSinceMs = undefined;
    const budgeted = usable
      .filter((t) => core.budget.allows(t.spec.serial, now))
      .map((t) => unit(core, now, t));
    // A raise still ramping will add its remaining climb before this cut lands: cut that too, or
    // a second cut follows a second later (two more writes).
    let climb = 0;
    for (const t of tracks) climb += Math.max(0, t.settledOutputW() - t.outputW(now));
    const plan = planCut(budgeted, futureExport + climb - aim, minChange);
    if (plan.size > 0) {
      m.excessWs = 0;
      // Premature: the cut takes back much of a recent raise (the load it was for has gone). A small
      // trim when the sun comes out from behind a cloud says nothing about the raise.
      const cutW = tracks.reduce(
        (sum, t) => sum + Math.max(0, t.targetLimitW - (plan.get(t.spec.serial) ?? t.targetLimitW)),
        0,
      );
      if (now - m.lastRaiseAtMs < PREMATURE_MS && cutW >= m.lastRaiseW / 2)
        m.raiseWaitS = Math.min(MAX_RAISE_WAIT_S, m.raiseWaitS * 2);
      m.lastCutAtMs = now;
      const total = tracks.reduce((sum, t) => sum + (plan.get(t.spec.serial) ?? t.targetLimitW), 0);
      const words = `export ${w(exportNow)} is above the allowed ${w(allowed)}: cut ${inverters(plan.size)}, ${w(total)} in total`;
      return act(core, now, words, writesOf(plan));
    }
    if (atFloor(usable)) return steady(FLOOR_REASON);
    const canCut = usable.filter((t) => t.settledOutputW() > t.spec.loW && t.targetLimitW > t.spec.loW);
    if (canCut.length === 0)
      return steady(
        `export is above the allowed ${w(allowed)}, but the inverters give less than their lowest limits already`,
      );
    return steady(
      `export is above the allowed ${w(allowed)}, but this hour's write budget is used up (flash wear): cutting again as soon as it allows`,
    );
  }

  const settling = tracks.some((t) => t.settling(now, SETTLE_MS));
  const clipped = usable.filter((t) => t.mayBeClipped(now) && t.targetLimitW < t.spec.hiW);
  // Room is measured from the aim, signed, and integrated: import that wobbles across the dead band's
  // edge still adds up, and a sample with less room only takes back what it lacks (no restart).
  const room = aim - exportNow;
  if (clipped.length > 0 && !settling && (m.roomSinceMs !== undefined || room >= minRaise)) {
    if (m.roomSinceMs === undefined) {
      m.roomSinceMs = now;
      // The load came on somewhere in the last meter interval: count half of it.
      m.roomWs = (room * dt) / 2;
      m.roomSamples = 0;
      m.roomSumW = 0;
    } else m.roomWs += room * Math.min(dt, (now - m.roomSinceMs) / 1000);
    m.roomSamples++;
    m.roomSumW += room;
    const meanW = m.roomSumW / m.roomSamples;
    if (m.roomWs <= 0 || meanW < minRaise / 2) {
      m.roomSinceMs = undefined;
      return holdOrIdle(usable, allowed, limited);
    }
    const reserve = Math.max(1, Math.ceil(s.maxWritesPerHour / 4));
    const able = clipped.filter((t) => core.budget.allows(t.spec.serial, now, reserve));
    if (able.length === 0)
      return steady("room for more solar, but this hour's remaining writes are kept for cuts");
    // Room must last: the solar energy it would take must reach what `raiseWaitS` of room 4 dead
    // bands wide would, scaled by the hour's budget used (½ with no write, 1¼ at the reserve: writes
    // are cheap while the budget is barely used) — a kettle's 2 kW within a couple of seconds, 60 W
    // after 15–40 s — seen on two samples (or one sample with twice that, or one sample of a slow
    // meter, SLOW_METER_S). The raise is the mean room, or the latest if smaller (the load may have
    // just gone), and worth a write. Raises come at most every intervalS.
    const used = able.reduce((sum, t) => sum + core.budget.used(t.spec.serial, now), 0) / able.length;
    const needWs = m.raiseWaitS * RAISE_BANDS * s.hysteresisW * (0.5 + used / s.maxWritesPerHour);
    const raiseW = Math.min(meanW, room);
    const seen = m.roomSamples >= 2 || m.roomWs >= 2 * needWs || dt >= SLOW_METER_S;
    const lasted = m.roomWs >= needWs && seen && raiseW >= minRaise;
    if (!lasted || now - m.lastRaiseAtMs < s.intervalS * 1000)
      // Waiting is holding: the same words, so a load that comes and goes is not a log line each time.
      return steady(holdReason(usable, allowed));
    const plan = planRaise(
      able.map((t) => unit(core, now, t)),
      raiseW,
      minRaise,
    );
    if (plan.size > 0) {
      m.lastRaiseAtMs = now;
      m.lastRaiseW = tracks.reduce(
        (sum, t) => sum + Math.max(0, (plan.get(t.spec.serial) ?? t.targetLimitW) - t.targetLimitW),
        0,
      );
      m.roomSinceMs = undefined;
      const total = tracks.reduce((sum, t) => sum + (plan.get(t.spec.serial) ?? t.targetLimitW), 0);
      const words = `room for more solar (grid ${gridW >= 0 ? `import ${w(gridW)}` : `export ${w(exportNow)}`}): raised ${inverters(plan.size)}, ${w(total)} in total`;
      return act(core, now, words, writesOf(plan));
    }
  } else if (!settling) m.roomSinceMs = undefined;

  return holdOrIdle(usable, allowed, limited);
}

function holdOrIdle(usable: InverterTrack[], allowed: number, limited: boolean): Outcome {
  if (!limited)
    return { state: "idle", reason: `export below the allowed ${w(allowed)} at full power`, writes: [] };
  return steady(holdReason(usable, allowed));
}

/** At the floor the export comes and goes with the load: one reason for both, not a log line each. */
function holdReason(usable: InverterTrack[], allowed: number): string {
  return atFloor(usable) ? FLOOR_REASON : `export held at or below the allowed ${w(allowed)}`;
}

const FLOOR_REASON =
  "every inverter is at its lowest limit: what the house does not use of that goes to the grid";

function atFloor(usable: InverterTrack[]): boolean {
  return usable.length > 0 && usable.every((t) => t.targetLimitW <= t.spec.loW);
}

function steady(reason: string): Outcome {
  return { state: "limiting", reason, writes: [] };
}

/** An action: written, or in monitor mode only said (then quiet for a while, not repeated each sample). */
function act(core: ExportLimiter, now: number, words: string, writes: LimitWrite[]): Outcome {
  const s = core.settings;
  if (s.mode !== "monitor") {
    core.memory.batch = {
      meterAtAskW: core.meter.lastW!,
      askedAtMs: now,
      items: writes.map((wr) => {
        const track = core.tracks.get(wr.serial)!;
        const beforeW = track.outputW(now);
        return {
          track,
          beforeW,
          expectedW: Math.min(track.freeW ?? Number.POSITIVE_INFINITY, wr.limitW) - beforeW,
        };
      }),
    };
    return { state: "limiting", reason: words, writes };
  }
  const reason = `monitor mode, nothing written: ${words.replace(": cut ", ": would cut ").replace(": raised ", ": would raise ")}`;
  core.memory.monitorQuietUntilMs = now + Math.max(s.intervalS, 60) * 1000;
  core.memory.steadyReason = reason;
  return { state: "limiting", reason, writes };
}
