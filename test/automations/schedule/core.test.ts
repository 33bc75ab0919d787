import { describe, expect, it } from "vitest";
import { at, DS3, inverters, QS1, schedule } from "./helpers.ts";

const night = { rules: [{ name: "night", at: "22:00", until: "06:00", action: "off" as const }] };

describe("schedule: rule windows", () => {
  it("switches off inside 'night' 22:00–06:00 by max power at each model's minimum, and says when it ends", () => {
    const core = schedule(night);
    // Wed 2 Dec 2026, 23:00 CET = 22:00 UTC.
    const d = core.update({ kind: "tick", atMs: at("2026-12-02T22:00:00Z") });
    expect(d.state).toBe("off");
    expect(d.reason).toBe("off: rule 'night' 22:00–06:00");
    const [qs1, ds3] = d.inverters;
    // QS1: 4 panels × 20 W = 80 W; DS3: 30 W per inverter. On/off is unverified on both models.
    expect(qs1).toMatchObject({
      serial: QS1,
      want: "off",
      target: { on: true, limitW: 80 },
      offMethod: "max-power",
      source: "rule",
    });
    expect(qs1!.offMethodWhy).toBe(
      "max power to the QS1's minimum 80 W (4 × 20 W): its on/off command is unverified (openaps encoder only (C1/C2); never seen on air); max power is confirmed on air",
    );
    expect(ds3).toMatchObject({ serial: DS3, want: "off", target: { on: true, limitW: 30 } });
    expect(ds3!.offMethodWhy).toContain("max power is itself unverified on the DS3");
    // 06:00 CET on Thu 3 Dec = 05:00 UTC: back to full power (QS1 4 × 500 W, DS3 1100 W).
    expect(d.next).toMatchObject({
      atMs: at("2026-12-03T05:00:00Z"),
      want: "on",
      target: { on: true, limitW: 2000 },
      reason: "no rule or price cut applies",
      serials: [QS1, DS3],
    });
  });

  it("restart inside the window → off; restart after it ended → on, next at 22:00", () => {
    // 03:00 CET Thu 3 Dec: a controller that just started.
    expect(schedule(night).update({ kind: "tick", atMs: at("2026-12-03T02:00:00Z") }).state).toBe("off");
    const after = schedule(night).update({ kind: "tick", atMs: at("2026-12-03T06:00:00Z") });
    expect(after.state).toBe("on");
    expect(after.inverters.map((i) => i.target)).toEqual([
      { on: true, limitW: 2000 },
      { on: true, limitW: 1100 },
    ]);
    expect(after.next?.atMs).toBe(at("2026-12-03T21:00:00Z"));
    expect(after.next?.want).toBe("off");
  });

  it("spring forward (29 March 2026): the window opens 22:00 CET and closes 06:00 CEST, 7 real hours", () => {
    const core = schedule(night);
    const d = core.update({ kind: "tick", atMs: at("2026-03-28T21:30:00Z") }); // 22:30 CET
    expect(d.state).toBe("off");
    expect(d.next?.atMs).toBe(at("2026-03-29T04:00:00Z")); // 06:00 CEST
    expect(core.update({ kind: "tick", atMs: at("2026-03-29T03:59:00Z") }).state).toBe("off"); // 05:59 CEST
    expect(core.update({ kind: "tick", atMs: at("2026-03-29T04:00:00Z") }).state).toBe("on");
  });

  it("fall back (25 October 2026): the window opens 22:00 CEST and closes 06:00 CET, 9 real hours", () => {
    const core = schedule(night);
    const d = core.update({ kind: "tick", atMs: at("2026-10-24T20:00:00Z") }); // 22:00 CEST
    expect(d.state).toBe("off");
    expect(d.next?.atMs).toBe(at("2026-10-25T05:00:00Z")); // 06:00 CET
    expect(core.update({ kind: "tick", atMs: at("2026-10-25T04:30:00Z") }).state).toBe("off"); // 05:30 CET
  });

  it("a rule at 02:30 still fires on the spring-forward night, at 03:30 CEST (02:30 does not exist)", () => {
    const r = { rules: [{ name: "late", at: "02:30", until: "05:00", action: "off" as const }] };
    const d = schedule(r).update({ kind: "tick", atMs: at("2026-03-29T01:00:00Z") }); // 03:00 CEST
    expect(d.state).toBe("on");
    expect(d.next?.atMs).toBe(at("2026-03-29T01:30:00Z")); // 03:30 CEST
    expect(schedule(r).update({ kind: "tick", atMs: at("2026-03-29T01:45:00Z") }).state).toBe("off");
  });

  it("an overnight window on Friday belongs to Friday: off Saturday 03:00, on Sunday 03:00", () => {
    const fri = {
      rules: [{ name: "friday night", at: "22:00", until: "06:00", days: ["fri"], action: "off" as const }],
    };
    // Sat 5 Dec 2026 03:00 CET = 02:00 UTC; Sun 6 Dec 03:00 CET.
    const sat = schedule(fri).update({ kind: "tick", atMs: at("2026-12-05T02:00:00Z") });
    expect(sat.state).toBe("off");
    expect(sat.reason).toBe("off: rule 'friday night' 22:00–06:00");
    const sun = schedule(fri).update({ kind: "tick", atMs: at("2026-12-06T02:00:00Z") });
    expect(sun.state).toBe("on");
    // Next Friday, 11 Dec, 22:00 CET.
    expect(sun.next?.atMs).toBe(at("2026-12-11T21:00:00Z"));
  });

  it("days of week: a weekend window only on Saturday and Sunday, next from Monday is Saturday 09:00", () => {
    const weekend = {
      rules: [{ name: "weekend", at: "09:00", until: "17:00", days: ["sat", "sun"], action: "off" as const }],
    };
    // Sat 5 Dec 2026 10:00 CET.
    expect(schedule(weekend).update({ kind: "tick", atMs: at("2026-12-05T09:00:00Z") }).state).toBe("off");
    // Mon 7 Dec 10:00 CET.
    const mon = schedule(weekend).update({ kind: "tick", atMs: at("2026-12-07T09:00:00Z") });
    expect(mon.state).toBe("on");
    expect(mon.next?.atMs).toBe(at("2026-12-12T08:00:00Z"));
    expect(mon.next?.reason).toBe("rule 'weekend' 09:00–17:00");
  });

  it("event rules hold until the next rule: off at 22:00, on at 06:00, limit only the DS3 at 12:00 on weekdays", () => {
    const rules = {
      rules: [
        { name: "off", at: "22:00", action: "off" as const },
        { name: "on", at: "06:00", action: "on" as const },
        {
          name: "noon",
          at: "12:00",
          days: ["mon", "tue", "wed", "thu", "fri"],
          action: "limit" as const,
          limitW: 300,
          inverters: [DS3],
        },
      ],
    };
    // Thu 3 Dec 13:00 CET: the DS3 at 300 W since noon, the QS1 on since 06:00.
    const d = schedule(rules).update({ kind: "tick", atMs: at("2026-12-03T12:00:00Z") });
    expect(d.state).toBe("mixed");
    expect(d.inverters.map((i) => [i.want, i.limitW, i.reason])).toEqual([
      ["on", undefined, "rule 'on' since 06:00"],
      ["limit", 300, "rule 'noon' since 12:00"],
    ]);
    expect(d.reason).toBe(
      "QS1 roof: on: rule 'on' since 06:00; DS3 shed: limit 300 W: rule 'noon' since 12:00",
    );
    // Both go off at 22:00 CET.
    expect(d.next).toMatchObject({ atMs: at("2026-12-03T21:00:00Z"), want: "off", serials: [QS1, DS3] });
  });

  it("sunset-00:30 until sunrise: Amsterdam 21 June 2026 sets at 22:06 CEST, so the limit starts about 21:36", () => {
    const evening = {
      rules: [
        { name: "evening", at: "sunset-00:30", until: "sunrise", action: "limit" as const, limitW: 100 },
      ],
    };
    const core = schedule(evening);
    const d = core.update({ kind: "tick", atMs: at("2026-06-21T19:00:00Z") }); // 21:00 CEST
    expect(d.state).toBe("on");
    // 21:36 CEST = 19:36 UTC, within the ±2 min of the sun finder.
    expect(Math.abs(d.next!.atMs - at("2026-06-21T19:36:00Z"))).toBeLessThanOrEqual(2 * 60_000);
    const inside = core.update({ kind: "tick", atMs: at("2026-06-21T19:45:00Z") });
    // 100 W per panel on the QS1 = 400 W; 100 W on the DS3.
    expect(inside.inverters.map((i) => i.limitW)).toEqual([400, 100]);
    expect(inside.inverters[0]!.reason).toMatch(/^rule 'evening' 21:3\d–05:1\d \(sunset-00:30–sunrise\)$/);
    // Sunrise 22 June ≈ 05:18 CEST = 03:18 UTC.
    expect(Math.abs(inside.next!.atMs - at("2026-06-22T03:18:00Z"))).toBeLessThanOrEqual(2 * 60_000);
  });
});

