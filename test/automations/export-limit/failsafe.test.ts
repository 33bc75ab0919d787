import { describe, expect, it } from "vitest";
import { fourBy400, started, T0 } from "./helpers.ts";

const s = (n: number) => T0 + n * 1000;

describe("export limiter failsafes", () => {
  it.each([
    ["hold", []],
    ["full", [400, 400]],
    ["min", [20, 20]],
  ] as const)("a meter silent for meterTimeoutS → fallback %s within 30 s", (fallback, limits) => {
    const invs = fourBy400(2);
    const core = started(invs, [200, 300], [200, 250], { fallback, meterTimeoutS: 60 });
    core.update({ kind: "meter", atMs: s(1), gridW: 20 });
    // Ticks every 10 s, as the module sends them; the meter says nothing after s(1).
    expect(core.update({ kind: "tick", atMs: s(51), daylight: true }).state).toBe("limiting");
    const d = core.update({ kind: "tick", atMs: s(61), daylight: true });
    expect(d.state).toBe("fallback");
    expect(d.reason).toMatch(/^no grid meter value for 60 s: /);
    expect(d.writes.map((wr) => wr.limitW)).toEqual(limits);
    // Applied once: no repeat on the next tick.
    expect(core.update({ kind: "tick", atMs: s(71), daylight: true }).writes).toEqual([]);
    // The meter comes back: out of fallback.
    expect(core.update({ kind: "meter", atMs: s(72), gridW: 20 }).state).not.toBe("fallback");
  });

  it("a meter stuck on one value while the inverters' output changes a lot → fallback", () => {
    const invs = fourBy400(2);
    const core = started(invs, [400, 400], [300, 300], { fallback: "min" });
    for (let i = 1; i <= 40; i++) core.update({ kind: "meter", atMs: s(i), gridW: 37 });
    // A cloud: output falls from 600 W to 400 W (more than 20 %), yet the meter still says exactly 37 W.
    const d = core.update({ kind: "reading", atMs: s(41), serial: invs[0]!.serial, acPowerW: 100 });
    expect(d.state).toBe("fallback");
    expect(d.reason).toBe(
      "the grid meter is stuck at 37 W while the solar output changed: inverters set to their minimum until the meter is back",
    );
    expect(d.writes).toEqual([
      { serial: invs[0]!.serial, limitW: 20 },
      { serial: invs[1]!.serial, limitW: 20 },
    ]);
    expect(core.update({ kind: "meter", atMs: s(43), gridW: 380 }).state).not.toBe("fallback");
  });

  it("a steady meter with steady output is not frozen", () => {
    const invs = fourBy400(1);
    const core = started(invs, [400], [300]);
    for (let i = 1; i <= 100; i++) core.update({ kind: "meter", atMs: s(i), gridW: 37 });
    const d = core.update({ kind: "reading", atMs: s(101), serial: invs[0]!.serial, acPowerW: 310 });
    expect(d.state).not.toBe("fallback");
  });

  it("the meter's link down → fallback naming the link; up again → back to limiting", () => {
    const core = started(fourBy400(1), [200], [200]);
    core.update({ kind: "meter", atMs: s(1), gridW: 20 });
    const d = core.update({
      kind: "link",
      atMs: s(2),
      link: "Home Assistant",
      up: false,
      detail: "socket closed",
    });
    expect(d).toMatchObject({
      state: "fallback",
      reason:
        "lost the link to Home Assistant (socket closed): holding the present limits until the meter is back",
      writes: [],
    });
    core.update({ kind: "link", atMs: s(3), link: "Home Assistant", up: true });
    expect(core.update({ kind: "meter", atMs: s(4), gridW: 20 }).state).toBe("limiting");
  });

  it("a read-back limit we did not write → alarm, and no writes to that inverter until it matches again", () => {
    const invs = fourBy400(2);
    const core = started(invs, [200, 200], [200, 200]);
    const d = core.update({ kind: "limit", atMs: s(1), serial: invs[0]!.serial, limitW: 300 });
    expect(d.state).toBe("alarm");
    expect(d.reason).toBe(
      `another controller or the vendor app changed the limit of ${invs[0]!.serial} to 300 W (we set 200 W): not fighting it; switch the limiter off and on to take over again`,
    );
    // Heavy export: only the other inverter is cut.
    const cut = core.update({ kind: "meter", atMs: s(2), gridW: -150 });
    expect(cut.writes.map((wr) => wr.serial)).toEqual([invs[1]!.serial]);
    expect(cut.state).toBe("alarm");
    // The other controller puts our value back: the alarm clears.
    const back = core.update({ kind: "limit", atMs: s(30), serial: invs[0]!.serial, limitW: 200 });
    expect(back.state).not.toBe("alarm");
  });

  it("re-enabling takes over a foreign limit as ours", () => {
    const invs = fourBy400(1);
    const core = started(invs, [200], [200]);
    core.update({ kind: "limit", atMs: s(1), serial: invs[0]!.serial, limitW: 300 });
    core.update({ kind: "settings", atMs: s(2), changes: { enabled: false } });
    const d = core.update({ kind: "settings", atMs: s(3), changes: { enabled: true } });
    expect(d.state).not.toBe("alarm");
    expect(d.totalLimitW).toBe(300);
  });

  it("a read-back while our own write is on its way is not an alarm", () => {
    const invs = fourBy400(1);
    const core = started(invs, [400], [300]);
    core.update({ kind: "meter", atMs: s(1), gridW: -200 });
    const d = core.update({ kind: "limit", atMs: s(2), serial: invs[0]!.serial, limitW: 400 });
    expect(d.state).toBe("limiting");
  });
});
