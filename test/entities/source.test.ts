/**
 * What the entities make of the source of readings (src/entities/source.ts): the stick changes nothing;
 * a source without status bytes leaves the status-bit faults unknown instead of a made-up "no fault".
 * The ECU end to end (which entities exist, the Status sensor's attributes): test/ecu/entities-e2e.test.ts.
 */
import { describe, expect, it } from "vitest";
import { inverterState } from "../../src/entities/catalog/index.ts";
import { inverterDiscovery } from "../../src/entities/discovery.ts";
import { inverterMessages } from "../../src/entities/state.ts";
import { CTX, producing } from "./fixtures.ts";

describe("the source of readings in the entities", () => {
  it("the stick (no gaps) gets exactly the discovery and controls it got before sources existed", () => {
    const s = producing("qs1", "Roof east 1");
    const stick = { kind: "stick" as const, gaps: {} };
    expect(inverterDiscovery(CTX, s, { faults: true, source: stick })).toEqual(
      inverterDiscovery(CTX, s, { faults: true }),
    );
    expect(inverterMessages("localecu", s, undefined, stick)).toEqual(inverterMessages("localecu", s));
  });

  it("status-bit faults read unknown when the reading carries no status bytes (the vendor ECU's)", () => {
    const s = producing("qs1", "Roof east 1");
    // The captured QS1 frame (status bytes 0006a800) decodes to no ground fault: false, read from the inverter.
    expect(inverterState(s).fault_ground).toBe(false);
    const ecu = { ...s, telemetry: { ...s.telemetry!, statusRaw: "" } };
    for (const key of ["fault_ground", "fault_grid_voltage", "fault_grid_frequency", "fault_dc"])
      expect(inverterState(ecu)[key]).toBeNull();
  });
});
