import { describe, expect, it } from "vitest";
import { InverterTracker, statusOf } from "../../src/controller/tracker.ts";
import { inverterState } from "../../src/entities/catalog/index.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { decodeDump } from "../../src/protocol/dump.ts";
import { modelByName } from "../../src/protocol/models.ts";
import type { Telemetry } from "../../src/protocol/types.ts";
import { EnergyAccountant } from "../../src/site/energy/index.ts";
import { captures } from "../fixtures/captures.ts";

const QS1 = modelByName("QS1")!;
const AT = Date.parse("2026-06-21T12:00:00+02:00");

function qs1Telemetry(): Telemetry {
  const r = decodeDump(fromHex(captures.qs1Johan.hex)).messages[0]!.reply;
  if (r.kind !== "telemetry") throw new Error(r.kind);
  return r;
}

function tracked() {
  const t = qs1Telemetry();
  const tracker = new InverterTracker();
  tracker.add({ serial: t.serial, name: "Roof", model: QS1, shortAddress: 0x05c0 });
  const acc = new EnergyAccountant({ timeZone: "Europe/Amsterdam" }).record(t, AT);
  tracker.applyTelemetry(t, acc, 94, AT);
  return { tracker, t, acc };
}

describe("inverter tracker", () => {
  it("a replying inverter with output is producing, with the accounted energy", () => {
    const { tracker, t, acc } = tracked();
    const s = tracker.snapshot(t.serial)!;
    expect(s.status).toBe("producing");
    expect(s.lifetimeWh).toBe(acc.lifetimeWh);
    const state = inverterState(s);
    expect(state.power).toBeGreaterThan(0);
    expect(state.energy).toBeCloseTo(acc.lifetimeWh / 1000, 4);
  });

  it("at night it is sleeping: 0 W, energies kept, no fault invented", () => {
    const { tracker, t } = tracked();
    const day = inverterState(tracker.snapshot(t.serial)!);
    tracker.setRadioState(t.serial, "sleeping");
    const night = inverterState(tracker.snapshot(t.serial)!);
    expect(night.status).toBe("sleeping");
    expect(night.power).toBe(0);
    expect(night.dc_power_ch1).toBe(0);
    expect(night.energy).toBe(day.energy);
    expect(night.energy_today).toBe(day.energy_today);
  });

  it("before its first poll an inverter is starting: power unknown (not a 0 W dip), energies kept", () => {
    const tracker = new InverterTracker();
    tracker.add(
      { serial: "801000012345", name: "Roof", model: QS1, shortAddress: 0x1234 },
      { inverterWh: 4000, channelsWh: [1000, 1000, 1000, 1000] },
    );
    const state = inverterState(tracker.snapshot("801000012345")!);
    expect(state).toMatchObject({ status: "starting", power: null, dc_power_ch1: null, energy: 4 });
  });

  it("local midnight resets today's energy (also while asleep) and keeps the lifetime", () => {
    const { tracker, t } = tracked();
    tracker.setRadioState(t.serial, "sleeping");
    const before = tracker.snapshot(t.serial)!;
    expect(tracker.rollDay("2026-06-22").map((i) => i.serial)).toEqual([t.serial]);
    const after = tracker.snapshot(t.serial)!;
    expect(after.todayWh).toBe(0);
    expect(after.channels.every((c) => c.todayWh === 0)).toBe(true);
    expect(after.lifetimeWh).toBe(before.lifetimeWh);
    expect(tracker.rollDay("2026-06-22")).toEqual([]);
  });

  it.each([
    ["unpaired", { shortAddress: undefined }],
    ["unreachable", { radioState: "unreachable" as const }],
    ["encrypted", { radioState: "encrypted" as const }],
    ["off", { on: false }],
    ["idle", { acPowerW: 0 }],
  ])("status %s", (status, patch) => {
    const { tracker, t } = tracked();
    Object.assign(tracker.get(t.serial)!, patch);
    expect(statusOf(tracker.get(t.serial)!)).toBe(status);
  });

  it("a status bit without a fault sensor (grid relay) does not make the status 'fault'", () => {
    const { tracker, t } = tracked();
    tracker.get(t.serial)!.telemetry = { ...t, status: { ...t.status, gridRelay: true } };
    expect(statusOf(tracker.get(t.serial)!)).toBe("producing");
    tracker.get(t.serial)!.telemetry = { ...t, status: { ...t.status, gfdi: true } };
    expect(statusOf(tracker.get(t.serial)!)).toBe("fault");
  });

  it("the site sums producing inverters", () => {
    const { tracker, t, acc } = tracked();
    expect(tracker.site("Home")).toMatchObject({ producing: 1, inverters: 1, lifetimeWh: acc.lifetimeWh });
    tracker.setRadioState(t.serial, "sleeping");
    expect(tracker.site("Home")).toMatchObject({ producing: 0, powerW: 0, lifetimeWh: acc.lifetimeWh });
  });
});

