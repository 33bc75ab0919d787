/**
 * Is a reading in the same power-up session as the previous one, or did the inverter restart?
 *
 * Inverters run on panel power: their uptime (16-bit s) and energy counters restart at every
 * power-up. Between two polls `dt` wall seconds apart, a session that kept running shows its
 * uptime up by ≈ dt (modulo 65536); a restart shows an uptime no larger than dt (power-up came
 * after our last poll). When both fit, the counters decide (see energy.ts).
 */
import { UPTIME_MODULUS } from "./units.ts";

export interface SessionTolerance {
  /** Fixed slack for poll latency and whole-second uptime (s). */
  fixedS: number;
  /** Proportional slack for the inverter's clock drift against ours. */
  fraction: number;
}

/**
 * 15 s covers poll latency and retries; 0.5 % covers a cheap oscillator. Kept tight because a
 * long outage whose uptime happens to line up modulo 65536 reads as "continued" (see energy.ts).
 */
export const DEFAULT_TOLERANCE: SessionTolerance = { fixedS: 15, fraction: 0.005 };

export interface SessionView {
  /** Uptime fits "the same session kept running". */
  continued: boolean;
  /** Seconds of production a continued reading may cover (max of wall and inverter time). */
  continuedSpanS: number;
  /** Inverter seconds since the previous reading, when continued (for AC power). */
  uptimeDeltaS: number;
  /** The uptime counter wrapped past 65535 in between. */
  uptimeWrapped: boolean;
  /** Uptime fits "restarted after our previous reading". */
  restart: boolean;
  /** Upper bound on seconds since power-up, when restarted. */
  restartSpanS: number;
  /** Uptime went down and no wrap explains it: the inverter certainly restarted. */
  uptimeWentDown: boolean;
  /** Neither story fits the wall clock: a clock step or a garbage uptime. */
  anomaly: boolean;
}

export function viewSession(
  prevAtMs: number,
  prevUptimeS: number,
  atMs: number,
  uptimeS: number,
  tol: SessionTolerance = DEFAULT_TOLERANCE,
): SessionView {
  const dt = (atMs - prevAtMs) / 1000;
  const rawDu = uptimeS - prevUptimeS;
  const slack = tol.fixedS + tol.fraction * Math.max(dt, 0);

  if (dt <= 0) {
    // Our clock did not advance (duplicate poll, or it was stepped back): only uptime can tell.
    const up = rawDu >= 0;
    return {
      continued: up,
      continuedSpanS: Math.max(rawDu, 0),
      uptimeDeltaS: Math.max(rawDu, 0),
      uptimeWrapped: false,
      restart: !up,
      restartSpanS: uptimeS + tol.fixedS,
      uptimeWentDown: !up,
      anomaly: false,
    };
  }

  // Continued: uptime advanced by dt, possibly across one or more 16-bit wraps. More inverter time
  // than wall time is also accepted (our clock was stepped back); a power-up cannot explain it.
  let continued = false;
  let du = rawDu;
  let wrapped = false;
  if (rawDu >= 0 && rawDu >= dt - slack) continued = true;
  else {
    const k = Math.max(rawDu < 0 ? 1 : 0, Math.round((dt - rawDu) / UPTIME_MODULUS));
    const candidate = rawDu + k * UPTIME_MODULUS;
    if (k > 0 && Math.abs(candidate - dt) <= slack) {
      continued = true;
      du = candidate;
      wrapped = true;
    }
  }

  // Restart: power-up came after the previous reading, so time since power-up (uptime plus any
  // whole wraps) is at most dt. The energy bound uses that, never the raw uptime alone, so a
  // garbage low uptime mid-day cannot let a whole day's counter count twice.
  const restart = uptimeS <= dt + slack;
  const sincePowerUp = restart
    ? uptimeS + UPTIME_MODULUS * Math.max(0, Math.floor((dt + slack - uptimeS) / UPTIME_MODULUS))
    : 0;

  return {
    continued,
    continuedSpanS: continued ? Math.max(dt, du) + slack : dt + slack,
    uptimeDeltaS: continued ? du : 0,
    uptimeWrapped: wrapped,
    restart,
    restartSpanS: restart ? Math.min(sincePowerUp, dt) + tol.fixedS : dt + tol.fixedS,
    uptimeWentDown: rawDu < 0 && !wrapped,
    anomaly: !continued && !restart,
  };
}
