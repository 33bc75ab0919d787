import { describe, expect, it } from "vitest";
import type { FaultName, FaultOptions } from "../../src/sim/faults.ts";
import type { TelemetryTruth } from "../../src/sim/truth.ts";
import { acShare, HOUR, JUNE_21, MINUTE, MODULE_400, oneInverterSite } from "./fixtures.ts";

const QS1 = "801000085070";
const DS3 = "703000000001";
const NOON = JUNE_21 + 11.6 * HOUR;
const FOUR = [MODULE_400, MODULE_400, MODULE_400, MODULE_400];

function setup(serial = QS1) {
  const panels = serial === DS3 ? FOUR.slice(0, 2) : FOUR;
  const inv = oneInverterSite(serial, panels).inverter(serial)!;
  const before = inv.reply(NOON)!;
  return { inv, before };
}

function mustReply(r: TelemetryTruth | null): TelemetryTruth {
  if (!r) throw new Error("expected the inverter to answer");
  return r;
}

describe("grid and ground faults stop the output and set their status bits", () => {
  it.each<[string, string, FaultName, FaultOptions[FaultName], number[], Partial<TelemetryTruth>]>([
    ["QS1 GFDI", QS1, "gfdi", undefined, [0x08, 0, 0, 0], {}],
    ["QS1 over-voltage", QS1, "grid_over_voltage", {}, [0, 0, 0, 0x01], { acVoltageV: 258 }],
    [
      "QS1 over-voltage, fast stage",
      QS1,
      "grid_over_voltage",
      { valueV: 270 },
      [0, 0, 0, 0x05],
      { acVoltageV: 270 },
    ],
    ["QS1 under-voltage", QS1, "grid_under_voltage", {}, [0, 0, 0, 0x02], { acVoltageV: 180 }],
    ["QS1 over-frequency", QS1, "grid_over_frequency", {}, [0, 0, 0, 0x10], { frequencyHz: 51.2 }],
    [
      "QS1 under-frequency",
      QS1,
      "grid_under_frequency",
      { valueHz: 47 },
      [0, 0, 0, 0xa0],
      { frequencyHz: 47 },
    ],
    ["DS3 DC ground fault", DS3, "gfdi", undefined, [0, 0, 0x08, 0, 0], {}],
    ["DS3 over-voltage", DS3, "grid_over_voltage", {}, [0, 0, 0, 0x01, 0], { acVoltageV: 258 }],
    ["DS3 under-frequency", DS3, "grid_under_frequency", {}, [0, 0, 0, 0, 0x02], { frequencyHz: 47.8 }],
  ])("%s", (_name, serial, fault, opts, bytes, reported) => {
    const { inv, before } = setup(serial);
    expect(before.acPowerW).toBeGreaterThan(500);
    inv.inject(fault, true, opts);
    const r = mustReply(inv.reply(NOON + 1000));
    expect([...r.statusBytes]).toEqual(bytes);
    expect(r).toMatchObject(reported);
    expect(r.acPowerW).toBe(0);
    for (const ch of r.channels) {
      expect(ch.currentA).toBe(0);
      expect(ch.voltageV).toBeGreaterThan(35); // open circuit
    }
    // Energy stops growing while the fault lasts.
    const later = mustReply(inv.reply(NOON + 10 * MINUTE));
    expect(later.channels.map((c) => c.energyCounter)).toEqual(r.channels.map((c) => c.energyCounter));

    // Cleared: the bits go, output waits for the reconnect delay, then ramps back.
    inv.inject(fault, false);
    const cleared = mustReply(inv.reply(NOON + 10 * MINUTE + 30_000));
    expect([...cleared.statusBytes].every((b) => b === 0)).toBe(true);
    expect(cleared.acPowerW).toBe(0);
    expect(mustReply(inv.reply(NOON + 15 * MINUTE)).acPowerW).toBeGreaterThan(500);
  });

  it("rejects an injected value that would not trip", () => {
    const { inv } = setup();
    expect(() => inv.inject("grid_over_voltage", true, { valueV: 240 })).toThrow(/must be > 253 to trip/);
    expect(() => inv.inject("grid_under_frequency", true, { valueHz: 49 })).toThrow(/must be < 48 to trip/);
  });
});

