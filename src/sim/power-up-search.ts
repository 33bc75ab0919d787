/**
 * When did an inverter that is already lit at `t0` power up? Used for a warm start: a simulation
 * started at noon should show a morning's worth of energy, not fresh counters.
 */

/** How far back to look: past a day of light the start is capped there. */
export const POWER_UP_LOOKBACK_MS = 86_400_000;
/** Coarse probe step back in time, before bisecting. */
export const POWER_UP_PROBE_MS = 600_000;
/** Bisection stops at this resolution. */
export const POWER_UP_RESOLUTION_MS = 1000;

/**
 * The first lit time (to POWER_UP_RESOLUTION_MS) of the lit stretch ending at `t0`, found by
 * POWER_UP_PROBE_MS probes back and then bisection; `lit(t0)` must be true. Assumes one dark→lit edge
 * between the last dark probe and the first lit one, which holds for a step far shorter than a night.
 */
export function findPowerUp(t0: number, lit: (t: number) => boolean): number {
  let lo = t0;
  let hi = t0;
  while (t0 - lo < POWER_UP_LOOKBACK_MS) {
    hi = lo;
    lo -= POWER_UP_PROBE_MS;
    if (!lit(lo)) break;
  }
  if (lit(lo)) hi = lo;
  while (hi - lo > POWER_UP_RESOLUTION_MS) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (lit(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
