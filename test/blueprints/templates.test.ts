/**
 * The blueprints' templates rendered with Jinja2 (python3-jinja2; test/blueprints/render-jinja.py supplies
 * HA's states(), state_attr(), is_state(), now() and float filter) on worked examples, so the arithmetic
 * that decides a write is checked before anyone's inverters see it.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { readBlueprint } from "./blueprint-file.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const RENDER = new URL("./render-jinja.py", import.meta.url).pathname;

interface Job {
  template: string;
  vars?: Record<string, unknown>;
  states?: Record<string, string>;
  attrs?: Record<string, Record<string, unknown>>;
  now?: string;
}

function render(jobs: Job[]): unknown[] {
  const r = spawnSync("python3", [RENDER], { input: JSON.stringify(jobs), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`render-jinja.py: ${r.stderr || r.error?.message}`);
  return JSON.parse(r.stdout) as unknown[];
}

type Node = Record<string, unknown>;
const at = (o: unknown, ...path: (string | number)[]) =>
  path.reduce<unknown>((n, k) => (n as Node)[k as string], o) as string;

describe("export-limit.yaml's templates", () => {
  const bp = () => readBlueprint(ROOT, "blueprints/automation/localecu/export-limit.yaml").doc;

  it("read the meter in W, kW and inverted, and give none for a meter without a number", () => {
    const t = at(bp(), "variables", "grid_w");
    const job = (state: string, unit: string, invert: boolean): Job => ({
      template: t,
      vars: { meter: "sensor.grid", invert },
      states: { "sensor.grid": state },
      attrs: { "sensor.grid": { unit_of_measurement: unit } },
    });
    expect(
      render([
        job("-400", "W", false),
        job("0.25", "kW", false),
        job("400", "W", true),
        job("unavailable", "W", false),
      ]),
    ).toEqual([-400, 250, -400, null]);
  });

  it("direct: 400 W exported of 1600 W with 0 W allowed cuts every limit to 3/4, within its min and max", () => {
    const doc = bp();
    const direct = at(doc, "actions", 1, "choose", 1) as unknown as Node;
    const seq = direct.sequence as Node[];
    const perNumber = (seq[3]!.repeat as Node).sequence as Node[];
    const [excess] = render([
      { template: at(doc, "actions", 0, "variables", "excess_w"), vars: { grid_w: -400, allowed: 0 } },
    ]);
    expect(excess).toBe(400);
    const [runs, factor] = render([
      { template: direct.conditions as string, vars: { method: "direct", excess_w: 400, deadband: 50 } },
      { template: at(seq[2], "variables", "factor"), vars: { site_w: 1600, excess_w: 400 } },
    ]);
    expect(runs).toBe(true);
    expect(factor).toBe(0.75);
    // 300 W → 225 W, 500 W → 375 W; one at 24 W would go to 18 W but stops at its minimum, 20 W.
    const next = (now: number): Job => ({
      template: at(perNumber[2], "variables", "new_w"),
      vars: { now_w: now, factor: 0.75, step: 1, lo: 20, hi: 500 },
    });
    expect(render([next(300), next(500), next(24)])).toEqual([225, 375, 20]);
    // Import of 30 W against a 50 W dead band: nothing to do.
    expect(
      render([
        { template: direct.conditions as string, vars: { method: "direct", excess_w: -30, deadband: 50 } },
      ]),
    ).toEqual([false]);
  });
});

describe("shutdown.yaml's want_off", () => {
  const t = () =>
    at(readBlueprint(ROOT, "blueprints/automation/localecu/shutdown.yaml").doc, "variables", "want_off");
  const job = (
    price: string,
    time: string,
    useWindow: boolean,
    start: string,
    end: string,
    entity = "sensor.price",
  ): Job => ({
    template: t(),
    vars: {
      price_entity: entity,
      price_below: 0,
      use_window: useWindow,
      window_start: start,
      window_end: end,
    },
    states: { "sensor.price": price },
    now: `2026-06-21T${time}`,
  });

  it("is on below the price threshold and inside the window, the window wrapping past midnight", () => {
    expect(
      render([
        job("-0.01", "13:00:00", false, "12:00:00", "14:00:00"), // negative price
        job("0.20", "13:00:00", false, "12:00:00", "14:00:00"), // price fine, window unused
        job("0.20", "13:00:00", true, "12:00:00", "14:00:00"), // inside 12–14
        job("0.20", "14:00:00", true, "12:00:00", "14:00:00"), // the end is outside
        job("0.20", "23:00:00", true, "22:00", "06:00"), // inside 22–06 (HH:MM also read)
        job("0.20", "05:59:00", true, "22:00", "06:00"),
        job("0.20", "13:00:00", true, "22:00", "06:00"),
        job("unavailable", "13:00:00", false, "12:00:00", "14:00:00"), // no price: run
        job("-1", "13:00:00", false, "12:00:00", "14:00:00", ""), // no price sensor chosen
      ]),
    ).toEqual([true, false, true, false, true, true, false, false, false]);
  });
});

describe("fault-notify.yaml's message", () => {
  it("says what opened (with the caveat for an unverified status bit), what is still open, what cleared", () => {
    const doc = readBlueprint(ROOT, "blueprints/automation/localecu/fault-notify.yaml").doc;
    const data = at(doc, "actions", 0, "data") as unknown as { title: string; message: string };
    const words = (doc.variables as Node).words;
    const finding = {
      title: "Ground fault: South top left",
      advice: "Check the DC cabling.",
      severity: "fault",
      verified: false,
    };
    const vars = (kind: string, verified = false) => ({
      kind,
      severity: "fault",
      words,
      finding: { ...finding, verified, event_type: kind },
    });
    const both = (kind: string, verified?: boolean): Job[] => [
      { template: data.title, vars: vars(kind, verified) },
      { template: data.message, vars: vars(kind, verified) },
    ];
    expect(
      render([...both("fault_opened"), ...both("fault_repeated", true), ...both("fault_cleared")]),
    ).toEqual([
      "Solar fault — Ground fault: South top left",
      "Check the DC cabling. (Status-bit meaning not confirmed on hardware.)",
      "Solar fault, still open — Ground fault: South top left",
      "Check the DC cabling.",
      "Cleared — Ground fault: South top left",
      "Ground fault: South top left has cleared.",
    ]);
  });
});
