import { describe, expect, it } from "vitest";
import { at, BL, BR, Drive, healthy, TL, TR } from "./helpers.ts";

describe("fault diagnosis: the controller's side", () => {
  it("reports the stick's link lost once it has been down a minute, as one finding (not a silent site), and clears when it is back", () => {
    const d = new Drive();
    d.round(at("12:00"), 60, [healthy(TL), healthy(TR), healthy(BL), healthy(BR)]);
    d.core.update({
      kind: "stick-link",
      atMs: at("12:03"),
      up: false,
      detail: "serial port /dev/ttyACM0 closed",
    });
    // 12:03:30: 30 s down, still inside the reconnect grace.
    const early = d.round(at("12:03") + 30_000, 60, [TL, TR, BL, BR]);
    expect(early.opened).toEqual([]);
    d.round(at("12:05"), 60, [TL, TR, BL, BR]);
    d.round(at("12:10"), 60, [TL, TR, BL, BR]);
    d.round(at("12:15"), 60, [TL, TR, BL, BR]);
    expect(d.opened().map((f) => [f.key, f.cause, f.severity])).toEqual([
      ["stick_link:site", "controller", "fault"],
    ]);
    expect(d.opened()[0]!.advice).toMatch(
      /^The controller has lost its ZigBee stick since 12:03 \(serial port \/dev\/ttyACM0 closed\): no inverter can be read/,
    );
    d.core.update({ kind: "stick-link", atMs: at("12:20"), up: true });
    const back = d.round(at("12:20"), 60, [healthy(TL), healthy(TR), healthy(BL), healthy(BR)]);
    expect(back.cleared.map((f) => f.key)).toEqual(["stick_link:site"]);
  });

  it("reports the stick restarting by itself: one restart is info, three in a day a warning, none for 24 h clears", () => {
    const d = new Drive();
    d.core.update({ kind: "stick-reset", atMs: at("09:14") });
    const one = d.round(at("09:15"), 40, [healthy(TL), healthy(TR), healthy(BL), healthy(BR)]);
    expect(one.opened.map((f) => [f.key, f.severity])).toEqual([["stick_reset:site", "info"]]);
    expect(one.opened[0]!.advice).toContain("restarted by itself once in the last 24 hours (last at 09:14)");
    d.core.update({ kind: "stick-reset", atMs: at("10:00") });
    d.core.update({ kind: "stick-reset", atMs: at("11:00") });
    const three = d.round(at("11:05"), 55, [healthy(TL), healthy(TR), healthy(BL), healthy(BR)]);
    expect(three.open.find((f) => f.key === "stick_reset:site")).toMatchObject({ severity: "warning" });
    const nextDay = d.round(at("11:01", 16), 55, [healthy(TL), healthy(TR), healthy(BL), healthy(BR)]);
    expect(nextDay.cleared.map((f) => f.key)).toEqual(["stick_reset:site"]);
  });

  it("reports the store failing, night or day, and clears when a write works again", () => {
    const d = new Drive();
    d.core.update({
      kind: "store",
      atMs: at("02:00"),
      ok: false,
      detail: "SQLITE_FULL: database or disk is full",
    });
    const c = d.round(at("02:05"), -20, [TL, TR, BL, BR]);
    expect(c.opened.map((f) => [f.key, f.cause])).toEqual([["store_error:site", "controller"]]);
    expect(c.opened[0]!.advice).toMatch(
      /^localecu cannot write to its data store since 02:00 \(SQLITE_FULL: database or disk is full\)/,
    );
    d.core.update({ kind: "store", atMs: at("02:10"), ok: true });
    expect(d.round(at("02:10"), -20, [TL, TR, BL, BR]).cleared.map((f) => f.key)).toEqual([
      "store_error:site",
    ]);
  });
});
