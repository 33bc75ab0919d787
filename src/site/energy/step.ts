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
  const spec = counterSpec(t.family);
  const maxW = cfg.maxChannelW(t.serial, t.model);
  const events: EnergyEvent[] = [];
  const note = (level: EnergyEvent["level"], code: EnergyEventCode, message: string, channel?: number) =>
    events.push({
      level,
      code,
      serial: t.serial,
      atMs,
      message,
      ...(channel === undefined ? {} : { channel }),
    });
  /** Raw counter units → Wh before calibration (the physics bound is on the inverter's own scale). */
  const fits = (lsb: number, spanS: number) =>
    lsb * spec.whPerLsb <= (maxW * Math.max(spanS, 0)) / 3600 + SLACK_WH;

  const next: InverterState = prev ? cloneState(prev) : { ...emptyInverter(t.serial) };

  // Day rollover. Readings book on their local day; a clock stepped back across midnight books on
  // the day already open rather than rewriting yesterday's total.
  const readingDay = localDay(atMs, cfg.timeZone);
  if (next.day === null || readingDay > next.day) {
    for (const c of next.channels) c.dayWh = 0;
    next.day = readingDay;
  } else if (readingDay < next.day) {
    note(
      "warn",
      "clock-anomaly",
      `reading dated ${readingDay} after one dated ${next.day}: booked on ${next.day}`,
    );
  }
  const day = next.day;

  const uptimeOk = Number.isInteger(t.uptimeS) && t.uptimeS >= 0 && t.uptimeS < UPTIME_MODULUS;
  const validCounter = (r: ChannelReading) =>
    Number.isInteger(r.energyCounter) && r.energyCounter >= 0 && r.energyCounter < spec.modulus;
  const chan = (r: ChannelReading): ChannelState => {
    while (next.channels.length < r.channel) next.channels.push(emptyChannel());
    return next.channels[r.channel - 1]!;
  };

  // Which session is this reading in?
  let session: SessionKind = "first";
  let continuedSpanS = 0;
  let restartSpanS = t.uptimeS + cfg.tolerance.fixedS;
  let uptimeDeltaS = 0;
  if (!uptimeOk) {
    note("warn", "invalid", `uptime ${t.uptimeS} is not a 16-bit second count: reading ignored`);
  } else if (prev?.atMs != null && prev.uptimeS != null) {
    const v = viewSession(prev.atMs, prev.uptimeS, atMs, t.uptimeS, cfg.tolerance);
    continuedSpanS = v.continuedSpanS;
    restartSpanS = v.restartSpanS;
    uptimeDeltaS = v.uptimeDeltaS;
    if (v.continued && v.restart) {
      // Both fit: the previous reading came just after power-up, or the uptimes line up modulo
      // 65536. A counter that went down (not across its wrap) means restart. So does an uptime
      // wrap we did not watch happen over an hour or more: sessions of 18 h+ are rare, a power-up
      // in an unobserved hour (a night) is not, and a wrong "continued" would drop a whole day.
      // Otherwise "continued": its failure mode is under-counting, never a spike.
      const blindWrap = v.uptimeWrapped && atMs - prev.atMs >= BLIND_WRAP_MS;
      const down = t.channels.some((r) => {
        const a = prev.channels[r.channel - 1]?.counter;
        return (
          validCounter(r) &&
          a != null &&
          r.energyCounter < a &&
          !fits(r.energyCounter + spec.modulus - a, continuedSpanS)
        );
      });
      session = down || blindWrap ? "restart" : "continued";
    } else if (v.continued) session = "continued";
    else if (v.restart) session = "restart";
    else {
      session = v.uptimeWentDown ? "restart" : "continued";
      note(
        "warn",
        "clock-anomaly",
        `uptime ${prev.uptimeS} → ${t.uptimeS} s does not fit ${((atMs - prev.atMs) / 1000).toFixed(0)} s of wall time: treated as ${session}; check the controller's clock`,
      );
    }
    if (session === "restart") {
      note("debug", "restart", `inverter restarted (uptime ${prev.uptimeS} → ${t.uptimeS} s)`);
      uptimeDeltaS = 0;
      // Channels missing from this reading have stale anchors from the old session.
      const present = new Set(t.channels.map((r) => r.channel));
      next.channels.forEach((c, i) => {
        if (!present.has(i + 1)) c.counter = null;
      });
    } else if (v.uptimeWrapped) {
      note("debug", "uptime-wrap", `uptime wrapped (${prev.uptimeS} → ${t.uptimeS} s)`);
    }
  }

  const channels: ChannelResult[] = [];
  let deltaWh = 0;
  for (const r of t.channels) {
    const c = chan(r);
    let lsb = 0;
    let rejected: string | null = null;
    const reject = (code: EnergyEventCode, why: string): string => {
      note("warn", code, `channel ${r.channel}: ${why}`, r.channel);
      return why;
    };
    const counter = r.energyCounter;
    if (!uptimeOk) rejected = "invalid uptime";
    else if (!validCounter(r)) {
      rejected = reject("invalid", `counter ${counter} outside 0…${spec.modulus - 1}: ignored`);
    } else if (session !== "continued" || c.counter === null) {
      // Energy since power-up. A continued session with no anchor (channel seen for the first
      // time) may have powered up long ago: only its uptime bounds it.
      const span = session === "restart" ? restartSpanS : t.uptimeS + cfg.tolerance.fixedS;
      if (fits(counter, span)) lsb = counter;
      else {
        const why = `${whText(counter, spec.whPerLsb)} since power-up exceeds ${maxW} W × ${span.toFixed(0)} s`;
        rejected = reject("implausible", why);
      }
      c.counter = counter;
      c.fallbackCounter = null;
      c.fallbackAtMs = null;
    } else {
      const anchor = c.counter;
      let candidate: number | null = counter - anchor;
      if (counter < anchor) {
        candidate = fits(counter + spec.modulus - anchor, continuedSpanS)
          ? counter + spec.modulus - anchor
          : null;
        if (candidate !== null) {
          note("debug", "counter-wrap", `channel ${r.channel}: counter wrapped`, r.channel);
        }
      }
      if (candidate !== null && fits(candidate, continuedSpanS)) lsb = candidate;
      else if (c.fallbackCounter !== null && c.fallbackAtMs !== null && recoverable(counter, c, atMs)) {
        lsb = counter - c.fallbackCounter;
        note(
          "warn",
          "recovered",
          `channel ${r.channel}: back in line with the last good counter; nothing lost`,
          r.channel,
        );
      } else {
        if (candidate === null) {
          rejected = reject(
            "counter-down",
            `counter went down in a running session (${anchor} → ${counter})`,
          );
        } else {
          const dt = ((atMs - (prev?.atMs ?? atMs)) / 1000).toFixed(0);
          rejected = reject(
            "implausible",
            `jump of ${whText(candidate, spec.whPerLsb)} in ${dt} s exceeds ${maxW} W`,
          );
        }
        if (c.fallbackCounter === null) {
          c.fallbackCounter = anchor;
          c.fallbackAtMs = prev?.atMs ?? atMs;
        }
      }
      c.counter = counter;
      if (rejected === null) {
        c.fallbackCounter = null;
        c.fallbackAtMs = null;
      }
    }
    const wh = lsb * spec.whPerLsb * cfg.calibration;
    c.lifetimeWh += wh;
    c.dayWh += wh;
    deltaWh += wh;
    channels.push({
      channel: r.channel,
      voltageV: r.voltageV,
      currentA: r.currentA,
      powerW: r.powerW,
      deltaWh: wh,
      lifetimeWh: c.lifetimeWh,
      todayWh: c.dayWh,
      rejected,
    });
  }

  function recoverable(counter: number, c: ChannelState, now: number): boolean {
    const fb = c.fallbackCounter!;
    const spanS = (now - c.fallbackAtMs!) / 1000;
    const slack = cfg.tolerance.fixedS + cfg.tolerance.fraction * Math.max(spanS, 0);
    return counter >= fb && fits(counter - fb, spanS + slack);
  }

  if (uptimeOk) {
    next.atMs = atMs;
    next.uptimeS = t.uptimeS;
  }

  let acPowerW = t.acPowerW;
  let acPowerSource: AccountingResult["acPowerSource"] =
    t.acPowerSource === "reported" ? "reported" : "estimate";
  if (acPowerSource === "estimate" && session === "continued" && channels.every((c) => c.rejected === null)) {
    const w = acPowerFromCounters(deltaWh, uptimeDeltaS);
    if (w !== undefined) {
      acPowerW = w;
      acPowerSource = "counters";
    }
  }

  const lifetimeWh = next.channels.reduce((a, c) => a + c.lifetimeWh, 0);
  const todayWh = next.channels.reduce((a, c) => a + c.dayWh, 0);
  return {
    next,
    result: {
      serial: t.serial,
      atMs,
      day,
      session,
      deltaWh,
      lifetimeWh,
      todayWh,
      acPowerW,
      acPowerSource,
      channels,
      events,
    },
  };
}

function emptyInverter(serial: string): InverterState {
  return { serial, atMs: null, uptimeS: null, day: null, channels: [], retiredBy: null };
}

function whText(lsb: number, whPerLsb: number): string {
  return `${(lsb * whPerLsb).toFixed(1)} Wh`;
}
