import { describe, expect, it } from "vitest";
import { concat, fromHex, toHex } from "../../../src/protocol/bytes.ts";
import { buildAfDataRequest, parseDeviceInfo } from "../../../src/protocol/znp/commands.ts";
import { encodeZnpFrame, znp } from "../../../src/protocol/znp/frame.ts";
import { ZnpStreamParser } from "../../../src/protocol/znp/parser.ts";
import { StickEmulator } from "../../../src/sim/emulator/stick.ts";
import { ZERO_DELAYS } from "../../../src/sim/emulator/types.ts";
import { frames as traceFile } from "../../fixtures/captures.ts";
import { bringUp, frames, TestHost } from "./helpers.ts";

/**
 * frames.json `bringup_trace` (ESP-ECU log): numbered `Sent=` frames, each followed by its `Received=`
 * answer; steps 7 (start) and 8 (health check) are answered together by the `received …` dump.
 */
function parseTrace(trace: string) {
  const steps: { n: number; sent: Uint8Array; received: Uint8Array[] }[] = [];
  let dump: Uint8Array | undefined;
  let preReset: Uint8Array | undefined;
  for (const line of trace.split("\n")) {
    const pre = /4 times Sent=([0-9A-F]+)/.exec(line);
    const sent = /^\s*\*\s+(\d+) Sent=((?:[0-9A-F]+ ?)+)/.exec(line);
    const rec = /Received=([0-9A-F]+)/.exec(line);
    const d = /\*\s+received ((?:[0-9A-F]+ ?)+)/.exec(line);
    if (pre) preReset = fromHex(pre[1]!);
    else if (sent) steps.push({ n: Number(sent[1]), sent: fromHex(sent[2]!), received: [] });
    else if (rec) steps.at(-1)!.received.push(fromHex(rec[1]!));
    else if (d) dump = fromHex(d[1]!);
  }
  if (!dump || !preReset) throw new Error("bring-up trace changed shape");
  return { steps, dump, preReset };
}

const trace = parseTrace(traceFile.bringup_trace);
const hex = (b: Uint8Array) => toHex(b).toUpperCase();

