import { describe, expect, it } from "vitest";
import {
  findPowerUp,
  POWER_UP_LOOKBACK_MS,
  POWER_UP_PROBE_MS,
  POWER_UP_RESOLUTION_MS,
} from "../../src/sim/power-up-search.ts";

const T0 = Date.UTC(2025, 5, 21, 12);

describe("findPowerUp", () => {
  it.each([
    ["an edge between probes", T0 - 3 * 3_600_000 - 123_456],
    ["an edge on a probe", T0 - 5 * POWER_UP_PROBE_MS],
    ["an edge just before t0", T0 - 10],
  ])("finds %s to within the resolution, never before it", (_name, edge) => {
    const up = findPowerUp(T0, (t) => t >= edge);
    expect(up).toBeGreaterThanOrEqual(edge);
    expect(up - edge).toBeLessThanOrEqual(POWER_UP_RESOLUTION_MS);
  });

  it("stops at the lookback when it never finds dark", () => {
    expect(findPowerUp(T0, () => true)).toBe(T0 - POWER_UP_LOOKBACK_MS);
  });
});
