/**
 * How far a read value may sit from the expected one and still pass: what the page scales and the
 * vendor's rounding justify (../shared/reference/grid-protection.md §7):
 * - volts ±1 V on every model (DS3 LSB 0.268 V with the vendor's truncate/round ambiguity; QS1 read as
 *   integers, LSB 0.19 V);
 * - hertz ±0.01 Hz on DS3 (0.01 Hz LSB), ±0.005 Hz on QS1/QS1A (24-bit period, 5e7 / raw);
 * - seconds −0.01/+0 s on DS3 (the captured page reads 0.01 s under the profile), ±0.01 s otherwise;
 * - droop slope ±0.2 %/Hz (openaps `toleranceFor`; DS3 LSB is 0.27 %/Hz, QS1 0.169 %/Hz);
 * - watts ±1 W, mode codes exact.
 * Models without a checked page (YC600, YC1000) get the DS3/QS1 envelope of the unit: ±1 V, ±0.01 Hz,
 * ±0.01 s.
 */
import type { ProtectionUnit } from "../protocol/protection/types.ts";

export interface Tolerance {
  /** How much lower than expected a read value may be. */
  below: number;
  /** How much higher. */
  above: number;
}

export function toleranceFor(model: string, unit: ProtectionUnit): Tolerance {
  const ds3 = model === "DS3";
  const qs1 = model === "QS1" || model === "QS1A";
  switch (unit) {
    case "V":
      return { below: 1, above: 1 };
    case "Hz":
      return qs1 ? { below: 0.005, above: 0.005 } : { below: 0.01, above: 0.01 };
    case "s":
      return ds3 ? { below: 0.01, above: 0 } : { below: 0.01, above: 0.01 };
    case "%/Hz":
      return { below: 0.2, above: 0.2 };
    case "W":
      return { below: 1, above: 1 };
    case "code":
      return { below: 0, above: 0 };
  }
}

/** Float slack so 0.1 + 0.2-style sums do not fail a comparison at the tolerance's edge. */
const EPS = 1e-9;

export function within(read: number, expected: number, t: Tolerance): boolean {
  return read >= expected - t.below - EPS && read <= expected + t.above + EPS;
}

export function describeTolerance(t: Tolerance, unit: ProtectionUnit): string {
  if (t.below === 0 && t.above === 0) return "exact";
  if (t.below === t.above) return `±${t.below} ${unit}`;
  return `−${t.below}/+${t.above} ${unit}`;
}
