import { describe, expect, it } from "vitest";
import { buildInverterRequest, pairingSequence } from "../../../src/protocol/aps-link.ts";
import { fromHex, toHex } from "../../../src/protocol/bytes.ts";
import {
  encodeLimitQuery,
  encodeOnOff,
  encodePoll,
  encodeSetMaxPower,
} from "../../../src/protocol/commands.ts";
import { decodeDump } from "../../../src/protocol/dump.ts";
import { modelForSerial } from "../../../src/protocol/models.ts";
import type { LimitReply, Telemetry } from "../../../src/protocol/types.ts";
import { is, parseAfIncomingMsg } from "../../../src/protocol/znp/commands.ts";
import { encodeZnpFrame, type ZnpFrame } from "../../../src/protocol/znp/frame.ts";
import { StickEmulator } from "../../../src/sim/emulator/stick.ts";
import { type TelemetryEmitted, ZERO_DELAYS } from "../../../src/sim/emulator/types.ts";
import { captures } from "../../fixtures/captures.ts";
import { bringUp, FakeInverter, frames, TestHost } from "./helpers.ts";

const ECU = "D8A3011B9780";
const QS1 = "801000085070";
const YC600 = "408000158215";
const DS3 = "703000021300";

async function site(inverters: FakeInverter[], controlAck = true) {
  const emitted: TelemetryEmitted[] = [];
  const stick = new StickEmulator({
    delays: ZERO_DELAYS,
    inverters,
    controlAck,
    onTelemetry: (e) => emitted.push(e),
  });
  const host = new TestHost(stick);
  await bringUp(host, ECU);
  for (const inv of inverters) for (const f of pairingSequence(inv.serial, fromHex(ECU))) await host.send(f);
  const short = (serial: string) => stick.air.shortFor(serial)!;
  const request = (dst: number, l2: Uint8Array, transId = 1, ecu = ECU) =>
    host.send(buildInverterRequest(dst, fromHex(ecu), l2, transId));
  return { stick, host, short, request, emitted };
}

const raw = (fs: ZnpFrame[]) => Uint8Array.from(fs.flatMap((f) => [...encodeZnpFrame(f)]));
const incoming = (fs: ZnpFrame[]) => fs.filter((f) => is(f, "AF_INCOMING_MSG"));
const heads = (fs: ZnpFrame[]) =>
  fs.map((f) => toHex(Uint8Array.of(f.cmd0, f.cmd1, ...f.data.subarray(0, 3))));

describe("StickEmulator answers a poll", () => {
  it.each([
    ["QS1", QS1, captures.qs1Johan.hex, 0x72],
    ["YC600", YC600, captures.yc600Case0.hex, 0x72],
    ["DS3", DS3, undefined, 0x7d],
  ] as const)(
    "%s: SRSP, confirm, route record, telemetry in the captured layout",
    async (model, serial, cap, len) => {
      const inv = new FakeInverter(serial, model);
      const { request, short, emitted } = await site([inv]);
      const sa = short(serial);
      const out = await request(sa, encodePoll(), 0x2a);
      expect(heads(out).slice(0, 3)).toEqual([
        "640100",
        "448000142a",
        toHex(Uint8Array.of(0x45, 0xc4, sa & 0xff, sa >> 8, 0)),
      ]);
      const [msgFrame] = incoming(out);
      expect(encodeZnpFrame(msgFrame!)[1]).toBe(len);
      const msg = parseAfIncomingMsg(msgFrame!);
      expect(msg).toMatchObject({ cluster: 0x0106, srcAddr: sa, srcEndpoint: 0x14, dstEndpoint: 0x14 });
      expect([...msg.trailer]).toEqual([sa & 0xff, sa >> 8, 0x0e]);
      if (cap) {
        const c = parseAfIncomingMsg(incoming(frames(fromHex(cap)))[0]!);
        expect(msg.data.length).toBe(c.data.length);
        expect(msg.trailer.length).toBe(c.trailer.length);
        expect([msg.groupId, msg.wasBroadcast, msg.securityUse, msg.transSeq]).toEqual([
          c.groupId,
          c.wasBroadcast,
          c.securityUse,
          c.transSeq,
        ]);
      }
      const decoded = decodeDump(raw(out));
      const t = decoded.messages[0]!.reply as Telemetry;
      expect(t.kind).toBe("telemetry");
      expect(emitted).toHaveLength(1);
      expectWithinResolution(t, emitted[0]!.truth);
    },
  );

  it("says no route (0xCD) for an unknown short address and for an inverter asleep at night", async () => {
    const inv = new FakeInverter(QS1);
    const { request, short } = await site([inv]);
    expect(heads(await request(0x4242, encodePoll(), 5))).toEqual(["640100", "4480cd1405"]);
    inv.awake = false;
    expect(heads(await request(short(QS1), encodePoll(), 6))).toEqual(["640100", "4480cd1406"]);
  });

  it("delivers but gets no answer when the ECU id in the payload is not the coordinator's", async () => {
    const { request, short } = await site([new FakeInverter(QS1)]);
    const out = await request(short(QS1), encodePoll(), 7, "0102030405A6");
    expect(heads(out)[1]).toBe("4480001407");
    expect(incoming(out)).toEqual([]);
  });

  it("scrambles the reply of an AES-paired inverter so the codec reports it as encrypted", async () => {
    const inv = new FakeInverter(QS1);
    inv.truth.encrypted = true;
    const { request, short, emitted } = await site([inv]);
    const out = await request(short(QS1), encodePoll());
    expect(decodeDump(raw(out)).messages[0]!.reply).toMatchObject({ kind: "encrypted", serial: QS1 });
    expect(emitted).toEqual([]);
  });
});

