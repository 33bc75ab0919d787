import { describe, expect, it } from "vitest";
import { ExportLimiter } from "../../../src/automations/export-limit/core.ts";
import { fourBy400, settings, started, T0 } from "./helpers.ts";

const s = (n: number) => T0 + n * 1000;

describe("export limiter: cutting", () => {
  it("cuts 4 × 400 W inverters giving 350/300/250/200 W by the 600 W export, shared by headroom, in 4 W steps", () => {
    const invs = fourBy400();
    const core = started(invs, [400, 400, 400, 400], [350, 300, 250, 200]);
    const d = core.update({ kind: "meter", atMs: s(1), gridW: -600 });
    // Worked out by hand: output 1100 W, export 600 W, aim 25 W inside the 50 W band → cut 625 W,
    // total 475 W, shared by output: 350 − 625·350/1100 = 151.1 → 148; 300 − 170.5 = 129.5 → 128;
    // 250 − 142.0 = 108.0 → 104 (107.95 rounds down); 200 − 113.6 = 86.4 → 84.
    expect(d.writes).toEqual([
      { serial: invs[0]!.serial, limitW: 148 },
      { serial: invs[1]!.serial, limitW: 128 },
      { serial: invs[2]!.serial, limitW: 104 },
      { serial: invs[3]!.serial, limitW: 84 },
    ]);
    expect(d.state).toBe("limiting");
    expect(d.reason).toBe("export 600 W is above the allowed 0 W: cut 4 inverters, 464 W in total");
    expect(d.totalLimitW).toBe(464);
  });

  it("cuts a small export on one inverter only (the one giving most), saving writes", () => {
    const invs = fourBy400();
    const core = started(invs, [400, 400, 400, 400], [350, 300, 250, 200]);
    const d = core.update({ kind: "meter", atMs: s(1), gridW: -40 });
    // 40 W export + 25 W aim = 65 W cut: fewer than 2 × 50 W changes → one inverter, 350 − 65 = 285 → 284.
    expect(d.writes).toEqual([{ serial: invs[0]!.serial, limitW: 284 }]);
  });

  it("keeps the allowed export in export_limit mode: 800 W export at 600 W allowed cuts 225 W", () => {
    const invs = fourBy400(1).map((i) => ({ ...i, maxW: 1200 }));
    const core = started(invs, [1200], [1000], { mode: "export_limit", targetW: 600 });
    const d = core.update({ kind: "meter", atMs: s(1), gridW: -800 });
    // aim = 600 − 25 = 575 W export: cut 800 − 575 = 225 W → 1000 − 225 = 775 → 772 (4 W steps).
    expect(d.writes).toEqual([{ serial: invs[0]!.serial, limitW: 772 }]);
  });

  it("estimates output after a cut as min(previous, new limit) and does not cut twice while it acts", () => {
    const invs = fourBy400();
    const core = started(invs, [400, 400, 400, 400], [350, 300, 250, 200]);
    core.update({ kind: "meter", atMs: s(1), gridW: -600 });
    // The meter still shows the export while the writes travel: no second cut.
    const again = core.update({ kind: "meter", atMs: s(2), gridW: -600 });
    expect(again.writes).toEqual([]);
    for (const [i, limitW] of [148, 128, 104, 84].entries()) {
      core.update({ kind: "write-result", atMs: s(5), serial: invs[i]!.serial, limitW, ok: true });
    }
    // 40 W/s ramp (10 % of 400 W): 20 s after the results every output is at its new limit.
    const d = core.update({ kind: "meter", atMs: s(25), gridW: 25 });
    expect(d.estimatedOutputW).toBe(148 + 128 + 104 + 84);
    expect(d.writes).toEqual([]);
  });

  it("never cuts below minW and says so when every inverter is at its lowest limit", () => {
    const invs = fourBy400(2);
    const core = started(invs, [20, 20], [20, 20]);
    const d = core.update({ kind: "meter", atMs: s(1), gridW: -500 });
    expect(d.writes).toEqual([]);
    expect(d.reason).toBe(
      "every inverter is at its lowest limit: what the house does not use of that goes to the grid",
    );
    // The export comes and goes with the load at the floor: the reason stays, nothing new to log.
    expect(core.update({ kind: "meter", atMs: s(2), gridW: 30 })).toMatchObject({
      writes: [],
      changed: false,
    });
  });

  it("cuts a small excess only once it has lasted (0.1 Wh), not on the first sample", () => {
    const invs = fourBy400(1);
    const core = started(invs, [400], [300]);
    // 10 W over: 360 W·s is reached after 36 s of samples 1 s apart.
    for (let i = 1; i <= 36; i++)
      expect(core.update({ kind: "meter", atMs: s(i), gridW: -10 }).writes).toEqual([]);
    const d = core.update({ kind: "meter", atMs: s(37), gridW: -10 });
    // 10 W + 25 W aim = 35 W: 300 − 35 = 265 → 264.
    expect(d.writes).toEqual([{ serial: invs[0]!.serial, limitW: 264 }]);
  });
});

