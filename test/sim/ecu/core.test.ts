/**
 * The emulated ECU without a socket: requests in, answers out, read back with the real codec and
 * compared with the simulator's truth in physical units. The demo site (four QS1 near Amsterdam) on
 * 21 June 2024; Amsterdam is UTC+2 in summer.
 */
import { describe, expect, it } from "vitest";
import { decodeEcuAnswer } from "../../../src/protocol/ecu/decode.ts";
import { infoRequest, realtimeRequest, signalRequest } from "../../../src/protocol/ecu/requests.ts";
import type { EcuInfo, EcuRealtime, EcuSignal } from "../../../src/protocol/ecu/types.ts";
import { ManualClock } from "../../../src/sim/clock.ts";
import { createDemoSite, DEMO_SERIALS } from "../../../src/sim/demo-site.ts";
import { EcuEmulatorCore, type EcuEmulatorCoreOptions } from "../../../src/sim/ecu/core.ts";

const ECU = "216000000001";

function setup(at: string, opts: Partial<EcuEmulatorCoreOptions> = {}) {
  const clock = new ManualClock(Date.parse(at));
  const site = createDemoSite({ clearSky: true });
  const core = new EcuEmulatorCore({ site, now: () => clock.now(), ...opts });
  const ask = <T>(req: string): T => {
    const a = core.handle(req);
    if (a.kind !== "answer") throw new Error(`expected an answer, got ${a.kind}: ${a.why}`);
    return decodeEcuAnswer(a.bytes) as T;
  };
  return { clock, site, core, ask, id: opts.ecuId ?? ECU };
}

describe("rounds", () => {
  it("reports the round before the request, 37 s past a 5-minute mark, in ECU local time", () => {
    // 10:00:00Z: the last round at a multiple of 300 s plus 37 s is 09:55:37Z = 11:55:37 in Amsterdam.
    const { clock, ask, id } = setup("2024-06-21T10:00:00Z");
    expect(ask<EcuRealtime>(realtimeRequest(id)).cycleTime).toBe("2024-06-21T11:55:37");
    clock.set(Date.parse("2024-06-21T10:00:36Z"));
    expect(ask<EcuRealtime>(realtimeRequest(id)).cycleTime).toBe("2024-06-21T11:55:37");
    clock.set(Date.parse("2024-06-21T10:00:37Z"));
    expect(ask<EcuRealtime>(realtimeRequest(id)).cycleTime).toBe("2024-06-21T12:00:37");
  });

  it("a shorter round for tests: cycleS 10, phase 0", () => {
    const { clock, ask, id } = setup("2024-06-21T10:00:05Z", { cycleS: 10, phaseS: 0, hang: null });
    expect(ask<EcuRealtime>(realtimeRequest(id)).cycleTime).toBe("2024-06-21T12:00:00");
    clock.advance(10_000);
    expect(ask<EcuRealtime>(realtimeRequest(id)).cycleTime).toBe("2024-06-21T12:00:10");
  });
});

