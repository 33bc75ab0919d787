/**
 * Properties of the protection check over every grid code and site size: a site that holds the code
 * passes; readings jittered inside the stated tolerances still pass; one setting moved on one inverter
 * is named on that inverter only, for that setting only, against the code and against its siblings.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkProtection } from "../../src/commission/check.ts";
import { GRID_CODE_IDS, GRID_CODES } from "../../src/commission/grid-codes.ts";
import { CODE_MEANINGS } from "../../src/protocol/protection/meanings.ts";
import type {
  ProtectionCode,
  ProtectionReading,
  ProtectionUnit,
  ProtectionValue,
} from "../../src/protocol/protection/types.ts";

// DS3 tolerances as docs/installer.md states them: ±1 V, ±0.01 Hz, −0.01/+0 s, ±0.2 %/Hz, codes exact.
const JITTER: Record<ProtectionUnit, readonly [number, number]> = {
  V: [-1, 1],
  Hz: [-0.01, 0.01],
  s: [-0.01, 0],
  "%/Hz": [-0.2, 0.2],
  W: [-1, 1],
  code: [0, 0],
};
// Far outside every tolerance, inside every plausible range.
const SHIFT: Record<ProtectionUnit, number> = { V: 5, Hz: 0.5, s: 0.5, "%/Hz": 2, W: 10, code: 1 };

function ds3(serial: string, values: Partial<Record<ProtectionCode, number>>): ProtectionReading {
  const settings: Partial<Record<ProtectionCode, ProtectionValue>> = {};
  for (const [code, value] of Object.entries(values) as [ProtectionCode, number][]) {
    settings[code] = { kind: "value", value, unit: CODE_MEANINGS[code].unit };
  }
  return { serial, model: "DS3", pages: ["A", "B"], settings };
}

const site = fc.record({
  id: fc.constantFrom(...GRID_CODE_IDS),
  count: fc.integer({ min: 3, max: 7 }),
  seed: fc.nat(),
});

describe("checkProtection properties", () => {
  it("passes every inverter holding the code, also with readings jittered within tolerance", () => {
    fc.assert(
      fc.property(site, fc.double({ min: 0, max: 1, noNaN: true }), ({ id, count }, t) => {
        const profile = GRID_CODES[id].settings;
        const serials = Array.from({ length: count }, (_, i) => `70400000000${i}`);
        const readings = serials.map((s) => {
          const v: Partial<Record<ProtectionCode, number>> = {};
          for (const [code, p] of Object.entries(profile) as [ProtectionCode, { value: number }][]) {
            const [lo, hi] = JITTER[CODE_MEANINGS[code].unit];
            // Every inverter at the same point of the band, so siblings agree with each other too.
            v[code] = p.value + lo + (hi - lo) * t;
          }
          return ds3(s, v);
        });
        const r = checkProtection({
          gridCode: id,
          inverters: serials.map((serial) => ({ serial, model: "DS3" })),
          readings,
        });
        expect(r.deviations).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("names one moved setting on one inverter, against the code and the siblings, and nothing else", () => {
    fc.assert(
      fc.property(site, fc.nat(), fc.nat(), ({ id, count }, pickInv, pickCode) => {
        const profile = GRID_CODES[id].settings;
        const codes = Object.keys(profile) as ProtectionCode[];
        const code = codes[pickCode % codes.length]!;
        const victim = pickInv % count;
        const serials = Array.from({ length: count }, (_, i) => `70400000000${i}`);
        const readings = serials.map((s, i) => {
          const v: Partial<Record<ProtectionCode, number>> = {};
          for (const c of codes) v[c] = profile[c]!.value;
          if (i === victim) v[code] = profile[code]!.value + SHIFT[CODE_MEANINGS[code].unit];
          return ds3(s, v);
        });
        const r = checkProtection({
          gridCode: id,
          inverters: serials.map((serial) => ({ serial, model: "DS3" })),
          readings,
        });
        expect(new Set(r.deviations.map((d) => `${d.serial} ${d.code}`))).toEqual(
          new Set([`${serials[victim]} ${code}`]),
        );
        const kinds = r.deviations.map((d) => d.source.kind).filter((k) => k !== "standard");
        expect(kinds).toEqual(["code", "siblings"]);
        const sib = r.deviations.find((d) => d.source.kind === "siblings")!;
        expect(sib.message).toContain(`siblings: ${count - 1} of ${count} DS3 inverters read`);
      }),
      { numRuns: 300 },
    );
  });
});
