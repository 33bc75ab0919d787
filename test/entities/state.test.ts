import { describe, expect, it } from "vitest";
import { FAULTS, inverterState, siteState } from "../../src/entities/catalog/index.ts";
import {
  controlsPayload,
  faultEventMessage,
  inverterAvailable,
  inverterMessages,
  siteMessage,
} from "../../src/entities/state.ts";
import { producing, SITE, sleeping, TELEMETRY } from "./fixtures.ts";

const QS1 = producing("qs1", "Roof east 1");

describe("state payload from a snapshot", () => {
  it("by day carries the capture's readings per inverter and per panel", () => {
    const st = inverterState(QS1);
    const t = TELEMETRY.qs1;
    expect(st.status).toBe("producing");
    expect(st.power).toBeCloseTo(t.acPowerW, 1);
    expect(st.ac_voltage).toBeCloseTo(t.acVoltageV, 1);
    expect(st.ac_frequency).toBeCloseTo(t.frequencyHz, 3);
    expect(st.temperature).toBeCloseTo(t.temperatureC, 1);
    for (let i = 0; i < 4; i++) {
      expect(st[`dc_voltage_ch${i + 1}`]).toBeCloseTo(t.channels[i]!.voltageV, 2);
      expect(st[`dc_current_ch${i + 1}`]).toBeCloseTo(t.channels[i]!.currentA, 3);
      expect(st[`dc_power_ch${i + 1}`]).toBeCloseTo(t.channels[i]!.powerW, 1);
    }
    expect(st).not.toHaveProperty("dc_voltage_ch5");
  });

  it("at night reads 0 W, keeps every energy, says sleeping and stays available", () => {
    const day = inverterState(QS1);
    const night = sleeping(QS1);
    const st = inverterState(night);
    expect(st.status).toBe("sleeping");
    expect(st.power).toBe(0);
    for (let i = 1; i <= 4; i++) expect(st[`dc_power_ch${i}`]).toBe(0);
    for (const key of Object.keys(day).filter((k) => k.startsWith("energy"))) {
      expect([key, st[key]]).toEqual([key, day[key]]);
    }
    expect(st.energy).toBe(1234.567);
    expect(inverterAvailable(night)).toBe(true);
    const availability = inverterMessages("localecu", night).find((m) => m.topic.endsWith("/availability"));
    expect(availability).toEqual({
      topic: "localecu/Roof east 1/availability",
      payload: '{"state":"online"}',
      retain: true,
      qos: 1,
    });
  });

  it("publishes unknowns as null, never as a stale or made-up number", () => {
    const fresh = {
      ...QS1,
      status: "unpaired" as const,
      telemetry: undefined,
      maxPowerW: undefined,
      on: undefined,
      lastSeenMs: undefined,
    };
    const st = inverterState(fresh);
    expect(st.ac_voltage).toBeNull();
    expect(st.max_power).toBeNull();
    expect(st.state).toBeNull();
    expect(st.last_seen).toBeNull();
    for (const f of FAULTS) expect(st[f.key]).toBeNull();
    // Never polled: its output is unknown, not 0 W (a 0 would draw a dip in HA at every restart or pairing).
    expect(st.power).toBeNull();
    expect(st.dc_power_ch1).toBeNull();
  });

  it("marks only an unreachable inverter offline", () => {
    for (const status of [
      "producing",
      "idle",
      "sleeping",
      "off",
      "fault",
      "encrypted",
      "unpaired",
    ] as const) {
      expect([status, inverterAvailable({ ...QS1, status })]).toEqual([status, true]);
    }
    expect(inverterAvailable({ ...QS1, status: "unreachable" })).toBe(false);
  });

  it("raises a fault flag from the status bits", () => {
    const t = { ...TELEMETRY.qs1, status: { ...TELEMETRY.qs1.status, gfdi: true } };
    expect(inverterState({ ...QS1, telemetry: t }).fault_ground).toBe(true);
    expect(inverterState(QS1).fault_ground).toBe(false);
  });

  it("state, availability and controls are retained; the site state too", () => {
    const msgs = inverterMessages("localecu", QS1);
    expect(msgs.map((m) => [m.topic, m.retain])).toEqual([
      ["localecu/Roof east 1", true],
      ["localecu/Roof east 1/availability", true],
      ["localecu/Roof east 1/controls", true],
    ]);
    expect(JSON.parse(msgs[0]!.payload)).toEqual(inverterState(QS1));
    expect(JSON.parse(msgs[2]!.payload)).toEqual(controlsPayload(QS1));
    const site = siteMessage("localecu", SITE);
    expect(site).toMatchObject({ topic: "localecu/site", retain: true });
    expect(JSON.parse(site.payload)).toEqual(siteState(SITE));
    expect(JSON.parse(site.payload)).toEqual({
      power: 812.3,
      energy: 9876.543,
      energy_today: 12.345,
      inverters_producing: 3,
    });
  });

  it("fault events are never retained and carry HA's event_type with the finding", () => {
    const m = faultEventMessage("localecu", "Roof east 1", "fault_repeated", {
      key: "no_data:801000085070",
      kind: "no_data",
      serial: "801000085070",
      cause: "communication",
      severity: "fault",
      title: "No data: Roof east 1",
      advice: "Check its AC breaker.",
      verified: true,
      openedAtMs: Date.parse("2026-06-15T08:42:00Z"),
    });
    expect(m).toEqual({
      topic: "localecu/Roof east 1/event/fault",
      payload: JSON.stringify({
        event_type: "fault_repeated",
        key: "no_data:801000085070",
        kind: "no_data",
        title: "No data: Roof east 1",
        advice: "Check its AC breaker.",
        cause: "communication",
        severity: "fault",
        verified: true,
        since: "2026-06-15T08:42:00.000Z",
        serial: "801000085070",
      }),
      retain: false,
      qos: 1,
    });
  });
});