describe("export limiter: raising", () => {
  it("raises once the room has lasted (10 s × 4 × the 50 W band × (½ + none of the hour's 12 writes used) = 1000 W·s of room), by the room, where the limit binds", () => {
    const invs = fourBy400(2);
    // Inverter 0 sits at its 200 W limit (binding); inverter 1 gives 150 W under a 400 W limit.
    const core = started(invs, [200, 400], [200, 150]);
    // Import 300 W; the aim is 25 W of import (half the band inside 0 W): room 275 W. Counted from
    // the second sample, half its interval and then 275 W·s a second: 137.5 + 4 × 275 = 1237.5 ≥ 1000
    // on the sample at 6 s.
    for (let i = 1; i < 6; i++)
      expect(core.update({ kind: "meter", atMs: s(i), gridW: 300 }).writes).toEqual([]);
    const d = core.update({ kind: "meter", atMs: s(6), gridW: 300 });
    // All the room goes to inverter 0: 200 + 275 = 475 → its max 400.
    expect(d.writes).toEqual([{ serial: invs[0]!.serial, limitW: 400 }]);
    expect(d.reason).toBe("room for more solar (grid import 300 W): raised 1 inverter, 800 W in total");
  });

  it("raises for a kettle (2 kW import) after 2 s: 2 × 1975 W·s ≥ 2000", () => {
    const invs = fourBy400(1).map((i) => ({ ...i, maxW: 1200 }));
    const core = started(invs, [80], [80]);
    expect(core.update({ kind: "meter", atMs: s(1), gridW: 2000 }).writes).toEqual([]);
    expect(core.update({ kind: "meter", atMs: s(2), gridW: 2000 }).writes).toEqual([]);
    const d = core.update({ kind: "meter", atMs: s(3), gridW: 2000 });
    // 80 + 1975 = 2055 → the inverter's 1200 W maximum.
    expect(d.writes).toEqual([{ serial: invs[0]!.serial, limitW: 1200 }]);
  });

  it("raises an inverter judged free from a reading over a minute old (the sun moves), once per reading", () => {
    const invs = fourBy400(1).map((i) => ({ ...i, maxW: 1200 }));
    // The reading at T0 gave 300 W under a 400 W limit: free, the panels gave less (a cloud).
    const core = started(invs, [400], [300]);
    // 300 W of import for a minute: that reading is the newest word, so no raise (it would change nothing).
    for (let i = 1; i <= 60; i++)
      expect(core.update({ kind: "meter", atMs: s(i), gridW: 300 }).writes).toEqual([]);
    // From 61 s on, the reading is older than a minute and showed 300 W ≥ half the 400 W limit: the
    // sun may be back above the limit. Room 300 − 25 = 275 W; from the sample at 61 s: 137.5 W·s
    // (half the first interval) + 275 W·s a second reaches 1000 W·s (no write used yet) at 65 s.
    for (let i = 61; i < 65; i++)
      expect(core.update({ kind: "meter", atMs: s(i), gridW: 300 }).writes).toEqual([]);
    const d = core.update({ kind: "meter", atMs: s(65), gridW: 300 });
    // 400 + 275 = 675 W, down to the 4 W step: 672 W.
    expect(d.writes).toEqual([{ serial: invs[0]!.serial, limitW: 672 }]);
    core.update({ kind: "write-result", atMs: s(69), serial: invs[0]!.serial, limitW: 672, ok: true });
    // The import stays: the panels really give 300 W. No second raise until a poll says more.
    for (let i = 70; i <= 240; i++)
      expect(core.update({ kind: "meter", atMs: s(i), gridW: 300 }).writes).toEqual([]);
  });

  it("raises for import wobbling across the dead band's edge (80 W, 40 W, …), by the mean room", () => {
    const invs = fourBy400(1);
    const core = started(invs, [200], [200]);
    // Rooms from the 25 W aim: 55 W and 15 W. Counted from the second sample: 15, then 70 W·s every
    // two samples; on the 80 W sample at 31 s: 70 × 15 = 1050 ≥ 1000 W·s (no write used yet), and that
    // sample's room (55 W) is worth a write. Before, every 40 W sample started the count again.
    for (let i = 1; i < 31; i++)
      expect(core.update({ kind: "meter", atMs: s(i), gridW: i % 2 === 1 ? 80 : 40 }).writes).toEqual([]);
    const d = core.update({ kind: "meter", atMs: s(31), gridW: 80 });
    // The mean room of the 31 samples: (16 × 55 + 15 × 15) / 31 = 35.6 W; 200 + 35.6 → 232 in 4 W steps.
    expect(d.writes).toEqual([{ serial: invs[0]!.serial, limitW: 232 }]);
  });

  /** A 1200 W inverter raised from 80 W for a 2 kW load, then cut as the export at `exportW` says. */
  function raisedThenCut(exportW: number, cutToW: number): ExportLimiter {
    const invs = fourBy400(1).map((i) => ({ ...i, maxW: 1200 }));
    const core = started(invs, [80], [80]);
    for (let i = 1; i <= 2; i++) core.update({ kind: "meter", atMs: s(i), gridW: 2000 });
    expect(core.update({ kind: "meter", atMs: s(3), gridW: 2000 }).writes).toEqual([
      { serial: invs[0]!.serial, limitW: 1200 },
    ]);
    core.update({ kind: "write-result", atMs: s(6), serial: invs[0]!.serial, limitW: 1200, ok: true });
    core.update({ kind: "reading", atMs: s(25), serial: invs[0]!.serial, acPowerW: 1200 });
    for (let i = 7; i < 30; i++) core.update({ kind: "meter", atMs: s(i), gridW: 0 });
    expect(core.update({ kind: "meter", atMs: s(30), gridW: -exportW }).writes).toEqual([
      { serial: invs[0]!.serial, limitW: cutToW },
    ]);
    core.update({ kind: "write-result", atMs: s(34), serial: invs[0]!.serial, limitW: cutToW, ok: true });
    // The cut did what it should: 25 W of import is left (the aim).
    for (let i = 35; i < 60; i++) core.update({ kind: "meter", atMs: s(i), gridW: 25 });
    core.update({ kind: "reading", atMs: s(50), serial: invs[0]!.serial, acPowerW: cutToW });
    return core;
  }

  /** The second at which 300 W of import from 60 s on (275 W of room) brings a raise. */
  function raiseSecond(core: ExportLimiter): number {
    for (let i = 60; i <= 120; i++)
      if (core.update({ kind: "meter", atMs: s(i), gridW: 300 }).writes.length > 0) return i;
    return Number.NaN;
  }

  it("a raise taken back by a cut (the oven's thermostat) makes the next raise wait twice as long", () => {
    // Export 1000 W: 1000 + 25 off 1200 = 175 → 172 W, a cut of 1028 W, more than half the 1120 W raise.
    const core = raisedThenCut(1000, 172);
    // Wait 20 s instead of 10, 2 of 12 writes used: 20 × 4 × 50 × (½ + 2/12) = 2666.7 W·s; from the
    // sample at 60 s: 137.5 + 275 × 10 = 2887.5 on the sample at 70 s.
    expect(raiseSecond(core)).toBe(70);
  });

  it("a small trim after a raise (the sun out from behind a cloud) does not make the next raise wait longer", () => {
    // Export 40 W: 40 + 25 off 1200 = 1135 → 1132 W, a cut of 68 W, far less than half the raise.
    const core = raisedThenCut(40, 1132);
    // 10 × 4 × 50 × (½ + 2/12) = 1333.3 W·s: 137.5 + 275 × 5 = 1512.5 on the sample at 65 s.
    expect(raiseSecond(core)).toBe(65);
  });

  it("does not raise on a short dip in load (the room must last)", () => {
    const invs = fourBy400(1);
    const core = started(invs, [200], [200]);
    for (let i = 1; i <= 20; i++) core.update({ kind: "meter", atMs: s(i), gridW: 300 });
    for (let i = 21; i <= 60; i++) {
      const d = core.update({ kind: "meter", atMs: s(i), gridW: i % 2 === 0 ? 300 : 20 });
      expect(d.writes).toEqual([]);
    }
  });
});

