import { describe, expect, it } from "vitest";
import { pairingSequence } from "../../../src/protocol/aps-link.ts";
import { fromHex } from "../../../src/protocol/bytes.ts";
import { decodePairingReply } from "../../../src/protocol/pairing.ts";
import { type AfIncomingMsg, is, parseAfIncomingMsg } from "../../../src/protocol/znp/commands.ts";
import { decodeZnpFrame, encodeZnpFrame } from "../../../src/protocol/znp/frame.ts";
import { EmulatorAir } from "../../../src/sim/emulator/air.ts";
import { StickEmulator } from "../../../src/sim/emulator/stick.ts";
import { ZERO_DELAYS } from "../../../src/sim/emulator/types.ts";
import { frames as traceFile } from "../../fixtures/captures.ts";
import { bringUp, FakeInverter, TestHost } from "./helpers.ts";

// frames.json pairing_replies: YC600 408000158215 paired by ECU id D6A3011B9780 (rev 80 97 1B 01 A3 D6), short 0x103A.
const SERIAL = "408000158215";
const ECU = "D6A3011B9780";
const capturedRelay = decodeZnpFrame(fromHex(traceFile.pairing_replies[2]!).subarray(0, 0x25 + 5));
const capturedReply = decodeZnpFrame(fromHex(traceFile.pairing_replies[1]!));

async function pair(serial: string, inverters: FakeInverter[]) {
  const stick = new StickEmulator({ delays: ZERO_DELAYS, inverters, seed: 7 });
  const host = new TestHost(stick);
  await bringUp(host, ECU);
  const answers = [];
  for (const f of pairingSequence(serial, fromHex(ECU))) answers.push(await host.send(f));
  return { stick, host, answers };
}

/** Everything but link quality and timestamp, which depend on the moment of reception. */
function layout(m: AfIncomingMsg) {
  const { linkQuality: _l, timestamp: _t, srcAddr: _s, macSrcAddr: _m, trailer, ...rest } = m;
  return { ...rest, trailerLength: trailer.length, radiusLeft: trailer[2] };
}

describe("StickEmulator pairing", () => {
  it("answers each broadcast with SRSP 64 02 00 and AF_DATA_CONFIRM 00", async () => {
    const { answers } = await pair(SERIAL, [new FakeInverter(SERIAL, "YC600")]);
    for (const [i, a] of answers.entries()) {
      expect(a[0]!.cmd0, `broadcast ${i}`).toBe(0x64);
      expect([...a[0]!.data]).toEqual([0]);
      expect([a[1]!.cmd0, a[1]!.cmd1, ...a[1]!.data]).toEqual([0x44, 0x80, 0x00, 0x14, i]);
    }
  });

  it("relays the 0x010F broadcast with the captured layout, MAC source = the inverter", async () => {
    const { answers, stick } = await pair(SERIAL, [new FakeInverter(SERIAL, "YC600")]);
    const relay = answers[2]!.find((f) => is(f, "AF_INCOMING_MSG"))!;
    expect(encodeZnpFrame(relay).length).toBe(encodeZnpFrame(capturedRelay).length);
    const got = parseAfIncomingMsg(relay);
    const want = parseAfIncomingMsg(capturedRelay);
    expect(layout(got)).toEqual(layout(want));
    expect(got.srcAddr).toBe(0x0000);
    expect(got.macSrcAddr).toBe(stick.air.shortFor(SERIAL));
    expect(decodePairingReply(got)).toBeUndefined();
  });

  it("answers the 0x0101 broadcast from its new short address, decodable and laid out as captured", async () => {
    const { answers, stick } = await pair(SERIAL, [new FakeInverter(SERIAL, "YC600")]);
    const reply = answers[3]!.find((f) => is(f, "AF_INCOMING_MSG"))!;
    expect(reply.data.length).toBe(capturedReply.data.length);
    const msg = parseAfIncomingMsg(reply);
    expect(layout(msg)).toEqual(layout(parseAfIncomingMsg(capturedReply)));
    const short = stick.air.shortFor(SERIAL)!;
    expect(decodePairingReply(msg)).toEqual({ kind: "pairing", serial: SERIAL, shortAddress: short });
    expect(msg.macSrcAddr).toBe(short);
    expect(stick.air.bond(SERIAL)).toMatchObject({ shortAddress: short, pan: 0xa3d6, channel: 16 });
  });

  it.each([
    ["a serial not in the site", "408000999999", [new FakeInverter(SERIAL, "YC600")]],
    [
      "an inverter asleep at night",
      SERIAL,
      [Object.assign(new FakeInverter(SERIAL, "YC600"), { awake: false })],
    ],
  ])("stays silent for %s", async (_name, serial, inverters) => {
    const { answers } = await pair(serial, inverters);
    expect(answers.flat().filter((f) => is(f, "AF_INCOMING_MSG"))).toEqual([]);
  });
});

describe("EmulatorAir short addresses", () => {
  const serials = Array.from({ length: 300 }, (_, i) => `8010000${String(10000 + i)}`);
  const air = (seed: number, list = serials) =>
    new EmulatorAir(
      list.map((s) => new FakeInverter(s)),
      seed,
    );

  it("are valid, unique, and never 0x0000 or ≥ 0xFFF8", () => {
    const a = serials.map((s) => air(3).shortFor(s)!);
    expect(new Set(a).size).toBe(serials.length);
    for (const s of a) expect(s > 0 && s < 0xfff8).toBe(true);
  });

  it("are stable per serial and seed, and change with the seed", () => {
    const one = air(3);
    const reordered = air(3, [...serials].reverse());
    expect(serials.map((s) => reordered.shortFor(s))).toEqual(serials.map((s) => one.shortFor(s)));
    const other = air(4);
    expect(serials.filter((s) => other.shortFor(s) === one.shortFor(s)).length).toBeLessThan(5);
  });

  it("rejects a serial listed twice", () => {
    expect(() => air(1, [SERIAL, SERIAL])).toThrow(/listed twice/);
  });
});
