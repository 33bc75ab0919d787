import { describe, expect, it } from "vitest";
import { buildInverterRequest, pairingSequence } from "../../../src/protocol/aps-link.ts";
import { fromHex } from "../../../src/protocol/bytes.ts";
import { encodeLimitQuery, encodePoll, encodeSetMaxPower } from "../../../src/protocol/commands.ts";
import { decodeDump } from "../../../src/protocol/dump.ts";
import type { LimitReply, Telemetry } from "../../../src/protocol/types.ts";
import { encodeZnpFrame, type ZnpFrame } from "../../../src/protocol/znp/frame.ts";
import { ManualClock } from "../../../src/sim/clock.ts";
import { createDemoSite, DEMO_SERIALS } from "../../../src/sim/demo-site.ts";
import { StickEmulator } from "../../../src/sim/emulator/stick.ts";
import { type TelemetryEmitted, ZERO_DELAYS } from "../../../src/sim/emulator/types.ts";
import { bringUp, TestHost } from "./helpers.ts";

const ECU = "D8A3011B9780";
const raw = (fs: ZnpFrame[]) => Uint8Array.from(fs.flatMap((f) => [...encodeZnpFrame(f)]));

async function demo(startIso: string) {
  const clock = new ManualClock(Date.parse(startIso));
  const simSite = createDemoSite({ clearSky: true });
  const emitted: TelemetryEmitted[] = [];
  const stick = new StickEmulator({
    delays: ZERO_DELAYS,
    inverters: simSite.inverters,
    now: () => clock.now(),
    onTelemetry: (e) => emitted.push(e),
  });
  const host = new TestHost(stick);
  await bringUp(host, ECU);
  const serial = DEMO_SERIALS[0];
  for (const f of pairingSequence(serial, fromHex(ECU))) await host.send(f);
  const sa = stick.air.bond(serial)?.shortAddress;
  const request = (l2: Uint8Array) => host.send(buildInverterRequest(sa ?? 0x1234, fromHex(ECU), l2));
  return { clock, emitted, request, paired: sa !== undefined };
}

describe("StickEmulator with the real inverter simulation (demo site)", () => {
  it("pairs at noon and answers a poll whose decoded values equal the simulation's truth", async () => {
    const { request, emitted, paired } = await demo("2024-06-21T10:00:00Z");
    expect(paired).toBe(true);
    const t = decodeDump(raw(await request(encodePoll()))).messages[0]!.reply as Telemetry;
    const truth = emitted[0]!.truth;
    expect(t.serial).toBe(truth.serial);
    expect(t.uptimeS).toBe(truth.uptimeS);
    expect(truth.acPowerW).toBeGreaterThan(100);
    truth.channels.forEach((c, i) => {
      expect(Math.abs(t.channels[i]!.voltageV - c.voltageV)).toBeLessThanOrEqual(82.5 / 4096 / 2 + 1e-9);
      expect(Math.abs(t.channels[i]!.currentA - c.currentA)).toBeLessThanOrEqual(27.5 / 4096 / 2 + 1e-9);
      expect(t.channels[i]!.energyCounter).toBe(c.energyCounter);
    });
  });

  it("sets the limit, which the DE query reports once the inverter has applied it", async () => {
    const { request, clock } = await demo("2024-06-21T10:00:00Z");
    await request(encodeSetMaxPower({ family: "qs1", watts: 200, rangeW: [20, 500] }));
    clock.advance(10_000); // the simulated inverter applies a command 2–5 s after receiving it
    const limit = decodeDump(raw(await request(encodeLimitQuery()))).messages[0]!.reply as LimitReply;
    // (200 · 7395) >> 8 = 5777 (0x1691, as the vendor ECU-C sends for 200 W) → 5777 · 256 / 7395 = 199.9881 W.
    expect(limit.limitRaw).toBe(0x1691);
    expect(limit.limitW).toBeCloseTo(199.9881, 4);
  });

  it("cannot pair at night, and a request to the address then finds no route", async () => {
    const { request, paired } = await demo("2024-06-21T23:30:00Z");
    expect(paired).toBe(false);
    const out = await request(encodePoll());
    expect(out.map((f) => [f.cmd0, f.cmd1, f.data[0]])).toEqual([
      [0x64, 0x01, 0x00],
      [0x44, 0x80, 0xcd],
    ]);
  });
});
