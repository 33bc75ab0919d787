/**
 * The export limiter's pure core: inputs (meter samples, polled readings, read-back limits, write
 * results, links, ticks, settings) in, decisions (state, reason, limit writes) out. No I/O and no
 * clock: time is the inputs' `atMs`. The module (module.ts), the benchmark and the Node-RED node
 * drive it.
 *
 * How it controls with inverters polled every 1–5 minutes: the grid meter (every 1–10 s) is the
 * feedback, and writes are decided on meter samples only (control.ts). The output between polls is
 * estimated (estimate.ts): a limit that binds gives exactly the limit, a reading below its limit
 * gives what the panels give (for a minute: after that the sun may be back at the limit, so room
 * may raise it once), a new limit acts after its write result and ramps; once a batch of
 * writes has settled, the meter's change corrects that estimate (meter-check.ts). Export above the
 * allowed value is cut at once, counting the drop of cuts still on their way (no double cuts) and
 * the climb of raises still ramping; a raise waits until the room has lasted (longer after raises
 * that had to be taken back, so a cycling oven does not burn the write budget); writes go to the
 * fewest inverters that can take them, shared by headroom and weighted by budget left (share.ts),
 * and raises keep a quarter of the hourly budget for cuts (budget.ts). Failsafes: failsafe.ts.
 */
import { WriteBudget } from "./budget.ts";
import { controlStep } from "./control.ts";
import { InverterTrack, normalise, SETTLE_MS } from "./estimate.ts";
import { type MeterTrouble, MeterWatch } from "./failsafe.ts";
import type { Batch } from "./meter-check.ts";
import { describeTrouble, type Outcome, w } from "./reasons.ts";
import type {
  ExportLimiterCore,
  LimiterDecision,
  LimiterInput,
  LimiterInverter,
  LimiterSettings,
  LimiterStateName,
  LimitWrite,
} from "./types.ts";

export class ExportLimiter implements ExportLimiterCore {
  private current: LimiterSettings;
  readonly tracks: ReadonlyMap<string, InverterTrack>;
  readonly budget: WriteBudget;
  readonly meter = new MeterWatch();
  /** Control memory shared with control.ts (raise timing, small-excess integral). */
  readonly memory = {
    roomSinceMs: undefined as number | undefined,
    roomWs: 0,
    roomSumW: 0,
    roomSamples: 0,
    lastRaiseAtMs: Number.NEGATIVE_INFINITY,
    /** How much the last raise lifted the limits in total, W. */
    lastRaiseW: 0,
    lastCutAtMs: Number.NEGATIVE_INFINITY,
    raiseWaitS: 0,
    excessWs: 0,
    lastMeterAtMs: undefined as number | undefined,
    monitorQuietUntilMs: Number.NEGATIVE_INFINITY,
    /** The last batch of writes, until the meter has shown what it did (meter-check.ts). */
    batch: undefined as Batch | undefined,
    /** The last control outcome, repeated (without writes) between meter samples. */
    lastControl: undefined as { state: LimiterStateName; reason: string } | undefined,
    steadyReason: undefined as string | undefined,
  };
  private nowMs = Number.NEGATIVE_INFINITY;
  private firstAtMs: number | undefined;
  private daylight = true;
  private released = false;
  private fallbackDone = false;
  private failure: string | undefined;
  private last: { state: LimiterStateName; reason: string } | undefined;

  constructor(inverters: LimiterInverter[], settings: LimiterSettings) {
    if (inverters.length === 0)
      throw new RangeError("export limiter: no inverters to limit; list at least one inverter");
    const tracks = new Map<string, InverterTrack>();
    inverters.forEach((inv, i) => {
      if (tracks.has(inv.serial))
        throw new RangeError(`export limiter: inverter ${inv.serial} is listed twice; list each once`);
      tracks.set(inv.serial, new InverterTrack(normalise(inv, `inverters[${i}]`)));
    });
    this.tracks = tracks;
    this.current = checkSettings(settings);
    this.budget = new WriteBudget(settings.maxWritesPerHour);
    this.memory.raiseWaitS = baseRaiseWaitS(settings);
  }

  get settings(): Readonly<LimiterSettings> {
    return this.current;
  }

