import { describe, expect, it } from "vitest";
import { compileSchedule, parseTime } from "../../../src/site/schedule-rules.ts";
import { configOf, issuesOfObject } from "../../site/config/fixtures.ts";

/** A site with a position, a QS1 and a DS3, and Home Assistant (for the price entity). */
function site(schedule: unknown, position = true): Record<string, unknown> {
  return {
    site: position
      ? { timezone: "Europe/Amsterdam", latitude: 52.37, longitude: 4.9 }
      : { timezone: "Europe/Amsterdam" },
    homeassistant: { url: "http://ha.local:8123", token_env: "HA_TOKEN" },
    inverters: [{ serial: "801000012345" }, { serial: "703000054321" }],
    automations: { schedule },
  };
}

describe("parseTime", () => {
  it.each([
    ["22:00", { kind: "clock", minute: 1320 }],
    ["00:05", { kind: "clock", minute: 5 }],
    ["sunrise", { kind: "sun", event: "sunrise", offsetMin: 0 }],
    ["sunset-00:30", { kind: "sun", event: "sunset", offsetMin: -30 }],
    ["sunset+1:15", { kind: "sun", event: "sunset", offsetMin: 75 }],
    ["sunrise+45m", { kind: "sun", event: "sunrise", offsetMin: 45 }],
    ["sunset-2h", { kind: "sun", event: "sunset", offsetMin: -120 }],
  ])("%s", (text, want) => {
    expect(parseTime(text)).toEqual(want);
  });

  it.each([
    ["24:00", '"24:00" is not a time of day (00:00–23:59)'],
    ["10pm", '"10pm" is not a time'],
    ["sunset-12:00", '"sunset-12:00": an offset from sunset must be under 12 hours'],
    ["sunrise+0:75", '"sunrise+0:75": the offset\'s minutes must be 00–59'],
  ])("rejects %s", (text, why) => {
    expect(parseTime(text)).toBe(why);
  });
});

