import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../src/protocol/bytes.ts";
import { decodeDump } from "../../src/protocol/dump.ts";
import { QS1_STATUS_OFFSET } from "../../src/protocol/status.ts";
import { QS1_OFFSETS } from "../../src/protocol/telemetry-qs1.ts";
import { encodeTelemetry } from "../../src/sim/wire/telemetry.ts";
import { captures } from "../fixtures/captures.ts";

/** The AF payload (serial + L2) of a captured UART dump. */
function payloadOf(hex: string): {
  payload: Uint8Array;
  reply: ReturnType<typeof decodeDump>["messages"][0]["reply"];
} {
  const m = decodeDump(fromHex(hex)).messages[0]!;
  const h = hex.toUpperCase();
  const start = h.indexOf(m.reply.serial.toUpperCase());
  return { payload: fromHex(h.slice(start, h.lastIndexOf("FEFE") + 4)), reply: m.reply };
}

describe("what the emulator puts on the wire has the captured layout", () => {
  it.each([
    ["QS1", captures.qs1Johan, [16, 19, 22, 25], QS1_OFFSETS.uptimeQs1],
    ["YC600", captures.yc600Case0, [22, 25], QS1_OFFSETS.uptimeYc600],
  ] as const)(
    "%s: re-encoding the decoded capture gives back its bytes at every field we read",
    (_m, cap, dc, uptime) => {
      const { payload, reply } = payloadOf(cap.hex);
      if (reply.kind !== "telemetry") throw new Error(reply.kind);
      const ours = encodeTelemetry({
        ...reply,
        statusBytes: payload.subarray(QS1_STATUS_OFFSET, QS1_STATUS_OFFSET + 4),
      });
      expect(ours.length).toBe(payload.length);
      const span = (b: Uint8Array, off: number, n: number) => toHex(b.subarray(off, off + n));
      // Serial, FB FB, innerlen, command.
      expect(span(ours, 0, 10)).toBe(span(payload, 0, 10));
      const fields: [number, number][] = [
        [QS1_OFFSETS.temperature, 2],
        [QS1_OFFSETS.frequency, 3],
        [QS1_OFFSETS.acVoltage, 2],
        [uptime, 2],
        [QS1_STATUS_OFFSET, 4],
        ...dc.map((o): [number, number] => [o, 3]),
        ...reply.channels.map((c): [number, number] => [QS1_OFFSETS.energy[c.input], 5]),
      ];
      for (const [off, n] of fields)
        expect(span(ours, off, n), `bytes ${off}–${off + n - 1}`).toBe(span(payload, off, n));
      // The tail: checksum slot 00 00 as these replies carry it, then FE FE.
      expect(span(ours, payload.length - 4, 4)).toBe("0000fefe");
      expect(span(payload, payload.length - 4, 4)).toBe("0000fefe");
    },
  );
});