describe("what the decoder reads back is the simulator's truth", () => {
  it("each QS1's frequency, temperature, AC voltage and per-input power, to the wire's resolution", () => {
    const { core, ask, id } = setup("2024-06-21T10:00:00Z");
    const rt = ask<EcuRealtime>(realtimeRequest(id));
    const truth = core.truth();
    expect(rt.inverters.map((r) => [r.uid, r.online, r.typeCode, r.layout])).toEqual(
      DEMO_SERIALS.map((s) => [s, true, "03", "4-input"]),
    );
    for (const [i, r] of rt.inverters.entries()) {
      const t = truth.inverters[i]!;
      // 0.1 Hz, 1 °C, 1 V and 1 W steps on the wire.
      expect(Math.abs(r.frequencyHz! - t.frequencyHz!)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(Math.abs(r.temperatureC! - t.temperatureC!)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(r.acVoltageV! - t.acVoltageV!)).toBeLessThanOrEqual(0.5);
      expect(r.channels!.map((c) => c.powerW)).toEqual(t.channelPowersW!.map((w) => Math.round(w)));
      // Midsummer late morning, 400 Wp panels: each input gives real power.
      for (const w of t.channelPowersW!) expect(w).toBeGreaterThan(50);
    }
    const info = ask<EcuInfo>(infoRequest());
    expect(info).toMatchObject({
      ecuId: id,
      ecuModel: "ECU-R",
      group: "11",
      invertersRegistered: 4,
      invertersOnline: 4,
    });
    expect(info.acPowerW).toBe(Math.round(truth.acPowerW));
    expect(info.timezone).toBe("Etc/GMT-8");
  });

  it("lifetime and today's energy grow by the inverters' own true energy between rounds", () => {
    const { clock, core, site, ask } = setup("2024-06-21T08:00:00Z", { lifetimeStartWh: 2_000_000 });
    ask<EcuInfo>(infoRequest()); // first round: the baseline
    const energyOf = () =>
      site.inverters.reduce((s, inv) => s + inv.energyWh().reduce((a, w) => a + w, 0), 0);
    const before = energyOf();
    for (let i = 0; i < 12; i++) {
      clock.advance(300_000);
      ask<EcuInfo>(infoRequest());
    }
    const produced = energyOf() - before;
    // An hour of four QS1 in June sun: well over a kWh.
    expect(produced).toBeGreaterThan(1000);
    const truth = core.truth();
    expect(truth.lifetimeWh - 2_000_000).toBeCloseTo(produced, 6);
    const info = ask<EcuInfo>(infoRequest());
    // The wire carries 0.1 kWh (lifetime) and 0.01 kWh (today) steps, rounded down.
    expect(info.lifetimeEnergyWh).toBe(Math.floor((2_000_000 + produced) / 100) * 100);
    expect(info.todayEnergyWh).toBe(Math.floor(truth.todayWh / 10) * 10);
  });

  it("an ECU-C (2150…) answers 0001 with group 12, its real zone, a Wi-Fi MAC and the 12-byte tail", () => {
    const { ask } = setup("2024-06-21T10:00:00Z", { ecuId: "215000000042" });
    const info = ask<EcuInfo>(infoRequest());
    expect(info).toMatchObject({
      group: "12",
      ecuModel: "ECU-C",
      timezone: "Europe/Amsterdam",
      ethernetMac: "80:97:1b:00:00:42",
      wifiMac: "60:c5:a8:00:00:42",
      tailHex: "303000000000000000000000",
      lastEmaContact: "2024-06-21T11:55:37",
    });
  });
});

describe("at night and with inverters that never reported", () => {
  it("asleep inverters are offline records: zeros and 0 °C on an ECU-R, −100 °C on an ECU-R-Pro", () => {
    for (const [ecuId, tempRaw] of [
      ["216000000001", "0064"],
      ["216200000001", "0000"],
    ] as const) {
      const { ask } = setup("2024-06-21T23:30:00Z", { ecuId, neverHeard: ["806000000001"] });
      const rt = ask<EcuRealtime>(realtimeRequest(ecuId));
      expect(rt.inverters.map((r) => [r.uid, r.online, r.typeCode])).toEqual([
        ...DEMO_SERIALS.map((s) => [s, false, "03"]),
        ["806000000001", false, "00"],
      ]);
      // Type 03 body: frequency, temperature, P1, V, P2, P3, P4 — 7 × 2 bytes.
      expect(rt.inverters[0]!.bodyHex).toBe(`0000${tempRaw}${"0000".repeat(5)}`);
      expect(rt.inverters[0]!.frequencyHz).toBeUndefined();
    }
  });

  it("signal: 0 for offline inverters on an ECU-R, a level while online", () => {
    const { clock, ask, id } = setup("2024-06-21T10:00:00Z");
    const day = ask<EcuSignal>(signalRequest(id)).inverters.map((e) => e.levelRaw);
    expect(day.every((l) => l >= 150 && l < 230)).toBe(true);
    clock.set(Date.parse("2024-06-21T23:30:00Z"));
    expect(ask<EcuSignal>(signalRequest(id)).inverters.map((e) => e.levelRaw)).toEqual([0, 0, 0, 0]);
  });
});

describe("misbehaviour", () => {
  it("hangs when the same request comes a 4th time within one round, for 30 minutes", () => {
    const { clock, core, id } = setup("2024-06-21T10:00:00Z");
    const kinds: string[] = [];
    for (let i = 0; i < 4; i++) {
      kinds.push(core.handle(realtimeRequest(id)).kind);
      clock.advance(60_000);
    }
    // Three different requests (0001) are still silent: the ECU as a whole hangs.
    kinds.push(core.handle(infoRequest()).kind);
    expect(kinds).toEqual(["answer", "answer", "answer", "silent", "silent"]);
    expect(core.controls.hungUntilMs).toBe(Date.parse("2024-06-21T10:33:00Z"));
    clock.set(Date.parse("2024-06-21T10:33:00Z"));
    expect(core.handle(infoRequest()).kind).toBe("answer");
  });

  it("polled once a round it never hangs", () => {
    const { clock, core, id } = setup("2024-06-21T10:00:00Z");
    for (let i = 0; i < 30; i++) {
      for (const r of [infoRequest(), realtimeRequest(id), signalRequest(id)])
        expect(core.handle(r).kind).toBe("answer");
      clock.advance(300_000);
    }
  });

  it("closes without answering in its nightly window, 02:45–03:15 local (00:45–01:15Z in June)", () => {
    const { clock, core } = setup("2024-06-22T00:44:59Z");
    expect(core.handle(infoRequest()).kind).toBe("answer");
    clock.set(Date.parse("2024-06-22T00:45:00Z"));
    expect(core.handle(infoRequest())).toEqual({ kind: "close", why: "nightly maintenance" });
    clock.set(Date.parse("2024-06-22T01:15:00Z"));
    expect(core.handle(infoRequest()).kind).toBe("answer");
  });

  it("plays the counter faults users report: lifetime 0 once, today 0, today doubled, a real reset", () => {
    const { clock, core, site, ask } = setup("2024-06-21T10:00:00Z");
    ask<EcuInfo>(infoRequest()); // the first round is the energy baseline
    clock.advance(300_000); // one round later today's energy is above 0
    const normal = ask<EcuInfo>(infoRequest());
    core.controls.lifetimeZero();
    const zero = ask<EcuInfo>(infoRequest());
    expect([zero.lifetimeEnergyWh, zero.warnings.map((w) => w.code)]).toEqual([0, ["unreliable"]]);
    expect(zero.warnings[0]!.detail).toMatch(/^lifetime energy 0/);
    expect(ask<EcuInfo>(infoRequest()).lifetimeEnergyWh).toBe(normal.lifetimeEnergyWh);
    clock.advance(300_000);
    const today = core.truth().todayWh;
    core.controls.todayDoubled();
    expect(ask<EcuInfo>(infoRequest()).todayEnergyWh).toBe(Math.floor((2 * today) / 10) * 10);
    clock.advance(300_000);
    core.controls.todayZero();
    expect(ask<EcuInfo>(infoRequest()).todayEnergyWh).toBe(0);
    // A real reset: the counters start again from 0 and hold only what the next round adds.
    const energyOf = () =>
      site.inverters.reduce((s, inv) => s + inv.energyWh().reduce((a, w) => a + w, 0), 0);
    const before = energyOf();
    core.controls.resetCounters();
    clock.advance(300_000);
    const t = core.truth();
    expect(t.lifetimeWh).toBeCloseTo(energyOf() - before, 6);
    expect(t.todayWh).toBeCloseTo(energyOf() - before, 6);
  });

  it("an unknown record type is decoded around with a warning; a forced offline record reads offline", () => {
    const { core, ask, id } = setup("2024-06-21T10:00:00Z");
    core.controls.offline(DEMO_SERIALS[0], "zeros-minus-100c");
    core.controls.unknownType(DEMO_SERIALS[3], "07");
    const rt = ask<EcuRealtime>(realtimeRequest(id));
    expect(rt.inverters.map((r) => [r.uid, r.online])).toEqual([
      [DEMO_SERIALS[0], false],
      [DEMO_SERIALS[1], true],
      [DEMO_SERIALS[2], true],
    ]);
    expect(rt.warnings.map((w) => w.code)).toEqual(["unknown-type"]);
    expect(rt.warnings[0]!.detail).toMatch(/801000012348\) has type code "07"/);
  });

  it("cuts the next answer, sends the no-data frame on demand, answers a wrong ECU id with status 01", () => {
    const { core, ask, id } = setup("2024-06-21T10:00:00Z");
    core.controls.cutNext(1, 40);
    // 0001 of an ECU-R: 13 header + 12 id + 2 layout + 12 energy/power + 7 EMA + 4 counts + 2 channel
    // + 3 + 13 "ECU_R_1.3.19B" + 3 + 9 "Etc/GMT-8" + 12 MACs + END LF 4 = 96 bytes.
    const cut = core.handle(infoRequest());
    expect(cut.kind === "answer" && [cut.cutAt, cut.bytes.length]).toEqual([40, 96]);
    core.controls.noData();
    expect(core.handle(realtimeRequest(id))).toEqual({
      kind: "answer",
      bytes: Buffer.from("APS110015000202\n", "latin1"),
    });
    expect(ask<EcuRealtime>(realtimeRequest("216000999999")).status).toMatchObject({ code: "01", ok: false });
  });
});
