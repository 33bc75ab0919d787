/**
 * `localecu limiter` in the real Node-RED runtime: the controller's export limiter core in a flow. A scripted
 * meter sequence goes in; the node must output the writes the core itself decides for the same inputs,
 * in each model's own unit, and those writes must make physical sense (worked out below, not from the
 * core's constants).
 */
import { afterEach, describe, expect, it } from "vitest";
import { ExportLimiter } from "../../src/automations/export-limit/core.ts";
import type { LimiterInput, LimiterSettings } from "../../src/automations/export-limit/types.ts";
import { allNodes, catchNode, collect, helper } from "./runtime.ts";

afterEach(async () => {
  await helper.unload();
});

const T0 = Date.parse("2026-06-21T10:00:00Z");

describe("localecu limiter", () => {
  it("cuts 600 W of export over a 0 W target exactly as the core does, per panel for a QS1", async () => {
    // A QS1 (4 panels, 20–500 W per panel → 80–2000 W whole, in 4 W steps) giving 1000 W at a 500 W/panel
    // limit, and a DS3 (30–1100 W per inverter) giving 700 W at its 1100 W limit: 1700 W in all.
    // The meter shows 600 W export (gridW −600) with 0 W allowed.
    await helper.load(allNodes, [
      {
        id: "lim",
        z: "tab",
        type: "localecu-limiter",
        inverters: [
          { device: "east", model: "QS1" },
          { device: "west", model: "DS3" },
        ],
        targetW: 0,
        hysteresisW: 50,
        intervalS: 10,
        meterTimeoutS: 60,
        fallback: "hold",
        maxWritesPerHour: 12,
        mode: "export_limit",
        tickS: 0,
        wires: [["writes"], ["state"]],
      },
      { id: "writes", z: "tab", type: "helper" },
      { id: "state", z: "tab", type: "helper" },
    ]);
    const writes = collect(helper.getNode("writes"));
    const state = collect(helper.getNode("state"));
    const lim = helper.getNode("lim");
    // What the flow sends: limits read back and outputs from two `localecu in` nodes, then meter samples.
    const script: Record<string, unknown>[] = [
      { atMs: T0 + 1, device: "east", kind: "reading", payload: { power_w: 1000, max_power_w: 500 } },
      { atMs: T0 + 2, device: "west", kind: "reading", payload: { power_w: 700, max_power_w: 1100 } },
      { atMs: T0 + 5000, payload: -600 },
      { atMs: T0 + 10000, payload: { power: -600 } },
    ];
    for (const m of script) lim.receive(m);
    const cut = await state.next(
      "a limiting state",
      (m) => (m.payload as { state: string }).state === "limiting",
    );

    // The same inputs, straight into the core.
    const settings: LimiterSettings = {
      targetW: 0,
      hysteresisW: 50,
      intervalS: 10,
      meterTimeoutS: 60,
      fallback: "hold",
      maxWritesPerHour: 12,
      mode: "export_limit",
      enabled: true,
    };
    const core = new ExportLimiter(
      [
        { serial: "east", minW: 80, maxW: 2000, stepW: 4 },
        { serial: "west", minW: 30, maxW: 1100, stepW: 1 },
      ],
      settings,
    );
    const inputs: LimiterInput[] = [
      { kind: "reading", atMs: T0 + 1, serial: "east", acPowerW: 1000 },
      { kind: "limit", atMs: T0 + 1, serial: "east", limitW: 2000 },
      { kind: "reading", atMs: T0 + 2, serial: "west", acPowerW: 700 },
      { kind: "limit", atMs: T0 + 2, serial: "west", limitW: 1100 },
      { kind: "meter", atMs: T0 + 5000, gridW: -600 },
      { kind: "meter", atMs: T0 + 10000, gridW: -600 },
    ];
    const coreWrites = inputs.flatMap((i) => core.update(i).writes);
    expect(coreWrites.length).toBeGreaterThan(0);
    const nodeWrites = writes.seen.map((m) => ({ serial: m.device, limitW: m.limit_w }));
    expect(nodeWrites).toEqual(coreWrites);

    // Physics: 1700 W produced, 600 W exported → at most 1100 W may be produced. Both inverters give more
    // than their share, so the new limits together hold at most 1100 W, and the cut is not deeper than
    // the 50 W dead band below that.
    const total = coreWrites.reduce((s, w) => s + w.limitW, 0);
    expect(total).toBeLessThanOrEqual(1100);
    expect(total).toBeGreaterThanOrEqual(1100 - 50);
    for (const m of writes.seen) {
      const p = m.payload as { max_power: number };
      // The QS1 takes its limit per panel: the whole-inverter limit over its 4 panels.
      if (m.device === "east") expect(p.max_power * 4).toBe(m.limit_w);
      else expect(p.max_power).toBe(m.limit_w);
      expect(m.topic).toBe(m.device);
    }
    expect((cut.payload as { reason: string }).reason).toMatch(/600 W/);
  });

  it("learns a write's outcome from the control node's answer and takes settings from the flow", async () => {
    await helper.load(allNodes, [
      {
        id: "lim",
        z: "tab",
        type: "localecu-limiter",
        inverters: [{ device: "west", model: "DS3" }],
        targetW: 0,
        tickS: 0,
        wires: [["writes"], ["state"]],
      },
      { id: "writes", z: "tab", type: "helper" },
      { id: "state", z: "tab", type: "helper" },
    ]);
    const state = collect(helper.getNode("state"));
    const writes = collect(helper.getNode("writes"));
    const lim = helper.getNode("lim");
    lim.receive({ topic: "settings", atMs: T0, payload: { enabled: false } });
    const off = await state.next("the limiter off", (m) => (m.payload as { state: string }).state === "off");
    expect(off.topic).toBe("export_limit");
    // While off, 600 W of export makes no writes.
    lim.receive({
      atMs: T0 + 1,
      device: "west",
      kind: "reading",
      payload: { power_w: 700, max_power_w: 1100 },
    });
    lim.receive({ atMs: T0 + 5000, payload: -600 });
    // The control node's answer for a write (a DS3: watts per inverter) is taken as a write result.
    lim.receive({
      atMs: T0 + 6000,
      device: "west",
      payload: { ok: true, command: { kind: "max_power", watts: 500, per: "inverter" }, outcome: "applied" },
    });
    lim.receive({ topic: "settings", atMs: T0 + 7000, payload: { enabled: true } });
    await state.next("the limiter on again", (m) => (m.payload as { state: string }).state !== "off");

    // The same script into the core: nothing is written while off, and the node's writes are the core's.
    const core = new ExportLimiter([{ serial: "west", minW: 30, maxW: 1100, stepW: 1 }], {
      targetW: 0,
      hysteresisW: 50,
      intervalS: 10,
      meterTimeoutS: 60,
      fallback: "hold",
      maxWritesPerHour: 12,
      mode: "export_limit",
      enabled: true,
    });
    const whileOff: LimiterInput[] = [
      { kind: "settings", atMs: T0, changes: { enabled: false } },
      { kind: "reading", atMs: T0 + 1, serial: "west", acPowerW: 700 },
      { kind: "limit", atMs: T0 + 1, serial: "west", limitW: 1100 },
      { kind: "meter", atMs: T0 + 5000, gridW: -600 },
      { kind: "write-result", atMs: T0 + 6000, serial: "west", limitW: 500, ok: true },
    ];
    expect(whileOff.flatMap((i) => core.update(i).writes)).toEqual([]);
    const after = core.update({ kind: "settings", atMs: T0 + 7000, changes: { enabled: true } }).writes;
    if (after.length > 0) await writes.next("the writes after re-enabling");
    expect(writes.seen.map((m) => ({ serial: m.device, limitW: m.limit_w }))).toEqual(after);
  });

  it("idles at night when the flow says so, and writes nothing for the night's import", async () => {
    await helper.load(allNodes, [
      {
        id: "lim",
        z: "tab",
        type: "localecu-limiter",
        inverters: [{ device: "west", model: "DS3" }],
        targetW: 0,
        tickS: 0,
        wires: [["writes"], ["state"]],
      },
      { id: "writes", z: "tab", type: "helper" },
      { id: "state", z: "tab", type: "helper" },
    ]);
    const state = collect(helper.getNode("state"));
    const writes = collect(helper.getNode("writes"));
    const lim = helper.getNode("lim");
    lim.receive({ topic: "daylight", atMs: T0, payload: false });
    const night = await state.next("a state");
    expect(night.payload).toMatchObject({ state: "idle", reason: expect.stringMatching(/night/) });
    // 300 W import at night: the inverters are asleep, so no limit is raised or cut.
    lim.receive({ atMs: T0 + 5000, payload: 300 });
    lim.receive({ topic: "daylight", atMs: T0 + 6000, payload: true });
    await state.next("the day state", (m) => !/night/.test((m.payload as { reason: string }).reason));
    // The same script into the core: the night's sample writes nothing, and the node wrote what it wrote.
    const core = new ExportLimiter([{ serial: "west", minW: 30, maxW: 1100, stepW: 1 }], {
      targetW: 0,
      hysteresisW: 50,
      intervalS: 10,
      meterTimeoutS: 60,
      fallback: "hold",
      maxWritesPerHour: 12,
      mode: "export_limit",
      enabled: true,
    });
    const atNight = [
      core.update({ kind: "tick", atMs: T0, daylight: false }),
      core.update({ kind: "meter", atMs: T0 + 5000, gridW: 300 }),
    ];
    expect(atNight.flatMap((d) => d.writes)).toEqual([]);
    const day = core.update({ kind: "tick", atMs: T0 + 6000, daylight: true }).writes;
    if (day.length > 0) await writes.next("the day's writes");
    expect(writes.seen.map((m) => ({ serial: m.device, limitW: m.limit_w }))).toEqual(day);
  });

  it.each([
    ["daylight that is not a boolean", { topic: "daylight", payload: "yes" }, /true \(day\) or false/],
    ["a word", { payload: "lots" }, /not a grid power/],
    // Found by the meter fuzz: Number("0x10") is 16, and −1e300 W would cut every inverter at once.
    ["a hex string", { payload: "0x10" }, /not a grid power/],
    [
      "a value beyond any grid connection",
      { payload: -1e300 },
      /-1e\+300 W is more than any grid connection carries \(over 10 MW\), ignored/,
    ],
    ["empty settings", { topic: "settings", payload: {} }, /nothing to change/],
  ])("a bad message (%s) gets node.error with the reason", async (_w, msg, why) => {
    await helper.load(
      [...allNodes, catchNode],
      [
        {
          id: "lim",
          z: "tab",
          type: "localecu-limiter",
          inverters: [{ device: "west", model: "DS3" }],
          tickS: 0,
          wires: [[], []],
        },
        { id: "catcher", z: "tab", type: "catch", scope: null, uncaught: false, wires: [["err"]] },
        { id: "err", z: "tab", type: "helper" },
      ],
    );
    const err = collect(helper.getNode("err"));
    helper.getNode("lim").receive(msg);
    const e = await err.next("node.error");
    expect((e.error as { message: string }).message).toMatch(why);
  });
});