describe("schedule: price", () => {
  const price = {
    price: { entity: "sensor.price", below: 0, hysteresis: 0.02, minOnMinutes: 15, minOffMinutes: 30 },
  };
  const t = (hhmm: string) => at(`2026-06-10T${hhmm}:00+02:00`);

  it("cuts below 0, holds in the hysteresis band and for min_off, waits min_on before cutting again", () => {
    const core = schedule(price);
    const p = (hhmm: string, v: number | "unavailable") =>
      core.update({ kind: "price", atMs: t(hhmm), price: v, unit: "€/kWh" });
    expect(p("09:00", 0.05).state).toBe("on");

    const cut = p("10:00", -0.03);
    expect(cut.state).toBe("off");
    expect(cut.inverters[0]!.reason).toBe("negative price −0.03 €/kWh below 0.00");
    expect(cut.inverters[0]!.source).toBe("price");

    // 0.01 is above 0 but below 0 + 0.02: stay off.
    const band = p("10:10", 0.01);
    expect(band.state).toBe("off");
    expect(band.inverters[0]!.reason).toBe("price 0.01 €/kWh not yet back at 0.02 (0.00 + hysteresis 0.02)");

    // Clearly back up at 10:20, but a cut lasts 30 min: on at 10:30.
    const held = p("10:20", 0.05);
    expect(held.state).toBe("off");
    expect(held.inverters[0]!.reason).toBe(
      "price 0.05 €/kWh is back up, but a price cut lasts at least 30 min (until 10:30)",
    );
    expect(held.next).toMatchObject({ atMs: t("10:30"), want: "on" });
    expect(core.update({ kind: "tick", atMs: t("10:30") }).state).toBe("on");

    // Negative again at 10:35: runs last at least 15 min → cut at 10:45.
    const wait = p("10:35", -0.01);
    expect(wait.state).toBe("on");
    expect(wait.inverters[0]!.reason).toBe(
      "no rule or price cut applies; price −0.01 €/kWh is below 0.00, but runs between price cuts last at least 15 min (cut at 10:45)",
    );
    expect(wait.next).toMatchObject({ atMs: t("10:45"), want: "off" });
    expect(core.update({ kind: "tick", atMs: t("10:45") }).state).toBe("off");
  });

  it("an unavailable price never holds inverters off beyond min_off", () => {
    const core = schedule(price);
    core.update({ kind: "price", atMs: t("10:00"), price: -0.1 });
    const gone = core.update({ kind: "price", atMs: t("10:40"), price: "unavailable" });
    expect(gone.state).toBe("on");
    expect(gone.inverters[0]!.reason).toBe(
      "no rule or price cut applies; price unavailable: no price cut until it is back",
    );
  });

  it("an unavailable price inside a cut ends it after min_off, saying why; a price back below cuts again", () => {
    const core = schedule(price);
    core.update({ kind: "price", atMs: t("10:00"), price: -0.1, unit: "€/kWh" });
    const held = core.update({ kind: "price", atMs: t("10:10"), price: "unavailable" });
    expect(held.state).toBe("off");
    expect(held.inverters[0]!.reason).toBe(
      "price unavailable, but a price cut lasts at least 30 min (until 10:30)",
    );
    const on = core.update({ kind: "tick", atMs: t("10:30") });
    expect(on.state).toBe("on");
    expect(on.inverters[0]!.reason).toBe(
      "no rule or price cut applies; price unavailable: no price cut until it is back",
    );
    // Back, still negative: runs last at least min_on (15 min) from 10:30, so the cut comes at 10:45.
    const back = core.update({ kind: "price", atMs: t("10:35"), price: -0.05, unit: "€/kWh" });
    expect(back.state).toBe("on");
    expect(core.update({ kind: "tick", atMs: t("10:45") }).state).toBe("off");
  });

  it("a restart inside the hysteresis band runs (no memory of the cut); below the threshold it cuts at once", () => {
    expect(schedule(price).update({ kind: "price", atMs: t("10:00"), price: 0.01 }).state).toBe("on");
    expect(schedule(price).update({ kind: "price", atMs: t("10:00"), price: -0.01 }).state).toBe("off");
  });

  it("the more restrictive of rule and price wins, and the reason names the winner", () => {
    const both = {
      rules: [{ name: "cap", at: "00:00", action: "limit" as const, limitW: 300 }],
      price: { entity: "sensor.price", below: 0.05, action: "limit" as const, limitW: 100 },
    };
    const core = schedule(both);
    const d = core.update({ kind: "price", atMs: t("12:00"), price: 0.02, unit: "€/kWh" });
    // Price limit 100 W/panel (QS1 400 W) is below the rule's 300 W/panel (1200 W).
    expect(d.inverters.map((i) => [i.limitW, i.source, i.reason])).toEqual([
      [400, "price", "price 0.02 €/kWh below 0.05"],
      [100, "price", "price 0.02 €/kWh below 0.05"],
    ]);
    const off = schedule({ ...both, rules: [{ name: "dark", at: "00:00", action: "off" as const }] });
    expect(off.update({ kind: "price", atMs: t("12:00"), price: 0.02 }).inverters[0]).toMatchObject({
      want: "off",
      source: "rule",
    });
  });
});

