import { describe, expect, it } from "vitest";
import { combine, siteReason } from "../../../src/automations/schedule/combine.ts";
import { at, schedule } from "./helpers.ts";

const NIGHT = "rule 'night' 22:00–06:00";
const EXPORT = "export 300 W is above the allowed 0 W: cut 1 inverter, 300 W in total";

describe("combine: the lower cap wins and both reasons travel", () => {
  it("schedule on (QS1 full 2000 W), limiter 900 W → 900 W by the limiter", () => {
    const c = combine(
      { want: "on", target: { on: true, limitW: 2000 }, reason: "no rule or price cut applies" },
      { limitW: 900, reason: EXPORT },
    );
    expect(c.target).toEqual({ on: true, limitW: 900 });
    expect(c.by).toBe("export-limit");
    expect(c.reason).toBe(
      `export limiter: 900 W (${EXPORT}); the schedule allows 2000 W (no rule or price cut applies)`,
    );
  });

  it("schedule off by max power (80 W), limiter 900 W → 80 W by the schedule", () => {
    const c = combine(
      { want: "off", target: { on: true, limitW: 80 }, reason: NIGHT },
      { limitW: 900, reason: EXPORT },
    );
    expect(c.target).toEqual({ on: true, limitW: 80 });
    expect(c.by).toBe("schedule");
    expect(c.reason).toBe(`schedule: off, 80 W (${NIGHT}); the export limiter would allow 900 W (${EXPORT})`);
  });

  it("equal caps (400 W each) → both", () => {
    const c = combine(
      { want: "limit", target: { on: true, limitW: 400 }, reason: "rule 'cap' since 12:00" },
      { limitW: 400, reason: EXPORT },
    );
    expect(c.by).toBe("both");
    expect(c.reason).toBe(
      `schedule: limit, 400 W (rule 'cap' since 12:00) and export limiter: 400 W (${EXPORT})`,
    );
  });

  it("off by the on/off command stays off and keeps the limiter's 900 W for when it resumes", () => {
    const c = combine(
      { want: "off", target: { on: false, limitW: 2000 }, reason: NIGHT },
      { limitW: 900, reason: EXPORT },
    );
    expect(c.target).toEqual({ on: false, limitW: 900 });
    expect(c.by).toBe("schedule");
    expect(c.reason).toBe(
      `schedule: off by the on/off command (${NIGHT}); the export limiter would allow 900 W (${EXPORT})`,
    );
  });

  it("no claim from the limiter (idle, night, switched off) → the schedule's target as is", () => {
    const c = combine(
      { want: "limit", target: { on: true, limitW: 400 }, reason: "rule 'cap' since 12:00" },
      undefined,
    );
    expect(c).toMatchObject({
      target: { on: true, limitW: 400 },
      by: "schedule",
      reason: "schedule: limit, 400 W (rule 'cap' since 12:00)",
    });
  });

  it("works on a real decision: the DS3 off for the night (30 W) under a limiter at 700 W", () => {
    const d = schedule({ rules: [{ name: "night", at: "22:00", until: "06:00", action: "off" }] }).update({
      kind: "tick",
      atMs: at("2026-12-02T22:00:00Z"),
    });
    const c = combine(d.inverters[1]!, { limitW: 700, reason: EXPORT });
    expect(c.target).toEqual({ on: true, limitW: 30 });
    expect(c.reason).toBe(`schedule: off, 30 W (${NIGHT}); the export limiter would allow 700 W (${EXPORT})`);
  });
});

describe("siteReason: the schedule's site-wide reason names the limiter where it matters", () => {
  const LIM = "export limiter limiting: export held at or below the allowed 0 W";

  it("the schedule's cap binds on both inverters: what the limiter would allow, summed", () => {
    const on = { want: "off" as const, target: { on: true, limitW: 80 }, reason: NIGHT };
    const all = [combine(on, { limitW: 2000, reason: LIM }), combine(on, { limitW: 1200, reason: LIM })];
    expect(siteReason(`off: ${NIGHT}`, all, LIM)).toBe(
      `off: ${NIGHT}; the export limiter would allow 3200 W (${LIM})`,
    );
  });

  it("the limiter is lower on one inverter: its lower limit and why", () => {
    const on = { want: "on" as const, target: { on: true, limitW: 2000 }, reason: "no rule" };
    const all = [combine(on, { limitW: 2000, reason: LIM }), combine(on, { limitW: 640, reason: LIM })];
    expect(siteReason("on: no rule", all, LIM)).toBe(
      `on: no rule; the export limiter's lower limit holds 1 inverter at 640 W (${LIM})`,
    );
  });

  it("no claims, or both at full power: the schedule's reason alone", () => {
    const on = { want: "on" as const, target: { on: true, limitW: 2000 }, reason: "no rule" };
    expect(siteReason("on: no rule", [combine(on, undefined)], LIM)).toBe("on: no rule");
    expect(siteReason("on: no rule", [combine(on, { limitW: 2000, reason: LIM })], LIM)).toBe("on: no rule");
  });
});
