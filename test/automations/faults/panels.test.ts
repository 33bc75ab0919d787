import { describe, expect, it } from "vitest";
import { at, Drive, reading, SERIALS, TL } from "./helpers.ts";

/**
 * A made-up June day on a south roof: the sun rises at 05:30 and sets at 21:30 local, 60° at its highest;
 * a clear-sky panel gives `peakW` × sin of the day's progress between 06:00 and 21:00. Each panel's
 * share of that is its factor (1 = like its siblings). Rounds every 5 minutes, 04:00–22:30.
 */
function day(d: Drive, dayOfMonth: number, peakW: number, factor: (panel: number) => number) {
  const out = [];
  for (let m = 4 * 60; m <= 22 * 60 + 30; m += 5) {
    const h = m / 60;
    const t = at(`${String(Math.floor(h)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`, dayOfMonth);
    const elevation = 60 * Math.sin((Math.PI * (h - 5.5)) / 16);
    const base = peakW * Math.max(0, Math.sin((Math.PI * (h - 6)) / 15));
    if (elevation < 0) {
      out.push(d.round(t, elevation, [...SERIALS]));
      continue;
    }
    const replies = SERIALS.map((serial, i) =>
      reading({
        serial,
        dc: [0, 1, 2, 3].map((j) => [34, (base * factor(i * 4 + j + 1)) / 34] as const),
      }),
    );
    out.push(d.round(t, elevation, replies));
  }
  return out;
}

describe("fault diagnosis: a panel below its same-orientation siblings", () => {
  it("flags S4 giving 80 % of its 15 siblings over a sunny day (330 W peak), at dusk, and clears it after a clean sunny day", () => {
    const d = new Drive();
    const rounds = day(d, 15, 330, (p) => (p === 4 ? 0.8 : 1));
    const opened = rounds.flatMap((r) => r.opened);
    expect(opened.map((f) => f.key)).toEqual(["underperforming:S4"]);
    const f = opened[0]!;
    expect(f).toMatchObject({
      kind: "underperforming",
      serial: TL,
      panel: "S4",
      cause: "dc",
      severity: "warning",
      verified: true,
    });
    expect(f.advice).toMatch(
      /^Panel S4 \(input D\) of South top left \(south roof, row 1 col 1\): gave 80 % of what the other 15 panels facing the same way gave over the sunny hours of 15 Jun\./,
    );
    // Judged at the first round with the sun below 10°: 20:35 is at 60·sin(π·15.083/16) = 10.6°,
    // 20:40 at 60·sin(π·15.167/16) = 9.8°.
    expect(f.openedAtMs).toBe(at("20:40"));
    const next = day(d, 16, 330, () => 1);
    expect(next.flatMap((r) => r.cleared).map((x) => x.key)).toEqual(["underperforming:S4"]);
  });

  it("never alarms on an overcast day (60 W peak, 0.15 W per Wp), even with S4 at 80 %", () => {
    const d = new Drive();
    const rounds = day(d, 15, 60, (p) => (p === 4 ? 0.8 : 1));
    expect(rounds.flatMap((r) => r.opened)).toEqual([]);
  });

  it("accepts module tolerance: panels from 96 % to 104 % of each other raise nothing", () => {
    const d = new Drive();
    const rounds = day(d, 15, 330, (p) => 0.96 + ((p * 7) % 9) * 0.01);
    expect(rounds.flatMap((r) => r.opened)).toEqual([]);
  });
});
