import { describe, expect, it } from "vitest";
import { ManualClock, SimClock } from "../../src/sim/clock.ts";

describe("SimClock", () => {
  it("runs simulated time at its speed from the start time", () => {
    let real = 1_000;
    const clock = new SimClock({ startMs: 5_000_000, speed: 60, realNow: () => real });
    expect(clock.now()).toBe(5_000_000);
    real += 1_000;
    expect(clock.now()).toBe(5_060_000);
  });

  it("changes speed without a jump", () => {
    let real = 0;
    const clock = new SimClock({ startMs: 0, speed: 10, realNow: () => real });
    real = 100;
    clock.setSpeed(1000);
    expect(clock.now()).toBe(1_000);
    real = 101;
    expect(clock.now()).toBe(2_000);
    expect(clock.speed).toBe(1000);
  });

  it.each([0, -1, Number.NaN])("rejects speed %f", (speed) => {
    expect(() => new SimClock({ startMs: 0, speed })).toThrow(/speed must be a positive number/);
  });
});

describe("ManualClock", () => {
  it("moves only when told to, and never backwards", () => {
    const clock = new ManualClock(1_000);
    clock.advance(500);
    expect(clock.now()).toBe(1_500);
    clock.set(2_000);
    expect(clock.now()).toBe(2_000);
    expect(() => clock.set(1_999)).toThrow(/only goes forward/);
    expect(() => clock.advance(-1)).toThrow(/ms ≥ 0/);
  });
});