describe("automations.schedule in site.yaml", () => {
  it("use_on_off is off unless set, and reaches the settings as useOnOff", () => {
    const rules = [{ at: "22:00", until: "06:00", action: "off" }];
    expect(configOf(site({ rules })).automations.schedule!.useOnOff).toBeUndefined();
    expect(configOf(site({ rules, use_on_off: true })).automations.schedule!.useOnOff).toBe(true);
    expect(issuesOfObject(site({ rules, use_on_off: "yes" }))).toEqual([
      'site.yaml: automations.schedule.use_on_off: expected true or false, got "yes"',
    ]);
  });

  it("loads rules with windows, sun offsets, days, inverters and a price with hysteresis and minimum times", () => {
    const c = configOf(
      site({
        rules: [
          { name: "night", at: "22:00", until: "06:00", action: "off" },
          { name: "evening", at: "sunset-00:30", days: ["sat", "sun"], action: "limit", limit_w: 100 },
          { at: "sunrise+45m", action: "on", inverters: ["703000054321"] },
        ],
        price: {
          entity: "sensor.nordpool_kwh_nl_eur",
          below: 0,
          hysteresis: 0.01,
          min_on_minutes: 15,
          min_off_minutes: 30,
        },
      }),
    );
    const s = c.automations.schedule!;
    expect(s.rules?.[0]).toEqual({ name: "night", at: "22:00", until: "06:00", action: "off" });
    expect(s.price).toEqual({
      entity: "sensor.nordpool_kwh_nl_eur",
      below: 0,
      hysteresis: 0.01,
      minOnMinutes: 15,
      minOffMinutes: 30,
    });
    const compiled = compileSchedule(s, { inverters: c.inverters, hasPosition: true });
    expect(compiled.rules.map((r) => [r.name, r.at, r.until, r.days && [...r.days]])).toEqual([
      ["night", { kind: "clock", minute: 1320 }, { kind: "clock", minute: 360 }, undefined],
      ["evening", { kind: "sun", event: "sunset", offsetMin: -30 }, undefined, [6, 0]],
      ["rules[2]", { kind: "sun", event: "sunrise", offsetMin: 45 }, undefined, undefined],
    ]);
    expect(compiled.price).toEqual({
      entity: "sensor.nordpool_kwh_nl_eur",
      below: 0,
      hysteresis: 0.01,
      action: "off",
      minOnMs: 15 * 60_000,
      minOffMs: 30 * 60_000,
    });
  });

  it("says what, where and how to fix for a bad time (the schema's words)", () => {
    expect(issuesOfObject(site({ rules: [{ at: "9:00", action: "off" }] }))).toEqual([
      'site.yaml: automations.schedule.rules[0].at: expected HH:MM, sunrise or sunset with an optional offset like sunset-00:30 or sunrise+45m, got "9:00" — e.g. "22:00" (24 h, local time in site.timezone) or "sunset-00:30"',
    ]);
  });

  it("names a missing at and a misspelt day", () => {
    expect(
      issuesOfObject(
        site({ rules: [{ action: "off" }, { at: "22:00", action: "off", days: ["mon", "tues"] }] }),
      ),
    ).toEqual([
      'site.yaml: automations.schedule.rules[0].at: missing (required) — e.g. "22:00" (24 h, local time in site.timezone) or "sunset-00:30"',
      'site.yaml: automations.schedule.rules[1].days[1]: expected one of mon, tue, wed, thu, fri, sat, sun, got "tues" — did you mean "tue"?',
    ]);
  });

  it("rejects an unknown inverter by name, listing the configured ones", () => {
    expect(
      issuesOfObject(site({ rules: [{ at: "22:00", action: "off", inverters: ["801000099999"] }] })),
    ).toEqual([
      "site.yaml: automations.schedule.rules[0].inverters[0]: unknown inverter 801000099999 — use serials from inverters: (801000012345, 703000054321)",
    ]);
  });

  it("needs the site's position for sunrise/sunset, limit_w for action: limit, and a non-empty window", () => {
    expect(
      issuesOfObject(
        site(
          {
            rules: [
              { at: "sunset-00:30", action: "off" },
              { at: "12:00", action: "limit" },
              { at: "12:00", until: "12:00", action: "off" },
              { at: "13:00", action: "off", limit_w: 100 },
              { at: "14:00", action: "off", days: [] },
            ],
          },
          false,
        ),
      ),
    ).toEqual([
      'site.yaml: automations.schedule.rules[0].at: "sunset-00:30" needs the site\'s position — set site.latitude and site.longitude',
      "site.yaml: automations.schedule.rules[1].limit_w: missing for action: limit — set the limit in W per panel (QS1, YC600) or per inverter (DS3)",
      "site.yaml: automations.schedule.rules[2].until: is the same time as at (12:00): the window would be empty — set another end time, or remove until to make the rule last until the next rule",
      "site.yaml: automations.schedule.rules[3].limit_w: is only used with action: limit (this is action: off) — remove limit_w or set action: limit",
      "site.yaml: automations.schedule.rules[4].days: is an empty list: the rule would never run — list days like [mon, tue] or remove days for every day",
    ]);
  });

  it("checks limit_w against each model's range in its own unit (QS1 20–500 W per panel, DS3 30–1100 W)", () => {
    expect(
      issuesOfObject(
        site({
          rules: [
            { at: "12:00", action: "limit", limit_w: 25 },
            { at: "13:00", action: "limit", limit_w: 600, inverters: ["703000054321"] },
            { at: "14:00", action: "limit", limit_w: 600, inverters: ["801000012345"] },
          ],
        }),
      ),
    ).toEqual([
      "site.yaml: automations.schedule.rules[0].limit_w: 25 W is outside the DS3's range 30–1100 W per inverter (inverter 703000054321) — use action: off to stop it, or a limit within the range",
      // 600 W is fine for the DS3 (per inverter) but not for the QS1 (per panel).
      "site.yaml: automations.schedule.rules[2].limit_w: 600 W is outside the QS1's range 20–500 W per panel (inverter 801000012345) — use at most 500 W, or action: on for full power",
    ]);
  });

  it("rejects two rules with one name, and a price limit without limit_w", () => {
    expect(
      issuesOfObject(
        site({
          rules: [
            { name: "night", at: "22:00", action: "off" },
            { name: "night", at: "06:00", action: "on" },
          ],
          price: { entity: "sensor.price", action: "limit" },
        }),
      ),
    ).toEqual([
      'site.yaml: automations.schedule.rules[1].name: "night" is also the name of rules[0] — give each rule its own name: reasons and logs quote it',
      "site.yaml: automations.schedule.price.limit_w: missing for action: limit — set the limit in W per panel (QS1, YC600) or per inverter (DS3)",
    ]);
  });

  it("the core refuses bad settings built by hand with the same words", () => {
    expect(() =>
      compileSchedule(
        { rules: [{ at: "25:00", action: "off" }] },
        { inverters: [{ serial: "801000012345" }], hasPosition: false },
      ),
    ).toThrow(
      'schedule: automations.schedule.rules[0].at: "25:00" is not a time of day (00:00–23:59) — write "HH:MM" (24 h, e.g. "22:00"), "sunrise" or "sunset", with an optional offset like "sunset-00:30" or "sunrise+45m"',
    );
  });
});