describe("export limiter: states", () => {
  it("idles at night: no writes whatever the meter says", () => {
    const core = started(fourBy400(), [400, 400, 400, 400], [300, 300, 300, 300]);
    const d = core.update({ kind: "tick", atMs: s(1), daylight: false });
    expect(d.state).toBe("idle");
    const m = core.update({ kind: "meter", atMs: s(2), gridW: -900 });
    expect(m).toMatchObject({
      state: "idle",
      writes: [],
      reason: "night: the inverters are asleep, nothing to limit",
    });
  });

  it("in monitor mode decides but writes nothing, and does not repeat itself every sample", () => {
    const core = started(fourBy400(), [400, 400, 400, 400], [350, 300, 250, 200], { mode: "monitor" });
    const d = core.update({ kind: "meter", atMs: s(1), gridW: -600 });
    expect(d.writes).toEqual([]);
    expect(d.reason).toBe(
      "monitor mode, nothing written: export 600 W is above the allowed 0 W: would cut 4 inverters, 464 W in total",
    );
    expect(d.changed).toBe(true);
    const again = core.update({ kind: "meter", atMs: s(2), gridW: -610 });
    expect(again).toMatchObject({ writes: [], changed: false });
  });

  it("switched off: returns every limit to the maximum once, then stays off with no writes", () => {
    const invs = fourBy400(2);
    const core = started(invs, [200, 400], [200, 300]);
    const d = core.update({ kind: "settings", atMs: s(1), changes: { enabled: false } });
    expect(d.state).toBe("off");
    expect(d.writes).toEqual([{ serial: invs[0]!.serial, limitW: 400 }]);
    core.update({ kind: "write-result", atMs: s(4), serial: invs[0]!.serial, limitW: 400, ok: true });
    const later = core.update({ kind: "meter", atMs: s(5), gridW: -2000 });
    expect(later).toMatchObject({
      state: "off",
      writes: [],
      reason: "switched off: the inverters run at full power",
    });
  });

  it("switched off in monitor mode writes nothing, and leaving monitor mode then returns the limits to full power", () => {
    const invs = fourBy400(2);
    const core = started(invs, [200, 400], [200, 300]);
    core.update({ kind: "settings", atMs: s(1), changes: { mode: "monitor" } });
    const off = core.update({ kind: "settings", atMs: s(2), changes: { enabled: false } });
    expect(off).toMatchObject({ state: "off", writes: [] });
    expect(off.reason).toContain("monitor mode");
    // Inverter 0 still holds the 200 W we set before monitor mode: it goes back to its 400 W maximum.
    const back = core.update({ kind: "settings", atMs: s(3), changes: { mode: "export_limit" } });
    expect(back.state).toBe("off");
    expect(back.writes).toEqual([{ serial: invs[0]!.serial, limitW: 400 }]);
  });

  it("adopts the read-back limits at start: the total is unknown until every limit is read", () => {
    const invs = fourBy400(2);
    const core = new ExportLimiter(invs, settings());
    const a = core.update({ kind: "limit", atMs: T0, serial: invs[0]!.serial, limitW: 240 });
    expect(a.totalLimitW).toBeUndefined();
    const b = core.update({ kind: "limit", atMs: T0, serial: invs[1]!.serial, limitW: 100 });
    expect(b.totalLimitW).toBe(340);
  });

  it("flags changed only when the state or the reason changes", () => {
    const core = started(fourBy400(1), [200], [200]);
    const a = core.update({ kind: "meter", atMs: s(1), gridW: 10 });
    const b = core.update({ kind: "meter", atMs: s(2), gridW: 12 });
    expect(a.changed).toBe(true);
    expect(b.changed).toBe(false);
    expect(b.reason).toBe("export held at or below the allowed 0 W");
  });

  it("rejects bad settings and inputs with what, where and how to fix", () => {
    expect(() => new ExportLimiter([], settings())).toThrow(/no inverters to limit; list at least one/);
    expect(() => new ExportLimiter(fourBy400(1), settings({ maxWritesPerHour: 0 }))).toThrow(
      /maxWritesPerHour must be a whole number ≥ 1, got 0/,
    );
    expect(() => new ExportLimiter([{ serial: "x", minW: 500, maxW: 400, stepW: 4 }], settings())).toThrow(
      /inverters\[0\] \(x\): maxW must be ≥ minW \(500\), got 400/,
    );
    const core = started(fourBy400(1), [200], [200]);
    expect(() => core.update({ kind: "meter", atMs: s(1), gridW: Number.NaN })).toThrow(
      /meter gridW must be a finite number of W, got NaN/,
    );
  });
});

