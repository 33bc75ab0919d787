/**
 * What the accountant needs to know about each family's counters: the Wh per raw LSB, where the
 * raw counter wraps, and how much a channel can physically produce (to reject garbage).
 */
import type { ModelName } from "../../protocol/models.ts";
import { modelByName } from "../../protocol/models.ts";

// The counters' wire facts live with the codec (the ECU source needs them too); re-exported here.
export { type CounterSpec, counterSpec, UPTIME_MODULUS } from "../../protocol/counters.ts";

/**
 * Continuous AC output per inverter where models.ts carries no datasheet. Vendor datasheets;
 * DS3 takes its largest variant (DS3-H) because the serial prefix does not tell DS3-L/DS3/DS3-H
 * apart. This bound only rejects garbage, so erring high is safe.
 */
const CONTINUOUS_W: Readonly<Record<ModelName, number>> = {
  QS1: 1200,
  QS1A: 1200,
  YC600: 600,
  YC1000: 1000,
  DS3: 960,
};

/** Head-room over the continuous rating: peak output, cold panels, counter-scale error. */
export const MAX_POWER_MARGIN = 1.5;

/** Default per-channel ceiling: 1.5 × continuous output / channels (QS1: 1.5 × 1200 / 4 = 450 W). */
export function defaultMaxChannelW(model: ModelName): number {
  const info = modelByName(model);
  const continuous = info?.datasheet?.maxContinuousW ?? CONTINUOUS_W[model];
  const channels = info?.channels ?? 4;
  return (MAX_POWER_MARGIN * continuous) / channels;
}