describe("schedule: override", () => {
  const t = (hhmm: string) => at(`2026-06-10T${hhmm}:00+02:00`);

  it("a person's off until 14:00 beats everything, then expires back to the rules", () => {
    const core = schedule({ price: { entity: "sensor.price" } });
    const d = core.update({ kind: "override", atMs: t("12:00"), mode: "off", untilMs: t("14:00") });
    expect(d.state).toBe("off");
    expect(d.inverters[0]!.reason).toBe("override by user until 14:00");
    expect(d.next).toMatchObject({ atMs: t("14:00"), want: "on", reason: "no rule or price cut applies" });
    expect(core.update({ kind: "tick", atMs: t("13:59") }).state).toBe("off");
    expect(core.update({ kind: "tick", atMs: t("14:00") }).state).toBe("on");
  });

  it("a grid operator's limit on the QS1 only, an 'on' over a negative price, and auto to clear", () => {
    const core = schedule({ price: { entity: "sensor.price" } });
    core.update({ kind: "price", atMs: t("12:00"), price: -0.2 });
    const op = core.update({
      kind: "override",
      atMs: t("12:01"),
      mode: "limit",
      limitW: 50,
      by: "grid operator",
      inverters: [QS1],
    });
    // 50 W per panel × 4 = 200 W; the DS3 stays off for the price.
    expect(op.inverters.map((i) => [i.want, i.limitW, i.reason])).toEqual([
      ["limit", 200, "override by grid operator"],
      ["off", undefined, "negative price −0.20 below 0.00"],
    ]);
    const on = core.update({ kind: "override", atMs: t("12:02"), mode: "on" });
    expect(on.state).toBe("on");
    const auto = core.update({ kind: "override", atMs: t("12:03"), mode: "auto" });
    expect(auto.state).toBe("off");
  });

  it("an override that ends inside a rule window hands back to the rule, not to full power", () => {
    const core = schedule(night);
    // 22:30 CET: someone wants the inverters on until 23:30 (e.g. to test them).
    const d = core.update({
      kind: "override",
      atMs: at("2026-12-02T21:30:00Z"),
      mode: "on",
      untilMs: at("2026-12-02T22:30:00Z"),
    });
    expect(d.state).toBe("on");
    expect(d.reason).toBe("on: override by user until 23:30");
    expect(d.next).toMatchObject({
      atMs: at("2026-12-02T22:30:00Z"),
      want: "off",
      reason: "rule 'night' 22:00–06:00",
    });
    const back = core.update({ kind: "tick", atMs: at("2026-12-02T22:30:00Z") });
    expect(back.state).toBe("off");
    expect(back.reason).toBe("off: rule 'night' 22:00–06:00");
  });

  it("refuses an override for an unknown inverter by name", () => {
    const core = schedule({});
    expect(() =>
      core.update({ kind: "override", atMs: t("12:00"), mode: "off", inverters: ["801000099999"] }),
    ).toThrow(`schedule: override for unknown inverter 801000099999; use one of ${QS1}, ${DS3}`);
  });
});

