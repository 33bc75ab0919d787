import { describe, expect, it } from "vitest";
import { bringUpSequence, buildInverterRequest, pairingSequence } from "../../../src/protocol/aps-link.ts";
import { fromHex, toHex } from "../../../src/protocol/bytes.ts";
import { encodePoll } from "../../../src/protocol/commands.ts";
import { buildGetDeviceInfo } from "../../../src/protocol/znp/commands.ts";
import { encodeZnpFrame } from "../../../src/protocol/znp/frame.ts";
import { ZnpStreamParser } from "../../../src/protocol/znp/parser.ts";
import { StickEmulator } from "../../../src/sim/emulator/stick.ts";
import { ZERO_DELAYS } from "../../../src/sim/emulator/types.ts";
import { type LineFaultOptions, LineFaults } from "../../../src/sim/line-faults.ts";
import { bringUp, FakeInverter, frames, settle, TestHost } from "./helpers.ts";

const ECU = "D8A3011B9780";
const QS1 = "801000085070";

async function line(opts: LineFaultOptions = {}) {
  const stick = new StickEmulator({
    delays: ZERO_DELAYS,
    inverters: [new FakeInverter(QS1)],
    now: () => Date.parse("2024-06-21T10:00:00Z"),
  });
  const faults = new LineFaults(stick, opts);
  const host = new TestHost(faults);
  return { stick, faults, host };
}

/** Bring-up, pairing and three polls; returns every byte the host received. */
async function session(host: TestHost, short: () => number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const setup = [
    ...bringUpSequence(fromHex(ECU)),
    ...pairingSequence(QS1, fromHex(ECU)).map((frame) => ({ frame })),
  ];
  for (const { frame: f } of setup) parts.push(await host.sendRaw(encodeZnpFrame(f)));
  for (let i = 0; i < 3; i++) {
    parts.push(
      await host.sendRaw(encodeZnpFrame(buildInverterRequest(short(), fromHex(ECU), encodePoll(), i))),
    );
  }
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

const frameHex = (raw: Uint8Array) => frames(raw).map((f) => toHex(encodeZnpFrame(f)));

describe("LineFaults", () => {
  it("leaves every frame intact under seeded garbage, stray F8 and splits: the parser recovers them all", async () => {
    const clean = await line();
    const want = await session(clean.host, () => clean.stick.air.shortFor(QS1)!);
    const noisy = await line({ seed: 9, garbage: 0.5, strayF8: 0.5, split: 0.5 });
    const got = await session(noisy.host, () => noisy.stick.air.shortFor(QS1)!);
    expect(noisy.faults.stats.garbageBytes).toBeGreaterThan(0);
    expect(noisy.faults.stats.strayF8).toBeGreaterThan(0);
    expect(noisy.faults.stats.split).toBeGreaterThan(0);
    expect(got.length).toBeGreaterThan(want.length);
    const parser = new ZnpStreamParser();
    const events = parser.push(got);
    expect(events.flatMap((e) => (e.kind === "frame" ? [toHex(e.raw)] : []))).toEqual(frameHex(want));
    expect(parser.stats.garbageBytes).toBe(noisy.faults.stats.garbageBytes + noisy.faults.stats.strayF8);
  });

  it("puts a stray F8 before the next frame on demand", async () => {
    const { faults, host } = await line();
    faults.strayF8BeforeNext();
    const raw = await host.sendRaw(encodeZnpFrame(buildGetDeviceInfo()));
    expect(raw[0]).toBe(0xf8);
    expect(raw[1]).toBe(0xfe);
    expect(frames(raw)).toHaveLength(1);
  });

  it("puts garbage on the line on demand", async () => {
    const { faults, host } = await line();
    faults.garbage(Uint8Array.of(0x00, 0x13, 0x37));
    await settle();
    expect(toHex(host.take())).toBe("001337");
  });

  it("splits the next frame into several chunks that reassemble to the frame", async () => {
    const { faults, host } = await line();
    faults.splitNext();
    host.stream.write(Buffer.from(encodeZnpFrame(buildGetDeviceInfo())));
    await settle();
    expect(host.chunkCount()).toBeGreaterThanOrEqual(2);
    const raw = host.take();
    expect(frames(raw).map((f) => [f.cmd0, f.cmd1])).toEqual([[0x67, 0x00]]);
  });

  it("drops the next reply but nothing else", async () => {
    const { stick, faults, host } = await line();
    await bringUp(host, ECU);
    for (const f of pairingSequence(QS1, fromHex(ECU))) await host.send(f);
    faults.dropNext();
    const poll = buildInverterRequest(stick.air.shortFor(QS1)!, fromHex(ECU), encodePoll(), 1);
    expect((await host.send(poll)).map((f) => [f.cmd0, f.cmd1])).toEqual([
      [0x64, 0x01],
      [0x44, 0x80],
      [0x45, 0xc4],
    ]);
    expect(faults.stats.dropped).toBe(1);
    expect((await host.send(poll)).map((f) => f.cmd1)).toContain(0x81);
  });

  it.each([
    ["destroy", "close"],
    ["end", "end"],
  ] as const)("disconnects (%s): the host sees '%s'", async (how, event) => {
    const { faults, stick } = await line();
    const seen = new Promise<void>((resolve) => faults.once(event, () => resolve()));
    faults.resume();
    faults.disconnect(how);
    await seen;
    await settle();
    expect(faults.stats.disconnects).toBe(1);
    expect(stick.destroyed || stick.writableEnded).toBe(true);
  });

  it("disconnects by itself with a seeded probability", async () => {
    const { faults, host } = await line({ disconnect: 1 });
    const closed = new Promise<void>((resolve) => faults.once("close", () => resolve()));
    await host.sendRaw(encodeZnpFrame(buildGetDeviceInfo()));
    await closed;
    expect(faults.stats.disconnects).toBe(1);
  });

  it("rejects a probability outside 0..1", () => {
    expect(() => new LineFaults(new StickEmulator(), { drop: 1.5 })).toThrow(/'drop' must be a probability/);
  });
});
