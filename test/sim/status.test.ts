import { describe, expect, it } from "vitest";
import { encodeStatusBytes, type GridTrips, gridOk, gridTrips } from "../../src/sim/status.ts";

const NONE: GridTrips = { overVoltage: 0, underVoltage: 0, overFrequency: 0, underFrequency: 0 };

describe("gridTrips", () => {
  it.each<[number, number, Partial<GridTrips>]>([
    [230, 50, {}],
    [253, 51, {}],
    [184, 48, {}],
    [258, 50, { overVoltage: 1 }],
    [270, 50, { overVoltage: 2 }],
    [180, 50, { underVoltage: 1 }],
    [100, 50, { underVoltage: 2 }],
    [230, 51.2, { overFrequency: 1 }],
    [230, 52, { overFrequency: 2 }],
    [230, 47.8, { underFrequency: 1 }],
    [230, 47, { underFrequency: 2 }],
  ])("%f V, %f Hz → %o", (v, hz, expected) => {
    const trips = gridTrips(v, hz);
    expect(trips).toEqual({ ...NONE, ...expected });
    expect(gridOk(trips)).toBe(Object.keys(expected).length === 0);
  });
});

describe("encodeStatusBytes", () => {
  it.each<[string, "qs1" | "yc600" | "ds3", boolean, Partial<GridTrips>, number[]]>([
    ["QS1 clean", "qs1", false, {}, [0, 0, 0, 0]],
    ["QS1 GFDI: byte 33 b3", "qs1", true, {}, [0x08, 0, 0, 0]],
    ["QS1 over-voltage slow: byte 36 b0", "qs1", false, { overVoltage: 1 }, [0, 0, 0, 0x01]],
    ["QS1 over-voltage fast: byte 36 b0+b2", "qs1", false, { overVoltage: 2 }, [0, 0, 0, 0x05]],
    ["QS1 under-voltage fast: byte 36 b1+b3", "qs1", false, { underVoltage: 2 }, [0, 0, 0, 0x0a]],
    ["YC600 over-frequency slow: byte 36 b4", "yc600", false, { overFrequency: 1 }, [0, 0, 0, 0x10]],
    ["QS1 over-frequency fast: byte 36 b4+b6", "qs1", false, { overFrequency: 2 }, [0, 0, 0, 0x50]],
    ["QS1 under-frequency fast: byte 36 b5+b7", "qs1", false, { underFrequency: 2 }, [0, 0, 0, 0xa0]],
    ["DS3 clean", "ds3", false, {}, [0, 0, 0, 0, 0]],
    ["DS3 DC ground fault: 0x0D b3", "ds3", true, {}, [0, 0, 0x08, 0, 0]],
    ["DS3 over-voltage fast: 0x0E b0+b2", "ds3", false, { overVoltage: 2 }, [0, 0, 0, 0x05, 0]],
    ["DS3 under-voltage slow: 0x0E b1", "ds3", false, { underVoltage: 1 }, [0, 0, 0, 0x02, 0]],
    ["DS3 under-frequency fast: 0x0F b1+b3", "ds3", false, { underFrequency: 2 }, [0, 0, 0, 0, 0x0a]],
  ])("%s", (_name, family, gfdi, trips, bytes) => {
    expect([...encodeStatusBytes(family, { gfdi, trips: { ...NONE, ...trips } })]).toEqual(bytes);
  });
});