describe("schedule: verified by the poll", () => {
  it("off by max power is verified when the limit reads back at the minimum, not before", () => {
    const core = schedule(night);
    const now = at("2026-12-02T22:00:00Z");
    let d = core.update({ kind: "tick", atMs: now });
    expect(d.inverters[0]).toMatchObject({ verified: false, verifiedWhy: "not polled yet" });
    d = core.update({ kind: "state", atMs: now + 1000, serial: QS1, limitW: 2000 });
    expect(d.inverters[0]).toMatchObject({
      verified: false,
      verifiedWhy: "the last poll read back 2000 W, not 80 W",
    });
    // Read-back is a fraction of a watt off per panel: 4 × 19.99 W ≈ 79.96 W.
    d = core.update({ kind: "state", atMs: now + 300_000, serial: QS1, limitW: 79.96 });
    expect(d.inverters[0]).toMatchObject({ verified: true, verifiedWhy: "the last poll read back 80 W" });
    expect(d.inverters[1]!.verified).toBe(false);
  });

  it("uses the on/off command only where the control is confirmed and enabled", () => {
    const [qs1, ds3] = inverters();
    const confirmed = {
      ...qs1!,
      onOffEnabled: true,
      model: {
        ...qs1!.model,
        controls: {
          ...qs1!.model.controls,
          onOff: { status: "confirmed" as const, evidence: "seen on air" },
        },
      },
    };
    const notEnabled = {
      ...ds3!,
      model: { ...ds3!.model, controls: { ...ds3!.model.controls, onOff: confirmed.model.controls.onOff } },
    };
    const core = schedule(night, [confirmed, notEnabled]);
    const now = at("2026-12-02T22:00:00Z");
    core.update({ kind: "state", atMs: now, serial: QS1, on: false });
    const d = core.update({ kind: "tick", atMs: now });
    expect(d.inverters[0]).toMatchObject({
      offMethod: "on-off",
      offMethodWhy: "the on/off command: confirmed on the QS1 (seen on air) and enabled",
      target: { on: false, limitW: 2000 },
      verified: true,
    });
    expect(d.inverters[1]).toMatchObject({ offMethod: "max-power", target: { on: true, limitW: 30 } });
    expect(d.inverters[1]!.offMethodWhy).toContain(
      "its on/off command is confirmed but not enabled for this inverter",
    );
  });

  it("logs once: changed only when a want or reason changes", () => {
    const core = schedule(night);
    expect(core.update({ kind: "tick", atMs: at("2026-12-02T20:00:00Z") }).changed).toBe(true);
    expect(core.update({ kind: "tick", atMs: at("2026-12-02T20:01:00Z") }).changed).toBe(false);
    expect(core.update({ kind: "tick", atMs: at("2026-12-02T21:00:00Z") }).changed).toBe(true);
  });
});