describe("panel-side faults", () => {
  it("channel_disconnected reads 0 V 0 A on that input only, and reconnects", () => {
    const { inv } = setup();
    inv.inject("channel_disconnected", true, { channelIndex: 2 });
    const r = mustReply(inv.reply(NOON + 1000));
    expect(r.channels[2]).toMatchObject({ voltageV: 0, currentA: 0 });
    expect(r.channels[1]!.currentA).toBeGreaterThan(5);
    inv.inject("channel_disconnected", false);
    expect(mustReply(inv.reply(NOON + 2000)).channels[2]!.currentA).toBeGreaterThan(5);
  });

  it("channel_disconnected on every input puts the inverter to sleep", () => {
    const { inv } = setup();
    for (const i of [0, 1, 2, 3]) inv.inject("channel_disconnected", true, { channelIndex: i });
    expect(inv.reply(NOON + 2 * MINUTE)).toBeNull();
  });

  it("shaded lowers that input's power by about the fraction", () => {
    const inv = oneInverterSite(QS1, [MODULE_400, MODULE_400]).inverter(QS1)!;
    inv.reply(NOON);
    inv.inject("shaded", true, { channelIndex: 1, fraction: 0.5 });
    const r = mustReply(inv.reply(NOON + 1000));
    const ratio = acShare(r.channels[1]!) / acShare(r.channels[0]!);
    expect(ratio).toBeGreaterThan(0.45);
    expect(ratio).toBeLessThan(0.6);
  });

  it.each<[FaultName, object | undefined, RegExp]>([
    ["channel_disconnected", { channelIndex: 4 }, /channelIndex.*0..3/],
    ["shaded", { channelIndex: 0, fraction: 2 }, /fraction.*0..1/],
    ["drop_replies", { probability: -1 }, /probability.*0..1/],
    ["nonsense" as FaultName, undefined, /unknown fault 'nonsense'/],
  ])("rejects %s with %o", (fault, opts, message) => {
    const { inv } = setup();
    expect(() => inv.inject(fault, true, opts as never)).toThrow(message);
  });
});

describe("a failed power stage and blocked ventilation", () => {
  it("no_output: answers with no status bit, panels at open circuit, 0 W; back to normal when cleared", () => {
    const { inv, before } = setup();
    expect(before.acPowerW).toBeGreaterThan(500);
    inv.inject("no_output", true, {});
    const r = mustReply(inv.reply(NOON + 1000));
    expect([...r.statusBytes]).toEqual([0, 0, 0, 0]);
    expect(r.acPowerW).toBe(0);
    for (const ch of r.channels) {
      expect(ch.currentA).toBe(0);
      expect(ch.voltageV).toBeGreaterThan(35); // open circuit of a 41.2 V Voc module in the sun
    }
    inv.inject("no_output", false);
    expect(mustReply(inv.reply(NOON + 120_000)).acPowerW).toBeGreaterThan(500);
  });

  it('no_output with a 2 W trickle: the manual\'s "0 W or 2 W"', () => {
    const { inv } = setup();
    inv.inject("no_output", true, { trickleW: 2 });
    const r = mustReply(inv.reply(NOON + 1000));
    expect(r.acPowerW).toBeCloseTo(2, 6);
    expect([...r.statusBytes]).toEqual([0, 0, 0, 0]);
  });

  it("overheat: the heatsink reads extraC hotter at the same output", () => {
    const { inv, before } = setup();
    inv.inject("overheat", true, { extraC: 30 });
    const r = mustReply(inv.reply(NOON + 1000));
    // One second later the weather and the load are the same to well under a degree.
    expect(r.temperatureC - before.temperatureC).toBeGreaterThan(29.5);
    expect(r.temperatureC - before.temperatureC).toBeLessThan(30.5);
    expect(r.acPowerW).toBeGreaterThan(500);
  });

  it.each<[FaultName, object, RegExp]>([
    ["no_output", { trickleW: 50 }, /trickleW.*0..10 W/],
    ["overheat", { extraC: 0 }, /extraC.*above 0/],
  ])("rejects %s with %o", (fault, opts, message) => {
    const { inv } = setup();
    expect(() => inv.inject(fault, true, opts as never)).toThrow(message);
  });
});

describe("radio-side faults", () => {
  it("dead: never replies and hears no commands", () => {
    const { inv } = setup();
    inv.inject("dead", true);
    expect(inv.reply(NOON + 1000)).toBeNull();
    expect(inv.radioOn(NOON + 2000)).toBe(false);
    expect(inv.setMaxPower(100, NOON + 3000)).toBe(false);
    expect(inv.setOn(false, NOON + 4000)).toBe(false);
    inv.inject("dead", false);
    expect(inv.reply(NOON + 5000)).not.toBeNull();
  });

  it("drop_replies: drops about the given share, the same ones for the same seed", () => {
    const run = () => {
      const { inv } = setup();
      inv.inject("drop_replies", true, { probability: 0.3 });
      return Array.from({ length: 400 }, (_, i) => inv.reply(NOON + (i + 1) * 1000) === null);
    };
    const a = run();
    const dropped = a.filter(Boolean).length;
    expect(dropped).toBeGreaterThan(80);
    expect(dropped).toBeLessThan(160);
    expect(run()).toEqual(a);
  });

  it("aes: replies are flagged encrypted", () => {
    const { inv, before } = setup();
    expect(before.encrypted).toBe(false);
    inv.inject("aes", true);
    expect(inv.encrypted(NOON + 500)).toBe(true);
    expect(mustReply(inv.reply(NOON + 1000)).encrypted).toBe(true);
  });
});
