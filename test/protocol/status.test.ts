/**
 * Fault bits, one at a time, from the maps in DESIGN.md §2 and research §3.3 (openaps QS1AFaults, DS3Faults),
 * set into the real captures' status blocks (as openaps' own tests patch its live fixture).
 */
import { describe, expect, it } from "vitest";
import { decodeReply } from "../../src/protocol/replies.ts";
import { activeFaults, DS3_STATUS_BITS, encodeStatus, QS1_STATUS_BITS } from "../../src/protocol/status.ts";
import type { StatusFlags } from "../../src/protocol/types.ts";
import { replyPayload } from "../converters/helpers.ts";
import { captures } from "../fixtures/captures.ts";

type Key = keyof StatusFlags;

function flagsWith(base: Uint8Array, at: number, len: number, byte: number, bit: number): Key[] {
  const p = Uint8Array.from(base);
  p.fill(0, at, at + len);
  p[at + byte] = 1 << bit;
  if (p[9] === 0xbb) {
    // DS3 replies carry a valid L2 sum: recompute it over innerlen..body.
    let s = 0;
    for (let i = 8; i < p.length - 4; i++) s += p[i]!;
    p[p.length - 4] = (s >> 8) & 0xff;
    p[p.length - 3] = s & 0xff;
  }
  const r = decodeReply(p);
  if (r.kind !== "telemetry") throw new Error(r.kind);
  return activeFaults(r.status);
}

describe("QS1 status block, AF payload bytes 33–36", () => {
  const payload = replyPayload(captures.qs1Johan).payload;
  it.each([
    [33, 1, "dcContactor"],
    [33, 2, "gridRelay"],
    [33, 3, "gfdi"],
    [33, 4, "comm"],
    [33, 5, "avgOverFrequency"],
    [33, 6, "avgUnderFrequency"],
    [34, 4, "dcBus"],
    [35, 0, "overFrequency"],
    [35, 1, "underFrequency"],
    [36, 0, "overVoltage"],
    [36, 2, "overVoltage"],
    [36, 1, "underVoltage"],
    [36, 3, "underVoltage"],
    [36, 4, "overFrequency"],
    [36, 6, "overFrequency"],
    [36, 5, "underFrequency"],
    [36, 7, "underFrequency"],
  ] as const)("byte %i bit %i alone is %s", (byte, bit, flag) => {
    expect(flagsWith(payload, 33, 4, byte - 33, bit)).toEqual([flag]);
  });

  it("bits openaps does not name raise nothing (byte 33 b0, byte 34 b2 seen set while producing)", () => {
    expect(flagsWith(payload, 33, 4, 0, 0)).toEqual([]);
    expect(flagsWith(payload, 33, 4, 1, 2)).toEqual([]);
  });
});

describe("DS3 status block, body 0x0B–0x0F", () => {
  const payload = replyPayload(captures.ds3Telemetry).payload;
  const at = 10 + 0x0b;
  it.each([
    [0x0c, 1, "gridRelay"],
    [0x0d, 3, "gfdi"],
    [0x0d, 4, "dcBus"],
    [0x0d, 7, "dcContactor"],
    [0x0e, 0, "overVoltage"],
    [0x0e, 2, "overVoltage"],
    [0x0e, 1, "underVoltage"],
    [0x0e, 3, "underVoltage"],
    [0x0f, 0, "overFrequency"],
    [0x0f, 2, "overFrequency"],
    [0x0f, 1, "underFrequency"],
    [0x0f, 3, "underFrequency"],
  ] as const)("body 0x%s bit %i alone is %s", (byte, bit, flag) => {
    expect(flagsWith(payload, at, 5, byte - 0x0b, bit)).toEqual([flag]);
  });
});

describe("encodeStatus (the simulator's faults on the wire)", () => {
  it("sets the first bit listed for each flag: GFDI → 08 00 00 00 on QS1, 00 00 08 00 00 on DS3", () => {
    expect(Array.from(encodeStatus({ gfdi: true }, QS1_STATUS_BITS, 4))).toEqual([0x08, 0, 0, 0]);
    expect(Array.from(encodeStatus({ gfdi: true }, DS3_STATUS_BITS, 5))).toEqual([0, 0, 0x08, 0, 0]);
  });

  it("over-voltage and under-frequency together: slow bits only (36 b0, 35 b1 listed first)", () => {
    const q = encodeStatus({ overVoltage: true, underFrequency: true, gfdi: false }, QS1_STATUS_BITS, 4);
    expect(Array.from(q)).toEqual([0, 0, 0x02, 0x01]);
  });
});
