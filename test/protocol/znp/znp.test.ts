import { describe, expect, it } from "vitest";
import { bringUpSequence, healthCheck } from "../../../src/protocol/aps-link.ts";
import { fromHex, toHex } from "../../../src/protocol/bytes.ts";
import { FrameError } from "../../../src/protocol/errors.ts";
import { parseEcuId } from "../../../src/protocol/ids.ts";
import {
  is,
  parseAfDataConfirm,
  parseAfIncomingMsg,
  parseDeviceInfo,
  parseSrcRouteInd,
  parseStateChange,
  parseSysResetInd,
  STATUS_NO_ROUTE,
} from "../../../src/protocol/znp/commands.ts";
import { decodeZnpFrame, encodeZnpFrame } from "../../../src/protocol/znp/frame.ts";
import { parseZnpDump, ZnpStreamParser } from "../../../src/protocol/znp/parser.ts";
import { bringUpTrace, captures, startAnswers } from "../../fixtures/captures.ts";

const hex = (b: Uint8Array) => toHex(b).toUpperCase();

describe("ZNP framing", () => {
  it("encodes SYS_RESET_REQ as in the ESP-ECU trace", () => {
    expect(hex(encodeZnpFrame({ cmd0: 0x41, cmd1: 0x00, data: Uint8Array.of(0) }))).toBe("FE0141000040");
  });

  it.each([
    ["short", "FE0141", "short"],
    ["no SOF", "AA0141000040", "sof"],
    ["length mismatch", "FE0341000040", "length"],
    ["bad FCS", "FE0141000041", "fcs"],
  ])("decodeZnpFrame rejects %s with a typed error", (_n, h, code) => {
    expect(() => decodeZnpFrame(fromHex(h))).toThrowError(expect.objectContaining({ code }));
  });
});

describe("coordinator bring-up", () => {
  // Built inside each test, not in the describe body: Stryker activates a mutant only once the tests run,
  // so frames built while the file is collected would never see it.
  const build = () => ({ trace: bringUpTrace(), steps: bringUpSequence(parseEcuId("D8A3011B9780")) });

  it("builds every traced request byte for byte (ECU id D8A3011B9780)", () => {
    const { trace, steps } = build();
    // trace[0..7] are steps 0–7; step 8 is the health check (logged as 67 00, sent as 27 00).
    expect(steps.map((s) => hex(encodeZnpFrame(s.frame)))).toEqual(trace.slice(0, 8).map((t) => t.sent));
    expect(hex(encodeZnpFrame(healthCheck()))).toBe("FE00270027");
  });

  it("the traced answers are the SRSPs and indications each step expects", () => {
    const { trace, steps } = build();
    trace.slice(0, 7).forEach((t, i) => {
      const frame = decodeZnpFrame(fromHex(t.received[0]!));
      expect(is(frame, steps[i]!.expect), `step ${i}`).toBe(true);
    });
    expect(parseSysResetInd(decodeZnpFrame(fromHex(trace[1]!.received[0]!)))).toEqual({
      reason: 2,
      transportRev: 2,
      product: 2,
      major: 2,
      minor: 7,
      hwRev: 2,
    });
  });

  it("parses the start answers: empty start SRSP, states 8 then 9, stray F0 F8, device info", () => {
    const { frames, garbage } = parseZnpDump(fromHex(startAnswers()));
    expect(frames.map((f) => toHex(Uint8Array.of(f.cmd0, f.cmd1)))).toEqual(["6600", "45c0", "45c0", "6700"]);
    expect(frames[0]!.data.length).toBe(0); // this firmware's ZB_START_REQUEST SRSP carries no status
    expect(parseStateChange(frames[1]!)).toBe(8);
    expect(parseStateChange(frames[2]!)).toBe(9);
    expect(garbage.flatMap((g) => (g.kind === "garbage" ? Array.from(g.bytes) : []))).toEqual([0xf0, 0xf8]);
    expect(parseDeviceInfo(frames[3]!)).toEqual({
      status: 0,
      ieee: "0xd8a3011b9780ffff",
      shortAddr: 0,
      deviceType: 7,
      deviceState: 9,
    });
  });
});

describe("stream parser", () => {
  const dump = () => fromHex(captures.yc600Case0.hex);

  it("splits the captured poll answer into SRSP, confirm, source route and incoming message", () => {
    const { frames } = parseZnpDump(dump());
    expect(frames.map((f) => hex(Uint8Array.of(f.cmd0, f.cmd1)))).toEqual(["6401", "4480", "45C4", "4481"]);
    expect(parseAfDataConfirm(frames[1]!)).toEqual({ status: 0, endpoint: 0x14, transId: 1 });
    expect(parseSrcRouteInd(frames[2]!)).toEqual({ dstAddr: 0x103a, relays: [] });
    const msg = parseAfIncomingMsg(frames[3]!);
    expect(msg).toMatchObject({
      cluster: 0x0106,
      srcAddr: 0x103a,
      srcEndpoint: 0x14,
      dstEndpoint: 0x14,
      linkQuality: 0x71,
      macSrcAddr: 0x103a,
    });
    expect(msg.data.length).toBe(94);
    expect(hex(msg.trailer)).toBe("3A100E");
  });

  it.each([1, 2, 3, 7, 64])("gives the same frames when fed in %i-byte chunks", (size) => {
    const p = new ZnpStreamParser();
    const bytes = dump();
    const got: string[] = [];
    for (let i = 0; i < bytes.length; i += size) {
      for (const e of p.push(bytes.subarray(i, i + size))) if (e.kind === "frame") got.push(hex(e.raw));
    }
    expect(got).toEqual(parseZnpDump(bytes).frames.map((f) => hex(encodeZnpFrame(f))));
    expect(p.pending).toBe(0);
  });

  it("resynchronises after a stray F8 (captured) and after a frame with a bad FCS", () => {
    const withF8 = parseZnpDump(fromHex(captures.yc600Poll36887.hex));
    expect(withF8.frames.length).toBe(4);
    expect(withF8.garbage.length).toBe(1);
    const broken = fromHex("FE0164010065"); // FCS off by one
    const joined = new Uint8Array([...broken, ...dump()]);
    const { frames } = parseZnpDump(joined);
    expect(frames.length).toBe(4);
  });

  it("finds a real frame behind a stray FE whose length byte promises more than the input holds", () => {
    const { frames } = parseZnpDump(fromHex("FE40 FE0164010064"));
    expect(frames.length).toBe(1);
    expect(hex(Uint8Array.of(frames[0]!.cmd0, frames[0]!.cmd1))).toBe("6401");
  });

  it("reports no-route confirms", () => {
    const frame = decodeZnpFrame(fromHex("FE034480CD14011F"));
    expect(parseAfDataConfirm(frame).status).toBe(STATUS_NO_ROUTE);
  });

  it("short parses throw FrameError, not RangeError", () => {
    expect(() => parseAfIncomingMsg({ cmd0: 0x44, cmd1: 0x81, data: new Uint8Array(5) })).toThrow(FrameError);
  });
});
