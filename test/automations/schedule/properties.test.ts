import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Schedule } from "../../../src/automations/schedule/core.ts";
import type { ScheduleInput } from "../../../src/automations/schedule/types.ts";
import type { ScheduleRule, ScheduleSettings } from "../../../src/site/config/types.ts";
import { AMSTERDAM, DS3, inverters, QS1 } from "./helpers.ts";

const MINUTE = 60_000;
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
/** Sun 1 March 2026 00:00 UTC: the runs below cross the spring DST change in Amsterdam. */
const T0 = Date.UTC(2026, 2, 1);

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

const ruleArb: fc.Arbitrary<ScheduleRule> = fc
  .record({
    at: fc.integer({ min: 0, max: 1439 }),
    until: fc.option(fc.integer({ min: 0, max: 1439 }), { nil: undefined }),
    sun: fc.constantFrom(undefined, "sunrise", "sunset-00:30", "sunset+1h"),
    days: fc.option(fc.subarray(DAYS, { minLength: 1 }), { nil: undefined }),
    action: fc.constantFrom("off", "on", "limit") as fc.Arbitrary<"off" | "on" | "limit">,
    limitW: fc.integer({ min: 30, max: 500 }),
    only: fc.constantFrom(undefined, QS1, DS3),
  })
  .map((r) => {
    const rule: ScheduleRule = { at: r.sun ?? hhmm(r.at), action: r.action };
    if (r.until !== undefined && r.until !== r.at) rule.until = hhmm(r.until);
    if (r.days) rule.days = r.days;
    if (r.action === "limit") rule.limitW = r.limitW;
    if (r.only) rule.inverters = [r.only];
    return rule;
  });

const settingsArb: fc.Arbitrary<ScheduleSettings> = fc.record({
  rules: fc.array(ruleArb, { maxLength: 4 }),
  price: fc.record({
    entity: fc.constant("sensor.price"),
    below: fc.constantFrom(0, 0.05),
    hysteresis: fc.constantFrom(0, 0.02),
    minOnMinutes: fc.constantFrom(0, 15),
    minOffMinutes: fc.constantFrom(0, 30),
  }),
});

/** Inputs a site throws at the core, times moving forward by up to 3 hours. */
const inputsArb = fc.array(
  fc.record({
    dtMin: fc.integer({ min: 0, max: 180 }),
    kind: fc.constantFrom("tick", "tick", "price", "price", "override", "state"),
    price: fc.constantFrom(-0.1, -0.01, 0, 0.01, 0.03, 0.2, "unavailable" as const),
    mode: fc.constantFrom("on", "off", "limit", "auto") as fc.Arbitrary<"on" | "off" | "limit" | "auto">,
    forMin: fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }),
    serial: fc.constantFrom(undefined, QS1, DS3),
    limitW: fc.integer({ min: 0, max: 2000 }),
  }),
  { maxLength: 40 },
);

type RawInputs = typeof inputsArb extends fc.Arbitrary<infer T> ? T : never;

function toInputs(raw: RawInputs): ScheduleInput[] {
  let t = T0;
  return raw.map((r) => {
    t += r.dtMin * MINUTE;
    switch (r.kind) {
      case "price":
        return { kind: "price", atMs: t, price: r.price };
      case "override": {
        const o: ScheduleInput = { kind: "override", atMs: t, mode: r.mode, limitW: 100 };
        if (r.forMin !== undefined) o.untilMs = t + r.forMin * MINUTE;
        if (r.serial) o.inverters = [r.serial];
        return o;
      }
      case "state":
        return { kind: "state", atMs: t, serial: r.serial ?? QS1, limitW: r.limitW };
      default:
        return { kind: "tick", atMs: t };
    }
  });
}

describe("schedule properties", () => {
  it("is a function of its inputs: a fresh core replaying the same inputs decides the same, every step", () => {
    fc.assert(
      fc.property(settingsArb, inputsArb, (settings, raw) => {
        const inputs = toInputs(raw);
        const a = new Schedule(inverters(), settings, AMSTERDAM);
        const b = new Schedule(inverters(), settings, AMSTERDAM);
        for (const input of inputs) expect(b.update(input)).toEqual(a.update(input));
      }),
      { numRuns: 40 },
    );
  });

  it("restart-safe: a fresh core given only the last price, the override and the time wants what the long-lived one wants", () => {
    fc.assert(
      fc.property(
        settingsArb,
        inputsArb,
        fc.constantFrom(-0.1, 0.2, "unavailable" as const),
        fc.constantFrom("on", "off", "limit", "auto") as fc.Arbitrary<"on" | "off" | "limit" | "auto">,
        fc.integer({ min: 0, max: 3 * 1440 }),
        (settings, raw, price, mode, laterMin) => {
          // No minimum times: they are the one memory a restart may lose (price.ts).
          const s: ScheduleSettings = {
            ...settings,
            price: { ...settings.price!, minOnMinutes: 0, minOffMinutes: 0 },
          };
          const history = toInputs(raw);
          const end = (history.at(-1)?.atMs ?? T0) + MINUTE;
          // Prices far outside the hysteresis band, and one override for all inverters, replacing any before.
          const last: ScheduleInput[] = [
            { kind: "price", atMs: end, price },
            { kind: "override", atMs: end, mode, limitW: 100, untilMs: end + 600 * MINUTE },
            { kind: "tick", atMs: end + laterMin * MINUTE },
          ];
          const old = new Schedule(inverters(), s, AMSTERDAM);
          for (const input of [...history, ...last]) old.update(input);
          const fresh = new Schedule(inverters(), s, AMSTERDAM);
          for (const input of last) fresh.update(input);
          const a = old.update({ kind: "tick", atMs: end + laterMin * MINUTE });
          const b = fresh.update({ kind: "tick", atMs: end + laterMin * MINUTE });
          const view = (d: typeof a) =>
            d!.inverters.map((i) => [i.want, i.limitW, i.target, i.reason, i.next]);
          expect(view(b)).toEqual(view(a));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("never off by mistake: with off-windows only (UTC, whole minutes), off exactly inside a window, worked out by minute arithmetic", () => {
    const windowArb = fc.record({
      at: fc.integer({ min: 0, max: 1439 }),
      until: fc.integer({ min: 0, max: 1439 }),
      days: fc.subarray([0, 1, 2, 3, 4, 5, 6], { minLength: 1 }),
    });
    fc.assert(
      fc.property(
        fc.array(windowArb, { minLength: 1, maxLength: 3 }).filter((ws) => ws.every((w) => w.at !== w.until)),
        fc.integer({ min: 0, max: 14 * 1440 - 1 }),
        (ws, minute) => {
          const rules: ScheduleRule[] = ws.map((w, i) => ({
            name: `w${i}`,
            at: hhmm(w.at),
            until: hhmm(w.until),
            days: w.days.map((d) => DAYS[d]!),
            action: "off",
          }));
          const t = T0 + minute * MINUTE;
          // T0 is a Sunday (weekday 0).
          const day = Math.floor(minute / 1440) % 7;
          const m = minute % 1440;
          const inside = ws.some((w) =>
            w.at < w.until
              ? w.days.includes(day) && m >= w.at && m < w.until
              : (w.days.includes(day) && m >= w.at) || (w.days.includes((day + 6) % 7) && m < w.until),
          );
          const core = new Schedule(inverters(), { rules }, { timezone: "UTC" });
          const d = core.update({ kind: "tick", atMs: t });
          expect(d.state).toBe(inside ? "off" : "on");
        },
      ),
      { numRuns: 200 },
    );
  });
});
