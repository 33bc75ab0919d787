/**
 * The grid_settings finding: an inverter whose protection settings deviate from the site's grid code
 * (or, without one, from its siblings). Readings are hand-built QS1 pages in physical units; the
 * expected texts are written out from the EN50549-1 / G98 profiles of the reference (§6.1), not
 * recomputed with the check's code.
 */
import { describe, expect, it } from "vitest";
import { FaultDiagnosis } from "../../../src/automations/faults/core.ts";
import { openNotice } from "../../../src/automations/faults/notice.ts";
import type { FaultLayout } from "../../../src/automations/faults/types.ts";
import type { ProtectionReading, ProtectionValue } from "../../../src/protocol/protection/types.ts";
import { at, BL, BR, southRoof, TL, TR } from "./helpers.ts";

const V = (value: number): ProtectionValue => ({ kind: "value", value, unit: "V" });
const HZ = (value: number): ProtectionValue => ({ kind: "value", value, unit: "Hz" });

/** A QS1's pages as EN50549-1 sets them (AC 196 V, AD 264 V, AE 47.5 Hz, AF 52 Hz), with changes. */
function qs1(serial: string, over: ProtectionReading["settings"] = {}): ProtectionReading {
  return {
    serial,
    model: "QS1",
    pages: ["A", "B", "C"],
    settings: { AC: V(196), AD: V(264), AE: HZ(47.5), AF: HZ(52), ...over },
  };
}

const NIGHT = -20;
const TAIL =
  "The inverter was set to another grid profile; have the installer set the site's profile (EMA installer app) — " +
  "localecu only reads these settings. They are read once after start (re-read an hour after a failed read): " +
  "restart localecu after a change to check again.";

function site(grid: FaultLayout["grid"]): FaultDiagnosis {
  return new FaultDiagnosis({ ...southRoof(), ...(grid ? { grid } : {}) });
}

function readAll(d: FaultDiagnosis, t: number, readings: ProtectionReading[]) {
  for (const reading of readings) d.update({ kind: "protection", atMs: t, reading });
  return d.update({ kind: "round", atMs: t, sunElevationDeg: NIGHT });
}