describe("StickEmulator replays the traced bring-up", () => {
  it("has the nine numbered steps of the trace", () => {
    expect(trace.steps.map((s) => s.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("answers the four power-up resets with the traced reset indication", async () => {
    const host = new TestHost(new StickEmulator({ delays: ZERO_DELAYS }));
    const resetInd = trace.steps[1]!.received[0]!;
    for (let i = 0; i < 4; i++) expect(hex(await host.sendRaw(trace.preReset))).toBe(hex(resetInd));
  });

  it("answers steps 0–8 byte for byte", async () => {
    const host = new TestHost(new StickEmulator({ delays: ZERO_DELAYS }));
    for (const step of trace.steps.slice(0, 7)) {
      expect(step.received.length, `step ${step.n}`).toBe(1);
      expect(hex(await host.sendRaw(step.sent)), `step ${step.n}`).toBe(hex(concat(...step.received)));
    }
    // Steps 7 and 8 answered together; the dump also holds F0 F8 line noise, which is not the stick's frames.
    const got = concat(await host.sendRaw(trace.steps[7]!.sent), await host.sendRaw(trace.steps[8]!.sent));
    const events = new ZnpStreamParser().push(trace.dump);
    const noise = events.flatMap((e) => (e.kind === "garbage" ? [...e.bytes] : []));
    expect(noise).toEqual([0xf0, 0xf8]);
    const want = concat(...events.flatMap((e) => (e.kind === "frame" ? [e.raw] : [])));
    expect(hex(got)).toBe(hex(want));
  });
});

describe("StickEmulator coordinator state", () => {
  it("reports the configured IEEE with state 00 and no short address before the start", async () => {
    const host = new TestHost(new StickEmulator({ delays: ZERO_DELAYS, ecuId: "0102030405A6" }));
    const [info] = await host.send(znp(0x27, 0x00));
    const d = parseDeviceInfo(info!);
    expect(d).toMatchObject({ status: 0, ieee: "0x0102030405a6ffff", shortAddr: 0xfffe, deviceState: 0 });
  });

  it("refuses AF traffic before the network is started (0xC2) and from an unregistered endpoint (0x02)", async () => {
    const stick = new StickEmulator({ delays: ZERO_DELAYS });
    const host = new TestHost(stick);
    const req = buildAfDataRequest({
      dstAddr: 0x1234,
      dstEndpoint: 0x14,
      srcEndpoint: 0x14,
      cluster: 6,
      transId: 1,
      options: 0,
      radius: 15,
      data: new Uint8Array(19),
    });
    expect((await host.send(req)).map((f) => hex(encodeZnpFrame(f)))).toEqual(["FE016401C2A6"]);
    await bringUp(host);
    await host.send(znp(0x41, 0x00, [0])); // reset: RAM (endpoints, network) is gone
    await host.send(znp(0x26, 0x00));
    const [srsp] = await host.send(req);
    expect(srsp!.data[0]).toBe(0x02);
  });

  it("keeps its network across a reconnect and loses it on SYS_RESET_REQ", async () => {
    const first = new StickEmulator({ delays: ZERO_DELAYS });
    await bringUp(new TestHost(first));
    const again = new TestHost(new StickEmulator({ core: first.core }));
    expect(parseDeviceInfo((await again.send(znp(0x27, 0x00)))[0]!).deviceState).toBe(9);
    await again.send(znp(0x41, 0x00, [0]));
    expect(parseDeviceInfo((await again.send(znp(0x27, 0x00)))[0]!).deviceState).toBe(0);
  });

  it("restores factory NV when the startup option asked for it, and keeps written NV otherwise", async () => {
    const host = new TestHost(new StickEmulator({ delays: ZERO_DELAYS, ecuId: "D8A3011B9780" }));
    await host.send(znp(0x26, 0x05, [0x01, 8, 0xff, 0xff, 1, 2, 3, 4, 5, 6]));
    await host.send(znp(0x41, 0x00, [0]));
    expect(parseDeviceInfo((await host.send(znp(0x27, 0x00)))[0]!).ieee).toBe("0x060504030201ffff");
    await host.send(znp(0x26, 0x05, [0x03, 1, 0x03]));
    await host.send(znp(0x41, 0x00, [0]));
    expect(parseDeviceInfo((await host.send(znp(0x27, 0x00)))[0]!).ieee).toBe("0xd8a3011b9780ffff");
  });

  it.each([
    ["unknown SREQ → RPC error", znp(0x21, 0x02), ["FE03600002210242"]],
    ["malformed write configuration → 0x02", znp(0x26, 0x05, [0x83, 2, 0xd8]), ["FE0166050260"]],
    ["second AF_REGISTER of one endpoint → 0xB8", null, ["FE016400B8DD"]],
  ])("%s", async (_name, frame, want) => {
    const host = new TestHost(new StickEmulator({ delays: ZERO_DELAYS }));
    await bringUp(host);
    const f = frame ?? znp(0x24, 0x00, [0x14, 0x05, 0x0f, 0x00, 0x01, 0x01, 0x00, 0x02, 0, 0, 0x15, 0, 0]);
    expect((await host.send(f)).map((x) => hex(encodeZnpFrame(x)))).toEqual(want);
  });

  it("drops frames that arrive while it reboots and answers after the reset delay", async () => {
    const stick = new StickEmulator({ delays: { ...ZERO_DELAYS, resetMs: 20 } });
    const host = new TestHost(stick);
    const notices: string[] = [];
    stick.on("notice", (m: string) => notices.push(m));
    expect(await host.send(znp(0x41, 0x00, [0]))).toEqual([]);
    expect(await host.send(znp(0x27, 0x00))).toEqual([]);
    expect(notices.join("\n")).toMatch(/rebooting/);
    await new Promise((r) => setTimeout(r, 40));
    expect(frames(host.take()).map((f) => hex(encodeZnpFrame(f)))).toEqual(["FE064180020202020702C2"]);
  });
});
