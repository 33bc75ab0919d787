/**
 * The producing / idle / fault rule (converters/lib/status.ts) on captured readings: fault bits set into the
 * QS1 capture's status block at the places DESIGN.md §2 (openaps' map) gives, and AC power around the
 * manual's (6.2) "0 W or 2 W is not really producing".
 */
import { describe, expect, it } from "vitest";
import { decodeRaw } from "../../converters/lib/decode.ts";
import { readingStatus } from "../../converters/lib/status.ts";
import { decodeReply } from "../../src/protocol/replies.ts";
import type { Telemetry } from "../../src/protocol/types.ts";
import { captures } from "../fixtures/captures.ts";
import { replyPayload } from "./helpers.ts";

const TZ = "Europe/Amsterdam";
const T0 = Date.parse("2024-06-01T10:00:00Z");
const johan = replyPayload(captures.qs1Johan).payload;

/** The QS1 capture with only `bit` of AF payload byte `byte` (33–36: the status block) set. */
function withStatusBit(byte: number, bit: number): Uint8Array {
  const p = Uint8Array.from(johan);
  p.fill(0, 33, 37);
  p[byte] = 1 << bit;
  return p;
}

const FAULT_KEYS = [
  "fault_ground",
  "fault_grid_voltage",
  "fault_grid_frequency",
  "fault_over_temperature",
  "fault_dc",
];

describe("status of a captured reading with one status bit set (DESIGN.md §2 bit map)", () => {
  it.each([
    [33, 3, "fault_ground"], // b3 = DC ground fault (GFDI)
    [33, 1, "fault_dc"], // b1 = DC contactor
    [34, 4, "fault_dc"], // b4 = DC bus
    [36, 0, "fault_grid_voltage"], // b0 = over-voltage
    [36, 1, "fault_grid_voltage"], // b1 = under-voltage
    [36, 4, "fault_grid_frequency"], // b4 = over-frequency
    [36, 5, "fault_grid_frequency"], // b5 = under-frequency
    [33, 5, "fault_grid_frequency"], // b5 = 10-minute average over-frequency
  ])("byte %i bit %i: status fault, %s on and every other fault sensor off", (byte, bit, sensor) => {
    const { values } = decodeRaw(withStatusBit(byte, bit), {}, { atMs: T0, timeZone: TZ });
    expect(values.status).toBe("fault");
    for (const k of FAULT_KEYS) expect(values[k], k).toBe(k === sensor);
  });

  it.each([
    [33, 2, "grid relay"],
    [33, 4, "comm"],
  ])(
    "byte %i bit %i (%s: no fault sensor, meaning unconfirmed) leaves a producing inverter producing",
    (byte, bit) => {
      const { values } = decodeRaw(withStatusBit(byte, bit), {}, { atMs: T0, timeZone: TZ });
      expect(values.status).toBe("producing");
      for (const k of FAULT_KEYS) expect(values[k], k).toBe(false);
    },
  );
});

describe("readingStatus: producing or idle by AC output", () => {
  const reply = decodeReply(johan);
  if (reply.kind !== "telemetry") throw new Error(`the QS1 capture decodes as ${reply.kind}`);
  const clean: Telemetry = { ...reply, status: { ...reply.status } };

  it.each([
    [0, "idle"],
    [0.5, "idle"],
    [0.999, "idle"],
    [1, "producing"],
    [2, "producing"],
    [174.9, "producing"],
  ])("%d W → %s", (watts, status) => {
    expect(readingStatus(clean, watts)).toBe(status);
  });

  it("a fault bit wins over any output, also at 0 W", () => {
    const gfdi: Telemetry = { ...clean, status: { ...clean.status, gfdi: true } };
    expect(readingStatus(gfdi, 0)).toBe("fault");
    expect(readingStatus(gfdi, 174.9)).toBe("fault");
    const overTemperature: Telemetry = { ...clean, status: { ...clean.status, overTemperature: true } };
    expect(readingStatus(overTemperature, 50)).toBe("fault");
  });
});
