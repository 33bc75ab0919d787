import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ExportLimiter } from "../../../src/automations/export-limit/core.ts";
import type {
  LimiterInput,
  LimiterInverter,
  LimitWrite,
} from "../../../src/automations/export-limit/types.ts";
import { settings, T0 } from "./helpers.ts";

const HOUR = 3_600_000;

const inverterArb = fc
  .record({
    stepW: fc.constantFrom(1, 4, 5),
    lo: fc.integer({ min: 0, max: 50 }),
    span: fc.integer({ min: 20, max: 400 }),
  })
  .map(({ stepW, lo, span }) => ({ minW: (lo * stepW) / 2, maxW: (lo * stepW) / 2 + span * stepW, stepW }));

/** Events a site throws at the core; times advance by `dtS`. */
const eventArb = fc.record({
  dtS: fc.integer({ min: 1, max: 30 }),
  kind: fc.constantFrom("meter", "meter", "meter", "meter", "reading", "link", "tick", "settings", "limit"),
  value: fc.integer({ min: -3000, max: 3000 }),
  pick: fc.nat(),
  flag: fc.boolean(),
});

describe("export limiter properties", () => {
  it("never writes while a constant meter value sits inside the dead band", () => {
    fc.assert(
      fc.property(
        fc.array(inverterArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 800 }),
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(
          fc.record({
            dtS: fc.integer({ min: 1, max: 10 }),
            reading: fc.boolean(),
            pick: fc.nat(),
            share: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { maxLength: 300 },
        ),
        (specs, targetW, hysteresisW, where, events) => {
          const invs: LimiterInverter[] = specs.map((sp, i) => ({ serial: `s${i}`, ...sp }));
          const core = new ExportLimiter(invs, settings({ mode: "export_limit", targetW, hysteresisW }));
          // Inside the band: export between target − hysteresis and target (grid = −export).
          const gridW = -(targetW - where * hysteresisW);
          let t = T0;
          const writes: LimitWrite[] = [];
          const feed = (input: LimiterInput) => writes.push(...core.update(input).writes);
          feed({ kind: "tick", atMs: t, daylight: true });
          invs.forEach((inv) => {
            feed({
              kind: "limit",
              atMs: t,
              serial: inv.serial,
              limitW: inv.maxW - ((inv.maxW - inv.minW) % inv.stepW),
            });
            feed({ kind: "reading", atMs: t, serial: inv.serial, acPowerW: inv.maxW / 2 });
          });
          for (const e of events) {
            t += e.dtS * 1000;
            if (e.reading) {
              const inv = invs[e.pick % invs.length]!;
              feed({ kind: "reading", atMs: t, serial: inv.serial, acPowerW: e.share * inv.maxW });
            } else feed({ kind: "meter", atMs: t, gridW });
          }
          expect(writes).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("never asks more writes than the budget, and every limit is a multiple of stepW within [minW, maxW]", () => {
    fc.assert(
      fc.property(
        fc.array(inverterArb, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 20 }),
        fc.constantFrom("hold", "full", "min"),
        fc.array(eventArb, { minLength: 50, maxLength: 800 }),
        fc.integer({ min: 2, max: 10 }),
        (specs, maxWritesPerHour, fallback, events, latencyS) => {
          const invs: LimiterInverter[] = specs.map((sp, i) => ({ serial: `s${i}`, ...sp }));
          const byId = new Map(invs.map((inv) => [inv.serial, inv]));
          const core = new ExportLimiter(invs, settings({ maxWritesPerHour, fallback, meterTimeoutS: 60 }));
          const asked: { serial: string; atMs: number; limitW: number }[] = [];
          const due: { atMs: number; serial: string; limitW: number; ok: boolean }[] = [];
          let t = T0;
          const feed = (input: LimiterInput) => {
            for (const wr of core.update(input).writes) {
              asked.push({ ...wr, atMs: input.atMs });
              due.push({
                atMs: input.atMs + latencyS * 1000,
                serial: wr.serial,
                limitW: wr.limitW,
                ok: wr.limitW % 3 !== 0,
              });
            }
          };
          feed({ kind: "tick", atMs: t, daylight: true });
          for (const inv of invs)
            feed({ kind: "reading", atMs: t, serial: inv.serial, acPowerW: inv.maxW / 2 });
          for (const e of events) {
            t += e.dtS * 1000;
            while (due.length > 0 && due[0]!.atMs <= t) {
              const r = due.shift()!;
              feed({ kind: "write-result", ...r });
            }
            const inv = invs[e.pick % invs.length]!;
            switch (e.kind) {
              case "meter":
                feed({ kind: "meter", atMs: t, gridW: e.value });
                break;
              case "reading":
                feed({
                  kind: "reading",
                  atMs: t,
                  serial: inv.serial,
                  acPowerW: Math.abs(e.value) % (inv.maxW + 1),
                });
                break;
              case "link":
                feed({ kind: "link", atMs: t, link: "meter", up: e.flag || e.value > -2000 });
                break;
              case "tick":
                feed({ kind: "tick", atMs: t, daylight: e.flag || e.value > -2500 });
                break;
              case "settings":
                feed({ kind: "settings", atMs: t, changes: { enabled: e.flag || e.value > -2000 } });
                break;
              case "limit":
                feed({
                  kind: "limit",
                  atMs: t,
                  serial: inv.serial,
                  limitW: inv.minW + (Math.abs(e.value) % 4) * inv.stepW,
                });
                break;
            }
          }
          for (const a of asked) {
            const inv = byId.get(a.serial)!;
            expect(a.limitW).toBeGreaterThanOrEqual(inv.minW);
            expect(a.limitW).toBeLessThanOrEqual(inv.maxW);
            expect(Number.isInteger(Math.round(a.limitW * 1e6) / 1e6 / inv.stepW)).toBe(true);
            const inHour = asked.filter(
              (b) => b.serial === a.serial && b.atMs > a.atMs - HOUR && b.atMs <= a.atMs,
            );
            expect(inHour.length).toBeLessThanOrEqual(maxWritesPerHour);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