  update(input: LimiterInput): LimiterDecision {
    if (!Number.isFinite(input.atMs))
      throw new RangeError(`export limiter: ${input.kind} input needs atMs in epoch ms, got ${input.atMs}`);
    this.nowMs = Math.max(this.nowMs, input.atMs);
    this.firstAtMs ??= input.atMs;
    const now = this.nowMs;
    switch (input.kind) {
      case "meter":
        finite(input.gridW, "meter gridW");
        this.meter.sample(input.gridW, input.atMs, this.outputW(now));
        break;
      case "reading": {
        finite(input.acPowerW, `reading acPowerW of ${input.serial}`);
        const t = this.tracks.get(input.serial);
        // Readings of inverters the limiter does not command are part of the house, not ours.
        if (!t) break;
        t.reading(input.acPowerW, input.atMs, SETTLE_MS);
        this.meter.outputMoved(this.outputW(now), now);
        break;
      }
      case "limit":
        finite(input.limitW, `read-back limit of ${input.serial}`);
        this.readBack(input.serial, input.limitW);
        break;
      case "write-result": {
        const t = this.tracks.get(input.serial);
        if (!t) break;
        t.result(input.limitW, input.ok, input.atMs);
        this.failure = input.ok
          ? undefined
          : `writing ${w(input.limitW)} to ${input.serial} failed${input.detail ? ` (${input.detail})` : ""}: will try again`;
        break;
      }
      case "link":
        this.meter.link(input.link, input.up, input.detail);
        break;
      case "tick":
        this.daylight = input.daylight;
        break;
      case "settings":
        this.applySettings(input.changes);
        break;
    }
    return this.decide(now, input.kind);
  }

  /** Σ estimated output now. */
  outputW(now: number): number {
    let sum = 0;
    for (const t of this.tracks.values()) sum += t.outputW(now);
    return sum;
  }

  private readBack(serial: string, limitW: number): void {
    const t = this.tracks.get(serial);
    if (!t) return;
    // A write of ours is on its way: this read-back may predate it; the write result settles it.
    if (t.pendingW !== undefined) return;
    if (t.limitW === undefined) {
      t.adopt(limitW);
      return;
    }
    const tol = Math.max(t.spec.stepW, 2);
    if (Math.abs(limitW - t.limitW) <= tol) t.foreignW = undefined;
    else t.foreignW = limitW;
  }

  private applySettings(changes: Partial<Pick<LimiterSettings, "enabled" | "targetW" | "mode">>): void {
    const next = checkSettings({ ...this.current, ...changes });
    if (changes.enabled === true) {
      // Re-enabling is the user's word that a foreign limit is now fine to take over.
      for (const t of this.tracks.values()) if (t.foreignW !== undefined) t.adopt(t.foreignW);
      this.released = false;
    }
    this.current = next;
  }

  private decide(now: number, kind: LimiterInput["kind"]): LimiterDecision {
    const s = this.current;
    let out: Outcome;
    if (!s.enabled) out = this.release(now);
    else if (!this.daylight)
      out = { state: "idle", reason: "night: the inverters are asleep, nothing to limit", writes: [] };
    else {
      const trouble = this.trouble(now);
      if (trouble) out = this.fallback(now, trouble);
      else {
        this.fallbackDone = false;
        out =
          this.meter.lastW === undefined
            ? { state: "idle", reason: "waiting for the first grid meter sample", writes: [] }
            : controlStep(this, now, kind === "meter");
      }
      const foreign = [...this.tracks.values()].filter((t) => t.foreignW !== undefined);
      if (foreign.length > 0) {
        const list = foreign.map((t) => `${t.spec.serial} to ${w(t.foreignW!)} (we set ${w(t.limitW!)})`);
        out = {
          state: "alarm",
          reason: `another controller or the vendor app changed the limit of ${list.join(", ")}: not fighting it; switch the limiter off and on to take over again`,
          writes: out.writes,
        };
      }
    }
    if (this.failure && out.writes.length === 0 && out.state !== "alarm")
      out.reason = `${out.reason}; ${this.failure}`;
    const writes = s.mode === "monitor" ? [] : out.writes;
    if (s.mode !== "monitor") for (const wr of writes) this.ask(wr, now);
    return this.decision(out.state, out.reason, writes, now);
  }

  private ask(wr: LimitWrite, now: number): void {
    this.tracks.get(wr.serial)!.asked(wr.limitW, now);
    this.budget.record(wr.serial, now);
  }

  private trouble(now: number): MeterTrouble | undefined {
    const t = this.meter.trouble(now, this.current.meterTimeoutS);
    if (t) return t;
    if (this.meter.lastAtMs === undefined && this.firstAtMs !== undefined) {
      const silentS = (now - this.firstAtMs) / 1000;
      if (silentS >= this.current.meterTimeoutS) return { kind: "stale", silentS };
    }
    return undefined;
  }

