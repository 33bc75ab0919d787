/**
 * The ECU source tells the fault diagnosis what the ECU did not hear: an inverter its new round lists
 * offline, or every inverter when the ECU answers "no data" — as a stick's unanswered poll would. Real
 * answers (ecu-lan-protocol.md §5): P18, an ECU-C's night round with 5 QS1 offline and 4 never heard
 * (type 00); P9, an ECU-B's DS3 online at 12:59:32; P10, an ECU-B's 16-byte status-02 "no data" frame.
 */
import { describe, expect, it } from "vitest";
import { EcuSource } from "../../src/ecu/source.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { decodeEcuAnswer } from "../../src/protocol/ecu/decode.ts";
import type { EcuRealtime } from "../../src/protocol/ecu/types.ts";
import { modelByName } from "../../src/protocol/models.ts";
import { silentLogger } from "../../src/radio/log.ts";
import { ecuCaptures as C } from "../protocol/ecu/captures.ts";

const realtime = (hex: string) => decodeEcuAnswer(fromHex(hex)) as EcuRealtime;

// P18's UIDs as the capture lists them: five QS1 offline, four QS1A registered but never heard.
const P18_QS1 = ["802000142216", "802000142534", "802000142349", "802000142642", "802000142585"];
const P18_NEVER = ["806000008104", "806000008668", "806000008897", "806000009733"];
const P9_DS3 = "702000999999";
/** Tracked in site.yaml but not in any answer here: the ECU does not list it (not silence). */
const UNLISTED = "801000099999";

function source() {
  const now = Date.parse("2024-09-13T11:00:00Z");
  const s = new EcuSource({
    where: "192.0.2.40:8899",
    stableId: "test site",
    clock: { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined },
    logger: silentLogger,
    reader: { start: () => undefined, stop: async () => undefined },
  });
  for (const serial of [...P18_QS1, ...P18_NEVER, UNLISTED]) s.addInverter({ serial, shortAddress: 0 });
  // The poster masked P9's UID; its model is told as site.yaml would (test/ecu/controller.test.ts does too).
  s.addInverter({ serial: P9_DS3, shortAddress: 0, model: modelByName("DS3")! });
  const missed: { serial: string; outcome: string; at: number }[] = [];
  const read: string[] = [];
  s.events.onPollMissed((m) => missed.push({ serial: m.serial, outcome: m.outcome, at: m.at }));
  s.events.onReading((r) => read.push(r.serial));
  return { s, missed, read, now };
}

describe("ECU source: what the ECU did not hear reaches the fault diagnosis", () => {
  it("an inverter listed offline at a new round is one unanswered poll; the same round read again is not another", () => {
    const { s, missed, now } = source();
    s.realtime(realtime(C.p18Realtime), now);
    // All nine records are offline (online byte 00), registered-but-never-heard ones included.
    expect(missed.map((m) => m.serial).sort()).toEqual([...P18_QS1, ...P18_NEVER].sort());
    expect(missed.every((m) => m.outcome === "no-reply" && m.at === now)).toBe(true);
    // Not listed is a registration question (the source says so), not silence; nor is the DS3 of another ECU.
    expect(missed.map((m) => m.serial)).not.toContain(UNLISTED);
    s.realtime(realtime(C.p18Realtime), now + 60_000);
    expect(missed).toHaveLength(9);
  });

  it("an inverter the ECU heard is a reading, never a miss", () => {
    const { s, missed, read, now } = source();
    s.realtime(realtime(C.p9Realtime), now);
    expect(read).toEqual([P9_DS3]);
    expect(missed.map((m) => m.serial)).not.toContain(P9_DS3);
  });

  it("a 'no data' answer (status 02) is a look at which no inverter answered: one miss each", () => {
    const { s, missed, read, now } = source();
    const noData = realtime(C.p10NoData);
    expect(noData.status.code).toBe("02");
    s.realtime(noData, now);
    expect(read).toEqual([]);
    expect(missed.map((m) => m.serial).sort()).toEqual([...P18_QS1, ...P18_NEVER, P9_DS3, UNLISTED].sort());
  });
});
