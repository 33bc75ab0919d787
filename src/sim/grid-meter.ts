/**
 * A simulated grid meter, as a P1 reader or a Shelly EM sees the house's connection: what the house uses
 * minus what the inverters feed in. Pure: the load and the inverters' true outputs come in, a reading
 * goes out; publishing it is the caller's business (the demo puts it on MQTT).
 */

export interface GridMeterReading {
  /** Simulated time, epoch ms. */
  tMs: number;
  /** Net power at the grid connection, whole W: positive = import, negative = export. */
  gridW: number;
  /** The house's consumption, W. */
  loadW: number;
  /** Σ of the inverters' true AC output, W. */
  pvW: number;
}

/** Load minus production, rounded to the 1 W a P1 port resolves (DSMR reports kW with 3 decimals). */
export function readGridMeter(
  tMs: number,
  loadW: number,
  inverterOutputsW: readonly number[],
): GridMeterReading {
  const bad = [loadW, ...inverterOutputsW].find((w) => !(Number.isFinite(w) && w >= 0));
  if (bad !== undefined) {
    throw new RangeError(`readGridMeter: the load and every inverter output must be ≥ 0 W, got ${bad}`);
  }
  const pvW = inverterOutputsW.reduce((s, w) => s + w, 0);
  // `+ 0`: a balance that rounds to −0 reads as plain 0.
  return { tMs, gridW: Math.round(loadW - pvW) + 0, loadW, pvW };
}

/** Whether a meter reading every `periodMs` falls at `tMs` (readings sit on multiples of the period). */
export function meterDue(tMs: number, periodMs: number): boolean {
  return tMs % periodMs === 0;
}