describe("export limiter: writes on their way", () => {
  it("cuts once, covering the climb still to come, when a load switches off while a raise ramps", () => {
    const invs = fourBy400(1).map((i) => ({ ...i, maxW: 1200 }));
    const core = started(invs, [80], [80]);
    // A 2 kW load: raised to the 1200 W maximum after 2 s of room (2 × 1975 W·s).
    core.update({ kind: "meter", atMs: s(1), gridW: 2000 });
    core.update({ kind: "meter", atMs: s(2), gridW: 2000 });
    expect(core.update({ kind: "meter", atMs: s(3), gridW: 2000 }).writes).toEqual([
      { serial: invs[0]!.serial, limitW: 1200 },
    ]);
    // The raise lands at 8 s and ramps at 120 W/s (10 % of 1200 W): 440 W at 11 s.
    core.update({ kind: "write-result", atMs: s(8), serial: invs[0]!.serial, limitW: 1200, ok: true });
    // The load switches off at 11 s: the meter shows 440 − 120 (standby) = 320 W of export.
    const d = core.update({ kind: "meter", atMs: s(11), gridW: -320 });
    // Output will still climb to 1200 W before the cut lands: cut 320 + 760 (the climb) + 25 (aim:
    // 25 W of import) = 1105 W from 1200 → 95 → 92 in 4 W steps: the 120 W load less the aim.
    expect(d.writes).toEqual([{ serial: invs[0]!.serial, limitW: 92 }]);
    // The export keeps rising while the cut travels, yet no second cut.
    for (let i = 12; i <= 16; i++) {
      expect(core.update({ kind: "meter", atMs: s(i), gridW: -320 - 120 * (i - 11) }).writes).toEqual([]);
    }
  });

  it("keeps a newer write pending when the result of an older one arrives", () => {
    const invs = fourBy400(1).map((i) => ({ ...i, maxW: 1200 }));
    const core = started(invs, [1200], [900]);
    core.update({ kind: "meter", atMs: s(1), gridW: -500 });
    core.update({ kind: "write-result", atMs: s(2), serial: invs[0]!.serial, limitW: 1000, ok: true });
    // 1000 W was not what we asked (900 − 525 = 375 → 372): no alarm, and our write is still on its way.
    const d = core.update({ kind: "limit", atMs: s(3), serial: invs[0]!.serial, limitW: 1000 });
    expect(d.state).toBe("limiting");
    expect(d.totalLimitW).toBe(372);
  });

  it("spreads writes: of two inverters that could take a cut alike, the one with more budget left is cut", () => {
    const invs = fourBy400(2);
    const core = started(invs, [400, 400], [300, 300], { maxWritesPerHour: 4 });
    // A 40 W export: 65 W off inverter 0 (first of equals): 300 − 65 = 235 → 232.
    expect(core.update({ kind: "meter", atMs: s(1), gridW: -40 }).writes).toEqual([
      { serial: invs[0]!.serial, limitW: 232 },
    ]);
    core.update({ kind: "write-result", atMs: s(5), serial: invs[0]!.serial, limitW: 232, ok: true });
    core.update({ kind: "meter", atMs: s(20), gridW: 20 });
    core.update({ kind: "reading", atMs: s(30), serial: invs[0]!.serial, acPowerW: 232 });
    // Later, a new 40 W export: inverter 1 (all 4 writes left) takes it, though inverter 0 (3 left)
    // gives about as much (rank: 212 W × 1.25 against 280 W × 1.5).
    const d = core.update({ kind: "meter", atMs: s(40), gridW: -40 });
    expect(d.writes.map((wr) => wr.serial)).toEqual([invs[1]!.serial]);
  });
});