  /** The settings' fallback, applied once per episode (retried while the budget holds it back). */
  private fallback(now: number, trouble: MeterTrouble): Outcome {
    const mode = this.current.fallback;
    const what = describeTrouble(trouble);
    if (mode === "hold" || this.fallbackDone)
      return { state: "fallback", reason: `${what}: ${fallbackWords(mode)}`, writes: [] };
    const writes: LimitWrite[] = [];
    let waiting = false;
    for (const t of this.tracks.values()) {
      if (t.foreignW !== undefined) continue;
      const want = mode === "full" ? t.spec.hiW : t.spec.loW;
      if (t.targetLimitW === want && t.limitW !== undefined) continue;
      if (this.budget.allows(t.spec.serial, now)) writes.push({ serial: t.spec.serial, limitW: want });
      else waiting = true;
    }
    if (!waiting) this.fallbackDone = true;
    return { state: "fallback", reason: `${what}: ${fallbackWords(mode)}`, writes };
  }

  /** Switched off: every limit back to the inverter's maximum once, then hands off. */
  private release(now: number): Outcome {
    if (this.released)
      return { state: "off", reason: "switched off: the inverters run at full power", writes: [] };
    const writes: LimitWrite[] = [];
    let waiting = false;
    for (const t of this.tracks.values()) {
      // Not ours to release: never read, or set by another controller.
      if ((t.limitW === undefined && t.pendingW === undefined) || t.foreignW !== undefined) continue;
      if (t.targetLimitW >= t.spec.hiW) continue;
      if (this.budget.allows(t.spec.serial, now)) writes.push({ serial: t.spec.serial, limitW: t.spec.hiW });
      else waiting = true;
    }
    // Monitor mode writes nothing, so nothing is released yet: leaving monitor mode while switched off
    // must still return the limits we set before to full power.
    if (this.current.mode === "monitor" && (writes.length > 0 || waiting)) {
      return {
        state: "off",
        reason:
          "switched off in monitor mode: limits left as they are (leave monitor mode to return them to full power)",
        writes,
      };
    }
    if (!waiting) this.released = true;
    const reason =
      writes.length > 0 || waiting
        ? "switched off: returning the inverters to full power"
        : "switched off: the inverters run at full power";
    return { state: "off", reason, writes };
  }

  private decision(
    state: LimiterStateName,
    reason: string,
    writes: LimitWrite[],
    now: number,
  ): LimiterDecision {
    const changed = this.last === undefined || this.last.state !== state || this.last.reason !== reason;
    this.last = { state, reason };
    let total: number | undefined = 0;
    for (const t of this.tracks.values()) {
      if (t.limitW === undefined && t.pendingW === undefined) total = undefined;
      else if (total !== undefined) total += t.foreignW ?? t.targetLimitW;
    }
    return {
      state,
      reason,
      writes,
      totalLimitW: total,
      estimatedOutputW: Math.round(this.outputW(now)),
      changed,
    };
  }
}

function fallbackWords(mode: LimiterSettings["fallback"]): string {
  if (mode === "full") return "inverters set to full power until the meter is back";
  if (mode === "min") return "inverters set to their minimum until the meter is back";
  return "holding the present limits until the meter is back";
}

/** The shortest time room must last before a raise: the settings' interval (at least 10 s). */
export function baseRaiseWaitS(s: LimiterSettings): number {
  return Math.max(s.intervalS, 10);
}

function finite(v: number, what: string): void {
  if (!Number.isFinite(v))
    throw new RangeError(`export limiter: ${what} must be a finite number of W, got ${v}`);
}

function checkSettings(s: LimiterSettings): LimiterSettings {
  const bad = (what: string) => new RangeError(`export limiter settings: ${what}`);
  if (!(Number.isFinite(s.targetW) && s.targetW >= 0)) throw bad(`targetW must be ≥ 0 W, got ${s.targetW}`);
  if (!(Number.isFinite(s.hysteresisW) && s.hysteresisW >= 0))
    throw bad(`hysteresisW must be ≥ 0 W, got ${s.hysteresisW}`);
  if (!(Number.isFinite(s.intervalS) && s.intervalS > 0))
    throw bad(`intervalS must be > 0 s, got ${s.intervalS}`);
  if (!(Number.isFinite(s.meterTimeoutS) && s.meterTimeoutS > 0))
    throw bad(`meterTimeoutS must be > 0 s, got ${s.meterTimeoutS}`);
  if (!(Number.isInteger(s.maxWritesPerHour) && s.maxWritesPerHour >= 1))
    throw bad(`maxWritesPerHour must be a whole number ≥ 1, got ${s.maxWritesPerHour}`);
  if (!["hold", "full", "min"].includes(s.fallback))
    throw bad(`fallback must be hold, full or min, got ${String(s.fallback)}`);
  if (!["export_limit", "zero_export", "monitor"].includes(s.mode))
    throw bad(`mode must be export_limit, zero_export or monitor, got ${String(s.mode)}`);
  return { ...s };
}
