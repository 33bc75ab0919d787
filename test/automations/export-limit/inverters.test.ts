/**
 * The per-panel edge: QS1/YC600 take a limit per panel, DS3 per inverter; the core sees whole-inverter
 * watts. Worked examples from the models' ranges (QS1 20–500 W per panel × 4 inputs, YC600 × 2, DS3
 * 30–1100 W per inverter) and site.yaml's min_limit_w/max_limit_w in the same per-panel unit.
 */
import { describe, expect, it } from "vitest";
import { limiterInverters, toUnitW, toWholeW } from "../../../src/automations/export-limit/inverters.ts";
import { modelForSerial } from "../../../src/protocol/models.ts";
import type { InverterConfig } from "../../../src/site/config/types.ts";

const inverter = (serial: string): InverterConfig => ({
  serial,
  path: "inverters[0]",
  label: serial,
  model: modelForSerial(serial),
  channels: {},
  positions: [],
});

describe("limiterInverters", () => {
  it("whole-inverter ranges: per-panel range × inputs for QS1/YC600, as is for DS3", () => {
    const got = limiterInverters(
      [inverter("801000012345"), inverter("406000000001"), inverter("703000000001")],
      {},
    );
    expect(got.map(({ serial, minW, maxW, stepW, units }) => ({ serial, minW, maxW, stepW, units }))).toEqual(
      [
        { serial: "801000012345", minW: 80, maxW: 2000, stepW: 4, units: 4 }, // 20–500 W × 4
        { serial: "406000000001", minW: 40, maxW: 1000, stepW: 2, units: 2 }, // 20–500 W × 2
        { serial: "703000000001", minW: 30, maxW: 1100, stepW: 1, units: 1 },
      ],
    );
  });

  it("min_limit_w / max_limit_w narrow the range per panel, and the priority is carried", () => {
    const got = limiterInverters([inverter("801000012345"), inverter("703000000001")], {
      minLimitW: 50,
      maxLimitW: 300,
      priority: { "703000000001": 5 },
    });
    expect(got.map(({ minW, maxW, priority }) => ({ minW, maxW, priority }))).toEqual([
      { minW: 200, maxW: 1200, priority: undefined }, // 50–300 W × 4
      { minW: 50, maxW: 300, priority: 5 },
    ]);
  });

  it("a limit outside the model's range is held to the range", () => {
    const [qs1] = limiterInverters([inverter("801000012345")], { minLimitW: 5, maxLimitW: 900 });
    expect([qs1!.minW, qs1!.maxW]).toEqual([80, 2000]);
  });

  it("YC1000 (no telemetry decoder) and unknown models are left out", () => {
    expect(limiterInverters([inverter("501000000001"), inverter("999000000001")], {})).toEqual([]);
  });
});

describe("unit conversion", () => {
  it("the core's 1000 W for a QS1 is 250 W per panel; a DS3 takes it whole", () => {
    expect(toUnitW({ units: 4 }, 1000)).toBe(250);
    expect(toUnitW({ units: 1 }, 600)).toBe(600);
  });

  it("a read-back a fraction off (0x21DB = 8667 × 256 / 7395 = 300.03 W) is the 300 W per panel written", () => {
    expect(toWholeW({ units: 4 }, (8667 * 256) / 7395)).toBe(1200);
    expect(toWholeW({ units: 2 }, (0x0241 * 256) / 7395)).toBe(40); // 19.97 W per panel
  });
});