describe("on/off: what the inverter was told and what its output proves", () => {
  const MIN = 60_000;
  const reading = (watts: number, source: "counters" | "estimate" = "counters") => {
    const { tracker, t, acc } = tracked();
    return { tracker, t, acc: { ...acc, acPowerW: watts, acPowerSource: source } };
  };

  it("nobody switched it: output proves it is on; no output says nothing", () => {
    const { tracker, t, acc } = reading(0);
    const i = tracker.get(t.serial)!;
    i.on = undefined;
    tracker.applyTelemetry(t, acc, 90, AT + 5 * MIN);
    expect(i.on).toBeUndefined();
    tracker.applyTelemetry(t, { ...acc, acPowerW: 120 }, 90, AT + 10 * MIN);
    expect(i.on).toBe(true);
  });

  it("the first reply after OFF still averages output from before it: the state stays OFF", () => {
    const { tracker, t, acc } = reading(180);
    tracker.applyOnOff(t.serial, false, AT + 1 * MIN); // the previous reply came at AT, before the OFF
    tracker.applyTelemetry(t, acc, 90, AT + 5 * MIN);
    expect(tracker.snapshot(t.serial)).toMatchObject({ on: false, status: "off" });
    tracker.applyTelemetry(t, { ...acc, acPowerW: 0 }, 90, AT + 10 * MIN);
    expect(tracker.snapshot(t.serial)).toMatchObject({ on: false, status: "off" });
  });

  it("output over a whole interval after OFF proves the command did not take: ON again", () => {
    const { tracker, t, acc } = reading(180);
    tracker.applyOnOff(t.serial, false, AT + 1 * MIN);
    tracker.applyTelemetry(t, acc, 90, AT + 5 * MIN);
    expect(tracker.get(t.serial)!.on).toBe(false);
    tracker.applyTelemetry(t, acc, 90, AT + 10 * MIN); // previous reply (AT+5) came after the OFF
    expect(tracker.snapshot(t.serial)).toMatchObject({ on: true, status: "producing" });
  });

  it("an estimate (Σ V·I, no counter interval) proves nothing after an OFF", () => {
    const { tracker, t, acc } = reading(180, "estimate");
    tracker.applyOnOff(t.serial, false, AT + 1 * MIN);
    tracker.applyTelemetry(t, acc, 90, AT + 5 * MIN);
    tracker.applyTelemetry(t, acc, 90, AT + 10 * MIN);
    expect(tracker.get(t.serial)!.on).toBe(false);
  });

  it("ON after OFF shows ON at once", () => {
    const { tracker, t } = reading(0);
    tracker.applyOnOff(t.serial, false, AT + 1 * MIN);
    tracker.applyOnOff(t.serial, true, AT + 2 * MIN);
    expect(tracker.snapshot(t.serial)).toMatchObject({ on: true });
  });
});
