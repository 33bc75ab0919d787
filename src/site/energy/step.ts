/**
 * One reading → the next accounting state. Rules, per channel:
 * - same session: add counter − anchor (a counter wrap adds across the wrap);
 * - first reading or restart: add the counter itself (energy since power-up);
 * - anything more than the channel can produce in the time available is rejected, logged and not
 *   added; the anchor moves to the new value but the last good one is kept as a fallback, so a
 *   one-off garbage value is recovered at the next good reading instead of costing energy.
 * Only non-negative amounts are ever added: lifetime cannot decrease.
 */
import type { ModelName } from "../../protocol/models.ts";
import type { ChannelReading, Telemetry } from "../../protocol/types.ts";
import { localDay } from "../daily.ts";
import { type SessionTolerance, viewSession } from "./session.ts";
import {
  type AccountingResult,
  type ChannelResult,
  type ChannelState,
  cloneState,
  type EnergyEvent,
  type EnergyEventCode,
  emptyChannel,
  type InverterState,
  type SessionKind,
} from "./state.ts";
import { counterSpec, UPTIME_MODULUS } from "./units.ts";

export interface StepConfig {
  timeZone: string;
  calibration: number;
  tolerance: SessionTolerance;
  maxChannelW: (serial: string, model: ModelName) => number;
}

/** A wrap of the uptime within a poll gap this long reads as a restart when a restart also fits. */
const BLIND_WRAP_MS = 3_600_000;

/** Counter resolution and rounding: below this a "too much energy" verdict is noise. */
const SLACK_WH = 0.01;

/** AC power from two readings of one session: calibrated Wh delta over inverter seconds. */
export function acPowerFromCounters(deltaWh: number, uptimeDeltaS: number): number | undefined {
  if (!(uptimeDeltaS > 0) || !(deltaWh >= 0)) return undefined;
  return (deltaWh * 3600) / uptimeDeltaS;
}

export function stepReading(
  prev: InverterState | undefined,
  t: Telemetry,
  atMs: number,
  cfg: StepConfig,
): { next: InverterState; result: AccountingResult } {
  const step = openStep(prev, t, atMs, cfg);
  const day = rollDay(step);
  const uptimeOk = Number.isInteger(t.uptimeS) && t.uptimeS >= 0 && t.uptimeS < UPTIME_MODULUS;
  const s = classifySession(step, uptimeOk);
  const channels = t.channels.map((r) => accountChannel(step, r, s, uptimeOk));
  const deltaWh = channels.reduce((a, c) => a + c.deltaWh, 0);
  const { next } = step;
  if (uptimeOk) {
    next.atMs = atMs;
    next.uptimeS = t.uptimeS;
  }
  const power = acPower(t, s, channels, deltaWh);
  return {
    next,
    result: {
      serial: t.serial,
      atMs,
      day,
      session: s.session,
      deltaWh,
      lifetimeWh: next.channels.reduce((a, c) => a + c.lifetimeWh, 0),
      todayWh: next.channels.reduce((a, c) => a + c.dayWh, 0),
      ...power,
      channels,
      events: step.events,
    },
  };
}

/** What every step of one reading shares: the reading, the state being built, the events noted. */
interface Step {
  prev: InverterState | undefined;
  next: InverterState;
  t: Telemetry;
  atMs: number;
  cfg: StepConfig;
  spec: ReturnType<typeof counterSpec>;
  maxW: number;
  events: EnergyEvent[];
}

/** Which session the reading is in, and the time spans its counters are judged against. */
interface SessionView {
  session: SessionKind;
  continuedSpanS: number;
  restartSpanS: number;
  uptimeDeltaS: number;
}

function openStep(prev: InverterState | undefined, t: Telemetry, atMs: number, cfg: StepConfig): Step {
  return {
    prev,
    next: prev ? cloneState(prev) : { ...emptyInverter(t.serial) },
    t,
    atMs,
    cfg,
    spec: counterSpec(t.family),
    maxW: cfg.maxChannelW(t.serial, t.model),
    events: [],
  };
}

function note(
  step: Step,
  level: EnergyEvent["level"],
  code: EnergyEventCode,
  message: string,
  channel?: number,
): void {
  step.events.push({
    level,
    code,
    serial: step.t.serial,
    atMs: step.atMs,
    message,
    ...(channel === undefined ? {} : { channel }),
  });
}

/** Raw counter units → Wh before calibration (the physics bound is on the inverter's own scale). */
function fits(step: Step, lsb: number, spanS: number): boolean {
  return lsb * step.spec.whPerLsb <= (step.maxW * Math.max(spanS, 0)) / 3600 + SLACK_WH;
}

function validCounter(step: Step, r: ChannelReading): boolean {
  return Number.isInteger(r.energyCounter) && r.energyCounter >= 0 && r.energyCounter < step.spec.modulus;
}

