import { describe, expect, it } from "vitest";
import { at, BL, BR, Drive, groundFaulted, healthy, TL, TR } from "./helpers.ts";

describe("fault diagnosis: ground fault (GFDI)", () => {
  it("opens at the first reading with the bit, stays open while the inverter is silent or still faulted, clears when it reports clear", () => {
    const d = new Drive();
    // A ground fault: the inverter stops feeding in, its panels sit at open-circuit voltage (≈ 41 V) with 0 A.
    const faulted = groundFaulted(TL);
    const first = d.round(at("10:42"), 50, [faulted, healthy(TR), healthy(BL), healthy(BR)]);
    expect(first.opened).toHaveLength(1);
    const f = first.opened[0]!;
    expect(f).toMatchObject({
      key: `ground_fault:${TL}`,
      kind: "ground_fault",
      serial: TL,
      cause: "dc",
      severity: "fault",
      title: "Ground fault: South top left",
      verified: false,
      openedAtMs: at("10:42"),
    });
    expect(f.advice).toMatch(
      /^South top left \(south roof, row 1 col 1\): reports a DC ground fault since 10:42/,
    );
    expect(f.advice).toContain("steady red");
    expect(f.advice).toContain("stays locked until the fault is fixed and the ground-fault lock is cleared");

    // Not producing because of the ground fault is the same story: no second finding.
    d.round(at("10:47"), 50, [faulted, healthy(TR), healthy(BL), healthy(BR)]);
    d.round(at("10:52"), 50, [faulted, healthy(TR), healthy(BL), healthy(BR)]);
    // Silent for a round (a lost poll): still open.
    d.round(at("10:57"), 50, [TL, healthy(TR), healthy(BL), healthy(BR)]);
    expect(d.opened().map((x) => x.key)).toEqual([`ground_fault:${TL}`]);
    expect(d.cleared()).toEqual([]);

    const fixed = d.round(at("14:00"), 45, [healthy(TL), healthy(TR), healthy(BL), healthy(BR)]);
    expect(fixed.cleared.map((x) => [x.key, x.clearedAtMs])).toEqual([[`ground_fault:${TL}`, at("14:00")]]);
    expect(fixed.open).toEqual([]);
  });

  it("keeps a ground fault open through the night (no reading says it is gone)", () => {
    const d = new Drive();
    const faulted = groundFaulted(TL);
    d.round(at("19:30"), 12, [faulted, healthy(TR), healthy(BL), healthy(BR)]);
    const night = d.round(at("23:30"), -15, [TL, TR, BL, BR]);
    expect(night.open.map((x) => x.key)).toEqual([`ground_fault:${TL}`]);
  });
});