describe("grid_settings finding", () => {
  it("names the planted setting, both values, the code's profile and the siblings, and what to do", () => {
    const d = site({ code: "en50549-1" });
    const c = readAll(d, at("07:00"), [qs1(TL), qs1(TR, { AC: V(184) }), qs1(BL), qs1(BR)]);
    expect(c.opened).toHaveLength(1);
    const f = c.opened[0]!;
    expect(f).toMatchObject({
      key: `grid_settings:${TR}`,
      kind: "grid_settings",
      serial: TR,
      cause: "installation",
      severity: "warning",
      verified: true,
      title: "Grid settings differ: South top right",
    });
    expect(f.advice).toBe(
      "South top right (south roof, row 1 col 2): its grid-protection settings differ from the site's grid code " +
        "en50549-1 in 1 setting: AC (under-voltage stage 1 (U<), trips after BD) reads 184 V, expected 196 V " +
        "(APsystems' EN50549-1 profile; 3 of 4 QS1 inverters). " +
        TAIL,
    );
    // The push message: the severity word, the title, the advice as it is (no status-bit caveat).
    expect(openNotice(f)).toEqual({
      title: "Solar warning — Grid settings differ: South top right",
      message: f.advice,
    });
    // One inverter, one finding: a second round with nothing new opens nothing more.
    expect(d.update({ kind: "round", atMs: at("07:05"), sunElevationDeg: NIGHT }).opened).toEqual([]);
  });

  it("an inverter that holds the code's value is not blamed when its sibling differs (two inverters, no majority)", () => {
    const layout = southRoof();
    const d = new FaultDiagnosis({
      ...layout,
      inverters: layout.inverters.slice(0, 2),
      grid: { code: "en50549-1" },
    });
    const c = readAll(d, at("07:00"), [qs1(TL), qs1(TR, { AF: HZ(51.5) })]);
    expect(c.opened.map((f) => f.key)).toEqual([`grid_settings:${TR}`]);
    expect(c.opened[0]!.advice).toContain(
      "in 1 setting: AF (over-frequency stage 1, trips after BK) reads 51.5 Hz, expected 52 Hz (APsystems' " +
        "EN50549-1 profile; no majority among 2 QS1 inverters (801000000001 52 Hz)).",
    );
  });

  it("without a grid code, the odd one out is found against its siblings", () => {
    const d = site(undefined);
    const c = readAll(d, at("07:00"), [qs1(TL), qs1(TR), qs1(BL, { AE: HZ(47) }), qs1(BR)]);
    expect(c.opened.map((f) => f.key)).toEqual([`grid_settings:${BL}`]);
    expect(c.opened[0]!.advice).toBe(
      "South bottom left (south roof, row 2 col 1): its grid-protection settings differ from the other inverters " +
        "of the site in 1 setting: AE (under-frequency stage 1, trips after BJ) reads 47 Hz, expected 47.5 Hz " +
        "(3 of 4 QS1 inverters). " +
        TAIL,
    );
  });

  it("marks a value from the standard as unconfirmed in its line (the finding rests on read values: verified)", () => {
    const layout = southRoof();
    const d = new FaultDiagnosis({
      ...layout,
      inverters: layout.inverters.slice(0, 1),
      grid: { code: "g98", overrides: { AC: 190 } },
    });
    const c = readAll(d, at("07:00"), [{ serial: TL, model: "QS1", pages: ["B"], settings: { AC: V(200) } }]);
    expect(c.opened).toHaveLength(1);
    expect(c.opened[0]!.verified).toBe(true);
    expect(c.opened[0]!.advice).toContain(
      "in 1 setting: AC (under-voltage stage 1 (U<), trips after BD) reads 200 V, expected 190 V (network " +
        "operator, site.grid_overrides.AC), 184 V (standard G98 Issue 1 Amd 7 U/V, unconfirmed).",
    );
  });

  it("clears when a later read passes", () => {
    const d = site({ code: "en50549-1" });
    readAll(d, at("07:00"), [qs1(TL), qs1(TR, { AC: V(184) }), qs1(BL), qs1(BR)]);
    // The installer set the site's profile and localecu was restarted: the finding came back from the store.
    const restarted = site({ code: "en50549-1" });
    restarted.restore(d.update({ kind: "round", atMs: at("07:05"), sunElevationDeg: NIGHT }).open);
    const c = readAll(restarted, at("09:00"), [qs1(TL), qs1(TR), qs1(BL), qs1(BR)]);
    expect(c.opened).toEqual([]);
    expect(c.cleared.map((f) => [f.key, f.clearedAtMs])).toEqual([[`grid_settings:${TR}`, at("09:00")]]);
    expect(c.open).toEqual([]);
  });

  it("never raises it on a setting that could not be read", () => {
    const d = site({ code: "en50549-1" });
    const notReadable: ProtectionValue = {
      kind: "not-readable",
      why: "QS1 page-A trip times are not trusted",
    };
    const c = readAll(d, at("07:00"), [
      qs1(TL),
      qs1(TR, { AC: notReadable, BD: notReadable }),
      qs1(BL, { BD: notReadable }),
      qs1(BR),
    ]);
    expect(c.opened).toEqual([]);
    expect(c.open).toEqual([]);
  });

  it("waits for the siblings' pages before judging, up to two hours after the first read", () => {
    const d = site(undefined);
    // Two of four read, and they disagree: nothing says which is right yet.
    const early = readAll(d, at("07:00"), [qs1(TL), qs1(TR, { AC: V(184) })]);
    expect(early.opened).toEqual([]);
    expect(d.update({ kind: "round", atMs: at("08:59"), sunElevationDeg: NIGHT }).opened).toEqual([]);
    // The other two never answer: two hours on, what was read is judged (no majority: both named).
    const late = d.update({ kind: "round", atMs: at("09:00"), sunElevationDeg: NIGHT });
    expect(late.opened.map((f) => f.key).sort()).toEqual([`grid_settings:${TL}`, `grid_settings:${TR}`]);
    expect(late.opened.find((f) => f.serial === TL)!.advice).toContain(
      "AC (under-voltage stage 1 (U<), trips after BD) reads 196 V, expected 184 V (no majority among 2 QS1 inverters (801000000002 184 V))",
    );
  });
});