/**
 * Day rollover. Readings book on their local day; a clock stepped back across midnight books on
 * the day already open rather than rewriting yesterday's total.
 */
function rollDay(step: Step): string {
  const { next } = step;
  const readingDay = localDay(step.atMs, step.cfg.timeZone);
  if (next.day === null || readingDay > next.day) {
    for (const c of next.channels) c.dayWh = 0;
    next.day = readingDay;
  } else if (readingDay < next.day) {
    note(
      step,
      "warn",
      "clock-anomaly",
      `reading dated ${readingDay} after one dated ${next.day}: booked on ${next.day}`,
    );
  }
  return next.day;
}

function classifySession(step: Step, uptimeOk: boolean): SessionView {
  const { prev, t, cfg } = step;
  const view: SessionView = {
    session: "first",
    continuedSpanS: 0,
    restartSpanS: t.uptimeS + cfg.tolerance.fixedS,
    uptimeDeltaS: 0,
  };
  if (!uptimeOk) {
    note(step, "warn", "invalid", `uptime ${t.uptimeS} is not a 16-bit second count: reading ignored`);
    return view;
  }
  if (prev?.atMs == null || prev.uptimeS == null) return view;
  const v = viewSession(prev.atMs, prev.uptimeS, step.atMs, t.uptimeS, cfg.tolerance);
  view.continuedSpanS = v.continuedSpanS;
  view.restartSpanS = v.restartSpanS;
  view.uptimeDeltaS = v.uptimeDeltaS;
  if (v.continued && v.restart) {
    // Both fit: the previous reading came just after power-up, or the uptimes line up modulo
    // 65536. A counter that went down (not across its wrap) means restart. So does an uptime
    // wrap we did not watch happen over an hour or more: sessions of 18 h+ are rare, a power-up
    // in an unobserved hour (a night) is not, and a wrong "continued" would drop a whole day.
    // Otherwise "continued": its failure mode is under-counting, never a spike.
    const blindWrap = v.uptimeWrapped && step.atMs - prev.atMs >= BLIND_WRAP_MS;
    const down = t.channels.some((r) => {
      const a = prev.channels[r.channel - 1]?.counter;
      return (
        validCounter(step, r) &&
        a != null &&
        r.energyCounter < a &&
        !fits(step, r.energyCounter + step.spec.modulus - a, v.continuedSpanS)
      );
    });
    view.session = down || blindWrap ? "restart" : "continued";
  } else if (v.continued) view.session = "continued";
  else if (v.restart) view.session = "restart";
  else {
    view.session = v.uptimeWentDown ? "restart" : "continued";
    note(
      step,
      "warn",
      "clock-anomaly",
      `uptime ${prev.uptimeS} → ${t.uptimeS} s does not fit ${((step.atMs - prev.atMs) / 1000).toFixed(0)} s of wall time: treated as ${view.session}; check the controller's clock`,
    );
  }
  if (view.session === "restart") {
    note(step, "debug", "restart", `inverter restarted (uptime ${prev.uptimeS} → ${t.uptimeS} s)`);
    view.uptimeDeltaS = 0;
    // Channels missing from this reading have stale anchors from the old session.
    const present = new Set(t.channels.map((r) => r.channel));
    step.next.channels.forEach((c, i) => {
      if (!present.has(i + 1)) c.counter = null;
    });
  } else if (v.uptimeWrapped) {
    note(step, "debug", "uptime-wrap", `uptime wrapped (${prev.uptimeS} → ${t.uptimeS} s)`);
  }
  return view;
}

function channelState(step: Step, r: ChannelReading): ChannelState {
  const { channels } = step.next;
  while (channels.length < r.channel) channels.push(emptyChannel());
  return channels[r.channel - 1]!;
}

/** Books one channel's counter: the energy it adds, or why it was rejected. */
function accountChannel(step: Step, r: ChannelReading, s: SessionView, uptimeOk: boolean): ChannelResult {
  const c = channelState(step, r);
  let counted: Counted;
  if (!uptimeOk) counted = { lsb: 0, rejected: "invalid uptime" };
  else if (!validCounter(step, r)) {
    counted = rejectChannel(
      step,
      r,
      "invalid",
      `counter ${r.energyCounter} outside 0…${step.spec.modulus - 1}: ignored`,
    );
  } else if (s.session !== "continued" || c.counter === null) counted = sincePowerUp(step, r, c, s);
  else counted = sinceAnchor(step, r, c, s);
  const wh = counted.lsb * step.spec.whPerLsb * step.cfg.calibration;
  c.lifetimeWh += wh;
  c.dayWh += wh;
  return {
    channel: r.channel,
    voltageV: r.voltageV,
    currentA: r.currentA,
    powerW: r.powerW,
    deltaWh: wh,
    lifetimeWh: c.lifetimeWh,
    todayWh: c.dayWh,
    rejected: counted.rejected,
  };
}

