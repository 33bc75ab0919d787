/**
 * The meter's word on a write: the load does not answer our commands, so once a batch of writes has
 * settled, the change the meter saw is the change in output (up to what the load did meanwhile).
 * If the output moved clearly less than the estimate said (a raise on inverters the clouds had
 * already limited, a cut on inverters that gave less than their limit), the inverters concerned give
 * what the meter implies: est = output before + the change seen, shared as the expected change was.
 * A poll corrects it again; this only bridges the minutes until then.
 */
import type { InverterTrack } from "./estimate.ts";

export interface Batch {
  meterAtAskW: number;
  askedAtMs: number;
  items: { track: InverterTrack; beforeW: number; expectedW: number }[];
}

/** Expected output change is a raise or cut worth checking; smaller differences are noise. */
const MIN_MISMATCH_W = 50;
const MIN_MISMATCH_SHARE = 0.25;

/** Call with the first meter sample after the batch has settled; returns true if it corrected. */
export function checkBatch(batch: Batch, gridW: number): boolean {
  const expected = batch.items.reduce((s, i) => s + i.expectedW, 0);
  // Output up → import down: the change seen in output is minus the change in grid power.
  const seen = -(gridW - batch.meterAtAskW);
  const shortfall = Math.abs(expected) - Math.sign(expected) * seen;
  if (expected === 0 || shortfall < Math.max(MIN_MISMATCH_W, MIN_MISMATCH_SHARE * Math.abs(expected)))
    return false;
  // The meter moved the other way or not at all: the load changed too, nothing to learn.
  if (Math.sign(seen) !== Math.sign(expected)) return false;
  for (const i of batch.items) {
    const est = i.beforeW + (seen * i.expectedW) / expected;
    i.track.implied(est);
  }
  return true;
}
