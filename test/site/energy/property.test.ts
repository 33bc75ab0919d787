/**
 * Property tests: a model inverter (exact raw counters, integer-second uptime) runs random
 * sequences of days, brown-outs, missed polls, wraps and garbage; the accountant must never let a
 * lifetime go down, and on clean input must account exactly the energy it was shown.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EnergyAccountant } from "../../../src/site/energy/index.ts";
import { at, QS1_SERIAL, TZ, telemetry, WH_PER_STEP } from "./fixtures.ts";

const QS1_ENERGY_WH_PER_LSB = WH_PER_STEP.qs1;

const M = 2 ** 40;
const CHANNELS = 4;

class ModelInverter {
  nowMs = at("2024-03-01T06:00+01:00");
  uptime = 0;
  counters = [0, 0, 0, 0];
  /** Raw energy produced, and the part no poll saw before its counter restarted. */
  produced = [0, 0, 0, 0];
  lost = [0, 0, 0, 0];
  private seenAtLastPoll: number[] | null = null;

  run(seconds: number, watts: readonly number[]): void {
    this.nowMs += seconds * 1000;
    this.uptime += seconds;
    for (let i = 0; i < CHANNELS; i++) {
      const raw = Math.round((watts[i]! * seconds) / 3600 / QS1_ENERGY_WH_PER_LSB);
      this.counters[i] = (this.counters[i]! + raw) % M;
      this.produced[i]! += raw;
    }
  }

  /** Off for `seconds` (night or brown-out); the counters restart at the next power-up. */
  powerCycle(seconds: number): void {
    for (let i = 0; i < CHANNELS; i++) {
      const seen = this.seenAtLastPoll?.[i] ?? 0;
      this.lost[i]! += (this.counters[i]! - seen + M) % M;
    }
    this.seenAtLastPoll = null;
    this.nowMs += seconds * 1000;
    this.uptime = 0;
    this.counters = [0, 0, 0, 0];
  }

  reading(): { uptimeS: number; counters: { raw: number }[] } {
    this.seenAtLastPoll = [...this.counters];
    return { uptimeS: this.uptime % 65536, counters: this.counters.map((raw) => ({ raw })) };
  }
}

const watts = fc.array(fc.integer({ min: 0, max: 400 }), { minLength: CHANNELS, maxLength: CHANNELS });

interface SessionSpec {
  offS: number;
  steps: { s: number; w: number[]; poll: boolean }[];
  missMorning: number;
}

/** One power-up session: runs of 60–900 s, each poll missed with some probability. */
const sessionArb: fc.Arbitrary<SessionSpec> = fc.record({
  offS: fc.oneof(fc.integer({ min: 120, max: 3600 }), fc.integer({ min: 6 * 3600, max: 14 * 3600 })),
  steps: fc.array(fc.record({ s: fc.integer({ min: 60, max: 900 }), w: watts, poll: fc.boolean() }), {
    maxLength: 90,
  }),
  missMorning: fc.integer({ min: 0, max: 40 }),
});

type Op =
  | { op: "session"; s: SessionSpec }
  | { op: "garbage"; uptimeS: number; raw: number[]; dtS: number }
  | { op: "clockStep"; s: number }
  | { op: "nearWrap"; raw: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: sessionArb.map((s) => ({ op: "session" as const, s })) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("garbage" as const),
      uptimeS: fc.integer({ min: 0, max: 65535 }),
      raw: fc.array(fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.constant(M - 1), fc.nat()), {
        minLength: CHANNELS,
        maxLength: CHANNELS,
      }),
      dtS: fc.integer({ min: 0, max: 900 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("clockStep" as const), s: fc.integer({ min: -7200, max: 7200 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("nearWrap" as const), raw: fc.integer({ min: 1, max: 2 ** 28 }) }),
  },
);

describe("energy accounting properties", () => {
  it("lifetime per channel and per inverter never decreases, whatever arrives", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 25 }), (ops) => {
        const acc = new EnergyAccountant({ timeZone: TZ });
        const inv = new ModelInverter();
        let clockOffsetMs = 0;
        let prevTotal = 0;
        let prevChannels = [0, 0, 0, 0];
        const check = (r: ReturnType<typeof acc.record>) => {
          const now = acc.lifetime(QS1_SERIAL)!;
          expect(Number.isFinite(r.lifetimeWh)).toBe(true);
          expect(now.inverterWh).toBeGreaterThanOrEqual(prevTotal);
          now.channelsWh.forEach((wh, i) => {
            expect(wh).toBeGreaterThanOrEqual(prevChannels[i] ?? 0);
          });
          for (const c of r.channels) expect(c.deltaWh).toBeGreaterThanOrEqual(0);
          prevTotal = now.inverterWh;
          prevChannels = now.channelsWh;
        };
        for (const o of ops) {
          if (o.op === "session") {
            inv.powerCycle(o.s.offS);
            o.s.steps.forEach((st, k) => {
              inv.run(st.s, st.w);
              if (st.poll && k >= o.s.missMorning)
                check(acc.record(telemetry(inv.reading()), inv.nowMs + clockOffsetMs));
            });
          } else if (o.op === "garbage") {
            inv.run(o.dtS, [0, 0, 0, 0]);
            const r = acc.record(
              telemetry({ uptimeS: o.uptimeS, counters: o.raw.map((raw) => ({ raw })) }),
              inv.nowMs + clockOffsetMs,
            );
            check(r);
          } else if (o.op === "clockStep") clockOffsetMs += o.s * 1000;
          else inv.counters = inv.counters.map(() => M - o.raw);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("on clean input, accounts exactly the energy produced minus what no poll saw before a restart", () => {
    fc.assert(
      fc.property(fc.array(sessionArb, { minLength: 1, maxLength: 12 }), (sessions) => {
        // The model's clocks are perfect, so no drift allowance: with one, long gaps leave a few
        // seconds where "restarted" and "kept running" both fit and the model cannot be exact.
        const acc = new EnergyAccountant({ timeZone: TZ, tolerance: { fixedS: 15, fraction: 0 } });
        const inv = new ModelInverter();
        for (const s of sessions) {
          inv.powerCycle(s.offS);
          s.steps.forEach((st, k) => {
            inv.run(st.s, st.w);
            if (st.poll && k >= s.missMorning) acc.record(telemetry(inv.reading()), inv.nowMs);
          });
        }
        inv.powerCycle(8 * 3600);
        const got = acc.lifetime(QS1_SERIAL)?.channelsWh ?? [0, 0, 0, 0];
        for (let i = 0; i < CHANNELS; i++) {
          const expected = (inv.produced[i]! - inv.lost[i]!) * QS1_ENERGY_WH_PER_LSB;
          expect(Math.abs((got[i] ?? 0) - expected)).toBeLessThan(1e-6 + 1e-9 * expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("covers uptime wraps: an 18.3 h+ session polled every 15 min", () => {
    const acc = new EnergyAccountant({ timeZone: TZ });
    const inv = new ModelInverter();
    inv.powerCycle(3600);
    for (let k = 0; k < 90; k++) {
      inv.run(900, [250, 250, 250, 250]);
      acc.record(telemetry(inv.reading()), inv.nowMs);
    }
    const expected = inv.produced[0]! * QS1_ENERGY_WH_PER_LSB;
    expect(acc.lifetime(QS1_SERIAL)!.channelsWh[0]).toBeCloseTo(expected, 6);
  });
});
