import { describe, expect, it } from "vitest";
import { FaultDiagnosis } from "../../../src/automations/faults/core.ts";
import { at, BL, BR, Drive, healthy, southRoof, TL, TR } from "./helpers.ts";

const others = () => [healthy(TR), healthy(BL), healthy(BR)];

describe("fault diagnosis: communication", () => {
  it("reports an inverter silent in daylight while its neighbours report, after four unanswered looks (a poll and three rechecks)", () => {
    const d = new Drive();
    d.round(at("10:42"), 50, [healthy(TL), ...others()]);
    const miss1 = d.round(at("10:47"), 51, [TL, ...others()]);
    expect(miss1.opened).toEqual([]);
    // Recheck it, with one neighbour that answered along to show the radio still works.
    expect(miss1.recheck).toEqual([TL, TR]);
    const miss2 = d.round(at("10:48"), 51, [TL, healthy(TR)]);
    expect(miss2.opened).toEqual([]);
    expect(miss2.recheck).toEqual([TL, TR]);
    const miss3 = d.round(at("10:49"), 51, [TL, healthy(TR)]);
    expect(miss3.opened).toEqual([]);
    const miss4 = d.round(at("10:50"), 51, [TL, healthy(TR)]);
    expect(miss4.opened).toHaveLength(1);
    const f = miss4.opened[0]!;
    expect(f).toMatchObject({
      key: `no_data:${TL}`,
      kind: "no_data",
      cause: "communication",
      severity: "warning",
      verified: true,
    });
    expect(f.advice).toMatch(
      /^South top left \(south roof, row 1 col 1\): no data since 10:42 while its neighbours report\. /,
    );
    expect(f.advice).toContain("flashing fast green");
    expect(f.advice).toContain("Flashing red or no light");

    const back = d.round(at("10:52"), 52, [healthy(TL), ...others()]);
    expect(back.cleared.map((x) => x.key)).toEqual([`no_data:${TL}`]);
  });

  it("leaves an outage out of the patchiness: 7 silent polls, then 3 single misses in 17 polls, is no patchy link", () => {
    const d = new Drive();
    const silent = new Set([0, 1, 2, 3, 4, 5, 6, 10, 15, 20]);
    for (let i = 0; i < 30; i++) {
      const t = at("09:00") + i * 5 * 60_000;
      d.round(t, 50, [silent.has(i) ? TL : healthy(TL), ...others()]);
    }
    expect(d.opened().filter((f) => f.kind === "erratic_data")).toEqual([]);
  });

  it("does not blame an inverter whose recheck coincides with the stick going deaf: the neighbour taken along is silent too", () => {
    const d = new Drive();
    d.round(at("15:00"), 40, [healthy(TL), ...others()]);
    // 15:05: TL's poll is lost at random; the stick goes deaf at 15:06, before the rechecks.
    d.round(at("15:05"), 40, [TL, ...others()]);
    const first = d.round(at("15:06"), 40, [TL, TR]);
    // Everyone polled was silent: look at them all.
    expect(first.recheck.sort()).toEqual([TL, TR, BL, BR].sort());
    for (const t of ["15:07", "15:08", "15:09", "15:10"]) d.round(at(t), 40, [TL, TR, BL, BR]);
    expect(d.opened().map((f) => f.key)).toEqual(["site_silent:site"]);
  });

  it("does not count lost polls: three misses in a row before an answer open nothing", () => {
    const d = new Drive();
    d.round(at("10:42"), 50, [healthy(TL), ...others()]);
    d.round(at("10:47"), 50, [TL, ...others()]);
    d.round(at("10:48"), 50, [TL]);
    d.round(at("10:49"), 50, [TL]);
    d.round(at("10:50"), 50, [healthy(TL)]);
    d.round(at("10:52"), 50, [TL, ...others()]);
    d.round(at("10:53"), 50, [healthy(TL)]);
    expect(d.opened()).toEqual([]);
  });

  it("does not call an outage a patchy link: 18 polls silent, then answering again", () => {
    const d = new Drive();
    for (let i = 0; i < 48; i++) {
      const t = at("09:00") + i * 5 * 60_000;
      d.round(t, 50, [i >= 10 && i < 28 ? TL : healthy(TL), ...others()]);
    }
    expect(d.opened().map((f) => f.key)).toEqual([`no_data:${TL}`]);
  });

  it("says nothing at night, when every inverter sleeps", () => {
    const d = new Drive();
    for (let m = 0; m < 60; m += 5) d.round(at(`23:${String(m).padStart(2, "0")}`), -12, [TL, TR, BL, BR]);
    expect(d.opened()).toEqual([]);
  });

  it("says nothing about an inverter still asleep at dawn (sun 4° up) while an east-lit neighbour already answers", () => {
    const d = new Drive();
    for (const t of ["05:40", "05:45", "05:50", "05:55"])
      d.round(at(t), 4, [TL, healthy(TR, { acW: 20 }), BL, BR]);
    expect(d.opened()).toEqual([]);
  });

  it("says nothing about inverters that fell asleep at dusk (sun 7° up) one after the other", () => {
    const d = new Drive();
    d.round(at("21:00"), 8, [TL, healthy(TR, { acW: 6 }), healthy(BL, { acW: 5 }), BR]);
    d.round(at("21:05"), 7, [TL, healthy(TR, { acW: 4 }), BL, BR]);
    d.round(at("21:10"), 7, [TL, TR, BL, BR]);
    expect(d.opened()).toEqual([]);
  });

  it("tells one controller finding, not four inverter findings, when every inverter goes silent in daylight", () => {
    const d = new Drive();
    d.round(at("12:10"), 60, [healthy(TL), ...others()]);
    const r1 = d.round(at("12:15"), 60, [TL, TR, BL, BR]);
    expect(r1.recheck.sort()).toEqual([...[TL, TR, BL, BR]].sort());
    d.round(at("12:16"), 60, [TL, TR, BL, BR]);
    d.round(at("12:17"), 60, [TL, TR, BL, BR]);
    expect(d.opened()).toEqual([]);
    d.round(at("12:18"), 60, [TL, TR, BL, BR]);
    d.round(at("12:23"), 60, [TL, TR, BL, BR]);
    const opened = d.opened();
    expect(opened.map((f) => f.key)).toEqual(["site_silent:site"]);
    expect(opened[0]).toMatchObject({ cause: "controller", severity: "fault", title: "No inverter answers" });
    expect(opened[0]!.advice).toMatch(
      /^No inverter has answered since 12:10, in daylight, while the stick's link is up\. All 4 silent/,
    );
    const back = d.round(at("13:00"), 58, [healthy(TL), ...others()]);
    expect(back.cleared.map((f) => f.key)).toEqual(["site_silent:site"]);
  });

  it("reports a patchy link: 12 of 24 daylight polls answered while the neighbours answer all", () => {
    const d = new Drive();
    const opened: string[] = [];
    for (let i = 0; i < 24; i++) {
      const t = at("10:00") + i * 5 * 60_000;
      const c = d.round(t, 50, [i % 2 === 0 ? healthy(TL) : TL, ...others()]);
      opened.push(...c.opened.map((f) => `${f.key}@${i}`));
    }
    // Two hours of polls are needed before a link is judged: the 24th poll (11:55) decides.
    expect(opened).toEqual([`erratic_data:${TL}@23`]);
    const f = d.opened()[0]!;
    expect(f).toMatchObject({ cause: "communication", kind: "erratic_data" });
    expect(f.advice).toMatch(
      /^South top left \(south roof, row 1 col 1\): answered only 12 of its last 24 daylight polls \(until 11:55\)/,
    );
  });

  it("counts a miss and its missed recheck a minute later as one sample: 4 such bursts in 2 h are not a patchy link", () => {
    const d = new Drive();
    for (let i = 0; i < 30; i++) {
      const t = at("10:00") + i * 5 * 60_000;
      if (i % 7 === 3) {
        d.round(t, 50, [TL, ...others()]);
        d.round(t + 60_000, 50, [TL]);
        d.round(t + 120_000, 50, [healthy(TL)]);
      } else d.round(t, 50, [healthy(TL), ...others()]);
    }
    expect(d.opened()).toEqual([]);
  });

  it("reports an AES-paired inverter: it answers, but scrambled", () => {
    const d = new Drive();
    d.core.update({ kind: "no-reply", atMs: at("11:00"), serial: TL, encrypted: true });
    for (const r of others()) d.core.update({ kind: "reading", atMs: at("11:00"), telemetry: r });
    const c = d.core.update({ kind: "round", atMs: at("11:00"), sunElevationDeg: 55 });
    expect(c.opened.map((f) => [f.key, f.cause])).toEqual([[`encrypted:${TL}`, "communication"]]);
    expect(c.opened[0]!.advice).toContain("pair it again with localecu");
    // A lost poll proves nothing: still open. A readable reply clears it.
    const lost = d.round(at("11:05"), 55, [TL, ...others()]);
    expect(lost.cleared).toEqual([]);
    const readable = d.round(at("11:10"), 55, [healthy(TL), ...others()]);
    expect(readable.cleared.map((f) => f.key)).toEqual([`encrypted:${TL}`]);
  });

  it("a site with one inverter: silence in daylight counts only after no_data_minutes", () => {
    const layout = { ...southRoof(), inverters: southRoof().inverters.slice(0, 1) };
    const core = new FaultDiagnosis(layout, { noDataMinutes: 30 });
    core.update({ kind: "reading", atMs: at("10:00"), telemetry: healthy(TL) });
    core.update({ kind: "round", atMs: at("10:00"), sunElevationDeg: 45 });
    const keys: string[] = [];
    for (let m = 5; m <= 30; m += 5) {
      const t = at("10:00") + m * 60_000;
      core.update({ kind: "no-reply", atMs: t, serial: TL });
      const c = core.update({ kind: "round", atMs: t, sunElevationDeg: 46 });
      keys.push(...c.opened.map((f) => `${f.key}@${m}`));
    }
    expect(keys).toEqual([`no_data:${TL}@30`]);
  });
});
