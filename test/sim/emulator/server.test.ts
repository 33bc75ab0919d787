import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { bringUpSequence, buildInverterRequest, pairingSequence } from "../../../src/protocol/aps-link.ts";
import { fromHex } from "../../../src/protocol/bytes.ts";
import { encodePoll } from "../../../src/protocol/commands.ts";
import { decodeDump } from "../../../src/protocol/dump.ts";
import { buildGetDeviceInfo, parseDeviceInfo } from "../../../src/protocol/znp/commands.ts";
import { encodeZnpFrame, type ZnpFrame } from "../../../src/protocol/znp/frame.ts";
import { ZnpStreamParser } from "../../../src/protocol/znp/parser.ts";
import { type EmulatorServer, serveEmulator } from "../../../src/sim/emulator/server.ts";
import { ZERO_DELAYS } from "../../../src/sim/emulator/types.ts";
import { FakeInverter } from "./helpers.ts";

const ECU = "D8A3011B9780";
const QS1 = "801000085070";

/** A TCP host: sends a frame and waits until `n` frames came back. */
class TcpHost {
  private readonly parser = new ZnpStreamParser();
  private got: ZnpFrame[] = [];
  private raw: number[] = [];
  private wake: (() => void) | undefined;
  readonly closed: Promise<void>;

  constructor(readonly socket: Socket) {
    socket.on("data", (c: Buffer) => {
      this.raw.push(...c);
      for (const e of this.parser.push(new Uint8Array(c))) if (e.kind === "frame") this.got.push(e.frame);
      this.wake?.();
    });
    this.closed = new Promise((r) => socket.once("close", () => r()));
  }

  static async open(url: string): Promise<TcpHost> {
    const { hostname, port } = new URL(url.replace("tcp:", "http:"));
    const s = connect(Number(port), hostname);
    await new Promise<void>((r, j) => s.once("connect", r).once("error", j));
    return new TcpHost(s);
  }

  async send(frame: ZnpFrame, n: number): Promise<{ frames: ZnpFrame[]; raw: Uint8Array }> {
    this.got = [];
    this.raw = [];
    this.socket.write(encodeZnpFrame(frame));
    while (this.got.length < n) await new Promise<void>((r) => (this.wake = r));
    return { frames: this.got, raw: Uint8Array.from(this.raw) };
  }
}

let srv: EmulatorServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

const start = async () => {
  srv = await serveEmulator({ port: 0, delays: ZERO_DELAYS, inverters: [new FakeInverter(QS1)] });
  return srv;
};

async function bringUpOver(host: TcpHost) {
  for (const step of bringUpSequence(fromHex(ECU))) {
    // Start answers with SRSP + states 8 and 9; every other step with one frame.
    await host.send(step.frame, step.frame.cmd0 === 0x26 && step.frame.cmd1 === 0x00 ? 3 : 1);
  }
}

const deviceState = async (h: TcpHost) =>
  parseDeviceInfo((await h.send(buildGetDeviceInfo(), 1)).frames[0]!).deviceState;

describe("serveEmulator", () => {
  it("listens on a free port and answers bring-up, pairing and a poll over a real socket", async () => {
    const s = await start();
    expect(s.url).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(s.port).toBeGreaterThan(0);
    const host = await TcpHost.open(s.url);
    await bringUpOver(host);
    expect(await deviceState(host)).toBe(9);
    const pair = pairingSequence(QS1, fromHex(ECU));
    for (const [i, f] of pair.entries()) await host.send(f, i === 2 || i === 3 ? 3 : 2);
    const short = s.core.air.shortFor(QS1)!;
    const { raw } = await host.send(buildInverterRequest(short, fromHex(ECU), encodePoll()), 4);
    expect(decodeDump(raw).messages[0]!.reply).toMatchObject({ kind: "telemetry", serial: QS1 });
    host.socket.destroy();
  });

  it("keeps the stick's network across reconnects, and a new connection replaces the old one", async () => {
    const s = await start();
    const first = await TcpHost.open(s.url);
    await bringUpOver(first);
    const second = await TcpHost.open(s.url);
    await first.closed;
    expect(await deviceState(second)).toBe(9);
    second.socket.destroy();
    await second.closed;
    const third = await TcpHost.open(s.url);
    expect(await deviceState(third)).toBe(9);
    third.socket.destroy();
  });

  it("drops the connection when its line is told to disconnect", async () => {
    const s = await start();
    const host = await TcpHost.open(s.url);
    await deviceState(host);
    s.current()!.disconnect();
    await host.closed;
    expect(s.current()).toBeUndefined();
  });

  it("fails clearly when the port is taken", async () => {
    const s = await start();
    await expect(serveEmulator({ port: s.port })).rejects.toThrow(/EADDRINUSE/);
  });
});