/** Counter units a channel adds, or null with the reason it adds nothing. */
interface Counted {
  lsb: number;
  rejected: string | null;
}

function rejectChannel(step: Step, r: ChannelReading, code: EnergyEventCode, why: string): Counted {
  note(step, "warn", code, `channel ${r.channel}: ${why}`, r.channel);
  return { lsb: 0, rejected: why };
}

/**
 * Energy since power-up. A continued session with no anchor (channel seen for the first time) may
 * have powered up long ago: only its uptime bounds it.
 */
function sincePowerUp(step: Step, r: ChannelReading, c: ChannelState, s: SessionView): Counted {
  const counter = r.energyCounter;
  const span = s.session === "restart" ? s.restartSpanS : step.t.uptimeS + step.cfg.tolerance.fixedS;
  let counted: Counted = { lsb: counter, rejected: null };
  if (!fits(step, counter, span)) {
    const why = `${whText(counter, step.spec.whPerLsb)} since power-up exceeds ${step.maxW} W × ${span.toFixed(0)} s`;
    counted = rejectChannel(step, r, "implausible", why);
  }
  c.counter = counter;
  c.fallbackCounter = null;
  c.fallbackAtMs = null;
  return counted;
}

/** Same session: counter − anchor, across a wrap; a rejected jump keeps the last good anchor as fallback. */
function sinceAnchor(step: Step, r: ChannelReading, c: ChannelState, s: SessionView): Counted {
  const { spec, prev, atMs } = step;
  const counter = r.energyCounter;
  const anchor = c.counter!;
  let candidate: number | null = counter - anchor;
  if (counter < anchor) {
    candidate = fits(step, counter + spec.modulus - anchor, s.continuedSpanS)
      ? counter + spec.modulus - anchor
      : null;
    if (candidate !== null) {
      note(step, "debug", "counter-wrap", `channel ${r.channel}: counter wrapped`, r.channel);
    }
  }
  let counted: Counted;
  if (candidate !== null && fits(step, candidate, s.continuedSpanS))
    counted = { lsb: candidate, rejected: null };
  else if (c.fallbackCounter !== null && c.fallbackAtMs !== null && recoverable(step, counter, c)) {
    counted = { lsb: counter - c.fallbackCounter, rejected: null };
    note(
      step,
      "warn",
      "recovered",
      `channel ${r.channel}: back in line with the last good counter; nothing lost`,
      r.channel,
    );
  } else {
    if (candidate === null) {
      counted = rejectChannel(
        step,
        r,
        "counter-down",
        `counter went down in a running session (${anchor} → ${counter})`,
      );
    } else {
      const dt = ((atMs - (prev?.atMs ?? atMs)) / 1000).toFixed(0);
      counted = rejectChannel(
        step,
        r,
        "implausible",
        `jump of ${whText(candidate, spec.whPerLsb)} in ${dt} s exceeds ${step.maxW} W`,
      );
    }
    if (c.fallbackCounter === null) {
      c.fallbackCounter = anchor;
      c.fallbackAtMs = prev?.atMs ?? atMs;
    }
  }
  c.counter = counter;
  if (counted.rejected === null) {
    c.fallbackCounter = null;
    c.fallbackAtMs = null;
  }
  return counted;
}

function recoverable(step: Step, counter: number, c: ChannelState): boolean {
  const fb = c.fallbackCounter!;
  const spanS = (step.atMs - c.fallbackAtMs!) / 1000;
  const slack = step.cfg.tolerance.fixedS + step.cfg.tolerance.fraction * Math.max(spanS, 0);
  return counter >= fb && fits(step, counter - fb, spanS + slack);
}

/** The reported AC power, or one from the counters when the inverter gives none and they are sound. */
function acPower(
  t: Telemetry,
  s: SessionView,
  channels: ChannelResult[],
  deltaWh: number,
): Pick<AccountingResult, "acPowerW" | "acPowerSource"> {
  if (t.acPowerSource === "reported") return { acPowerW: t.acPowerW, acPowerSource: "reported" };
  if (s.session === "continued" && channels.every((c) => c.rejected === null)) {
    const w = acPowerFromCounters(deltaWh, s.uptimeDeltaS);
    if (w !== undefined) return { acPowerW: w, acPowerSource: "counters" };
  }
  return { acPowerW: t.acPowerW, acPowerSource: "estimate" };
}

function emptyInverter(serial: string): InverterState {
  return { serial, atMs: null, uptimeS: null, day: null, channels: [], retiredBy: null };
}

function whText(lsb: number, whPerLsb: number): string {
  return `${(lsb * whPerLsb).toFixed(1)} Wh`;
}
