import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FaultDiagnosis } from "../../../src/automations/faults/core.ts";
import { layoutFromConfig } from "../../../src/automations/faults/layout.ts";
import { diagnosisSettings } from "../../../src/automations/faults/settings.ts";
import { parseConfig } from "../../../src/site/config/index.ts";
import { at, BL, BR, Drive, groundFaulted, healthy, southRoof, TL, TR } from "./helpers.ts";

const gfdi = () => groundFaulted(TL);

describe("fault diagnosis: ledger, repeats, restarts, settings", () => {
  it("repeats an open finding after repeat_hours (2 h), once per 2 h, and never when it is 0", () => {
    const d = new Drive(southRoof(), { repeatHours: 2 });
    const repeatedAt: number[] = [];
    for (let m = 0; m <= 5 * 60; m += 5) {
      const t = at("10:00") + m * 60_000;
      const c = d.round(t, 50, [gfdi(), healthy(TR), healthy(BL), healthy(BR)]);
      repeatedAt.push(...c.repeated.map((f) => f.notifiedAtMs));
    }
    expect(d.opened().map((f) => f.openedAtMs)).toEqual([at("10:00")]);
    expect(repeatedAt).toEqual([at("12:00"), at("14:00")]);

    const never = new Drive(southRoof(), { repeatHours: 0 });
    for (let m = 0; m <= 26 * 60; m += 60)
      never.round(at("10:00") + m * 60_000, 50, [gfdi(), healthy(TR), healthy(BL), healthy(BR)]);
    expect(never.log.flatMap((c) => c.repeated)).toEqual([]);
  });

  it("after a restart, restored findings are not reported again and clear as usual", () => {
    const d = new Drive();
    const before = d.round(at("10:00"), 50, [gfdi(), healthy(TR), healthy(BL), healthy(BR)]).opened;
    const again = new Drive();
    again.core.restore(before);
    const c = again.round(at("10:30"), 52, [gfdi(), healthy(TR), healthy(BL), healthy(BR)]);
    expect(c.opened).toEqual([]);
    expect(c.open.map((f) => [f.key, f.openedAtMs])).toEqual([[`ground_fault:${TL}`, at("10:00")]]);
    const fixed = again.round(at("11:00"), 55, [healthy(TL), healthy(TR), healthy(BL), healthy(BR)]);
    expect(fixed.cleared.map((f) => f.key)).toEqual([`ground_fault:${TL}`]);
  });

  it("diagnoses an inverter missing from site.yaml by its replies alone", () => {
    const d = new Drive();
    const stranger = healthy("801000009999", { acV: 190, status: { gfdi: true }, acW: 0 });
    const c = d.round(at("10:00"), 50, [stranger, healthy(TL), healthy(TR), healthy(BL), healthy(BR)]);
    expect(c.opened.map((f) => f.key).sort()).toEqual(["ground_fault:801000009999"]);
    expect(c.opened[0]!.advice).toMatch(/^Inverter 801000009999: reports a DC ground fault/);
  });

  it("rejects bad input and settings with what, where and how to fix", () => {
    expect(() => diagnosisSettings({ repeatHours: -1 })).toThrow(
      "fault diagnosis settings (site.yaml automations.faults): repeat_hours must be ≥ 0 (0 = never repeat), got -1",
    );
    expect(() => diagnosisSettings({ confirmPolls: 0 })).toThrow(
      "confirm_polls must be a whole number 1..10, got 0",
    );
    expect(() => new FaultDiagnosis({ ...southRoof(), timezone: "Mars/Olympus" })).toThrow(
      "fault diagnosis: timezone 'Mars/Olympus' is not an IANA zone; use one like Europe/Amsterdam (site.yaml site.timezone)",
    );
    const twice = southRoof();
    twice.inverters.push({ ...twice.inverters[0]! });
    expect(() => new FaultDiagnosis(twice)).toThrow(
      `fault diagnosis: inverters[4] ${TL} is listed twice; list each once`,
    );
    const d = new Drive();
    expect(() => d.core.update({ kind: "round", atMs: Number.NaN, sunElevationDeg: 10 })).toThrow(
      "fault diagnosis: round input needs atMs in epoch ms, got NaN",
    );
  });

  it("takes site.yaml's defaults: confirm after 2 looks, 60 min lone silence, 85 %, 100 W, repeat after 24 h", () => {
    expect(diagnosisSettings({})).toEqual({
      confirmPolls: 2,
      noDataMinutes: 60,
      lowOutputPct: 85,
      minArrayPowerW: 100,
      repeatHours: 24,
    });
    expect(diagnosisSettings({ noDataMinutes: 30, lowOutputPct: 80 })).toMatchObject({
      noDataMinutes: 30,
      lowOutputPct: 80,
    });
  });

  it("reads names, map places, panels and orientation from the example site.yaml", () => {
    const config = parseConfig(readFileSync("examples/site.yaml", "utf8"), "examples/site.yaml");
    const layout = layoutFromConfig(config);
    expect(layout.timezone).toBe("Europe/Amsterdam");
    const first = layout.inverters.find((i) => i.serial === "801000012345")!;
    expect(first).toMatchObject({ label: "South top left", position: "South roof, row 1 col 1" });
    expect(first.model?.model).toBe("QS1");
    expect(first.panels).toEqual([
      { id: "S1", input: "A", wp: 400, tiltDeg: 35, azimuthDeg: 180 },
      { id: "S2", input: "B", wp: 400, tiltDeg: 35, azimuthDeg: 180 },
      { id: "S7", input: "C", wp: 400, tiltDeg: 35, azimuthDeg: 180 },
      { id: "S8", input: "D", wp: 400, tiltDeg: 35, azimuthDeg: 180 },
    ]);
  });

  it("reads automations.faults from site.yaml, confirm_polls included, and refuses confirm_polls: 0", () => {
    const example = readFileSync("examples/site.yaml", "utf8");
    const withFaults = (extra: string) =>
      example.replace("    no_data_minutes: 60\n", `    no_data_minutes: 30\n${extra}`);
    const config = parseConfig(withFaults("    confirm_polls: 3\n    repeat_hours: 6\n"), "site.yaml");
    expect(diagnosisSettings(config.automations.faults)).toEqual({
      confirmPolls: 3,
      noDataMinutes: 30,
      lowOutputPct: 85,
      minArrayPowerW: 100,
      repeatHours: 6,
    });
    expect(() => parseConfig(withFaults("    confirm_polls: 0\n"), "site.yaml")).toThrow(/confirm_polls/);
  });
});