describe("export limiter: the meter corrects the estimate", () => {
  it("learns from the meter that a raise gave less than hoped (no poll since), and stops raising that inverter", () => {
    const invs = fourBy400(1).map((i) => ({ ...i, maxW: 1200 }));
    const core = started(invs, [400], [400]);
    for (let i = 1; i <= 2; i++)
      expect(core.update({ kind: "meter", atMs: s(i), gridW: 1000 }).writes).toEqual([]);
    // Room 975 W: 487.5 (half the first interval) + 975 ≥ 1000 W·s (no write used yet) on the second
    // sample with room, at 3 s: 400 + 975 → the 1200 W maximum.
    expect(core.update({ kind: "meter", atMs: s(3), gridW: 1000 }).writes).toEqual([
      { serial: invs[0]!.serial, limitW: 1200 },
    ]);
    core.update({ kind: "write-result", atMs: s(8), serial: invs[0]!.serial, limitW: 1200, ok: true });
    // The panels give only 600 W: import falls from 1000 to 800 W, not to 200 W. The 800 W ramp
    // takes 6.7 s at 120 W/s, plus 5 s to settle: the sample at 20 s is the meter's word.
    for (let i = 9; i < 20; i++) core.update({ kind: "meter", atMs: s(i), gridW: 800 });
    const d = core.update({ kind: "meter", atMs: s(20), gridW: 800 });
    // Output = 400 before + 200 seen (1000 → 800 W of import) = 600 W, below the 1200 W limit: the
    // panels' limit, not ours.
    expect(d.estimatedOutputW).toBe(600);
    // Room is still there (800 W of import), but raising this inverter again would change nothing.
    for (let i = 21; i <= 120; i++)
      expect(core.update({ kind: "meter", atMs: s(i), gridW: 800 }).writes).toEqual([]);
  });
});