describe("StickEmulator runs commands on the inverters", () => {
  const limitOf = async (r: (d: number, l2: Uint8Array) => Promise<ZnpFrame[]>, sa: number) =>
    (decodeDump(raw(await r(sa, encodeLimitQuery()))).messages[0]!.reply as LimitReply).limitW;

  it.each([
    [QS1, "QS1", 180],
    [YC600, "YC600", 420],
    [DS3, "DS3", 555],
  ] as const)(
    "%s %s: set max power, ack, then the DE query reads the new limit",
    async (serial, model, w) => {
      const inv = new FakeInverter(serial, model);
      const { request, short } = await site([inv]);
      const info = modelForSerial(serial)!;
      const out = await request(
        short(serial),
        encodeSetMaxPower({ family: info.family, watts: w, rangeW: info.limitRangeW }),
      );
      const ack = parseAfIncomingMsg(incoming(out)[0]!);
      expect(toHex(ack.data)).toBe(`${serial}fbfb06de00000000000000fefe`);
      const lsb = info.family === "ds3" ? 0.06027 : 256 / 7395;
      expect(Math.abs((await limitOf(request, short(serial))) - w)).toBeLessThanOrEqual(lsb);
    },
  );

  it("leaves out the control ack when told to", async () => {
    const inv = new FakeInverter(QS1);
    const { request, short } = await site([inv], false);
    const out = await request(short(QS1), encodeOnOff(false));
    expect(heads(out)).toEqual([
      "640100",
      "4480001401",
      toHex(Uint8Array.of(0x45, 0xc4, short(QS1) & 0xff, short(QS1) >> 8, 0)),
    ]);
    expect(inv.commands).toEqual(["off"]);
  });

  it("applies broadcast limits to the matching family only and answers nothing", async () => {
    const invs = [new FakeInverter(QS1), new FakeInverter(YC600, "YC600"), new FakeInverter(DS3, "DS3")];
    const { request } = await site(invs);
    const out = await request(
      0xffff,
      encodeSetMaxPower({ family: "qs1", watts: 250, rangeW: [20, 500], broadcast: true }),
    );
    expect(heads(out)).toEqual(["640100", "4480001401"]);
    // (250 · 7395) >> 8 = 7221 → 7221 · 256 / 7395 = 249.98 W per panel.
    const applied = "limit 249.98";
    expect(invs.map((i) => i.commands)).toEqual([[applied], [applied], []]);
  });

  it.each([
    ["off", false, false],
    ["on", true, false],
    ["off (broadcast)", false, true],
  ])("switches %s", async (_n, on, broadcast) => {
    const invs = [new FakeInverter(QS1), new FakeInverter(DS3, "DS3")];
    const { request, short } = await site(invs);
    await request(broadcast ? 0xffff : short(QS1), encodeOnOff(on, broadcast));
    expect(invs[0]!.commands).toEqual([on ? "on" : "off"]);
    expect(invs[1]!.commands).toEqual(broadcast ? [on ? "on" : "off"] : []);
  });
});

/** Decoded = true within half a wire LSB (the encoder rounds). */
function expectWithinResolution(t: Telemetry, truth: TelemetryEmitted["truth"]): void {
  const ds3 = t.family === "ds3";
  const lsb = ds3
    ? { v: 0.02, i: 0.01172, ac: 0.268, hz: 0.01, temp: 0.0198 }
    : // QS1 frequency is 50e6/raw: one raw step near f is f²/50e6 Hz (+1 % for the curvature).
      {
        v: 82.5 / 4096,
        i: 27.5 / 4096,
        ac: 1 / (1.3277 * 4),
        hz: (truth.frequencyHz ** 2 / 50e6) * 1.01,
        temp: 0.2752,
      };
  const near = (got: number, want: number, step: number, what: string) =>
    expect(Math.abs(got - want), `${what}: decoded ${got}, true ${want}`).toBeLessThanOrEqual(
      step / 2 + 1e-9,
    );
  near(t.acVoltageV, truth.acVoltageV, lsb.ac, "AC voltage");
  near(t.frequencyHz, truth.frequencyHz, lsb.hz, "frequency");
  near(t.temperatureC, truth.temperatureC, lsb.temp, "temperature");
  expect(t.uptimeS).toBe(truth.uptimeS);
  expect(t.channels).toHaveLength(truth.channels.length);
  truth.channels.forEach((c, i) => {
    near(t.channels[i]!.voltageV, c.voltageV, lsb.v, `channel ${i + 1} V`);
    near(t.channels[i]!.currentA, c.currentA, lsb.i, `channel ${i + 1} A`);
    expect(t.channels[i]!.energyCounter).toBe(c.energyCounter);
  });
}
