/**
 * The fault diagnosis with the vendor ECU as the source (layout.source "ecu"): the same findings under the
 * same keys, told for an ECU owner — what to check is the ECU (its power, address, port 8899, another
 * poller, its ZigBee reach, the EMA app), never a stick. The ECU is read once per its round (about 5 min),
 * so every look below is one ECU round, 5 minutes apart, with no rechecks in between.
 * Facts the texts rest on: ecu-lan-protocol.md §2.1 and §6 item 1 (hangs, DHCP, Wi-Fi address, another
 * poller, power cycle, nightly pause), §2.6 (0030 signal level 0–255), DESIGN.md §5 (the manual's LEDs).
 */
import { describe, expect, it } from "vitest";
import { FaultDiagnosis } from "../../../src/automations/faults/core.ts";
import type { FaultLayout } from "../../../src/automations/faults/types.ts";
import { at, BL, BR, Drive, healthy, southRoof, TL, TR } from "./helpers.ts";

const ecuRoof = (): FaultLayout => ({ ...southRoof(), source: "ecu" });
const others = () => [healthy(TR), healthy(BL), healthy(BR)];
/** ECU rounds every 5 minutes from `hhmm`. */
const rounds = (hhmm: string, n: number) => Array.from({ length: n }, (_, i) => at(hhmm) + i * 300_000);
/** Each phrase is in the text (named on failure). */
function saysAll(text: string, phrases: readonly string[]): void {
  for (const phrase of phrases) expect(text, phrase).toContain(phrase);
}
/** Words that belong to a stick owner's advice only. */
const STICK_WORDS = /stick|USB|unplug the ZigBee/i;

describe("fault diagnosis with the vendor ECU as the source", () => {
  it("the link finding is 'ECU not answering' with the ECU's checks, opens when the poller reports it (no extra grace), and clears when the ECU answers", () => {
    const d = new Drive(ecuRoof());
    d.round(at("12:00"), 60, [healthy(TL), ...others()]);
    // What the ECU reader sends after three failed polls (src/ecu/reader.ts).
    const detail =
      "no answer to 3 polls in a row since 12:05; last: cannot connect to the ECU at 192.0.2.40:8899 (ECONNREFUSED)";
    d.core.update({ kind: "stick-link", atMs: at("12:20"), up: false, detail });
    const now = d.round(at("12:20"), 60, []);
    expect(now.opened.map((f) => [f.key, f.kind, f.cause, f.severity])).toEqual([
      ["stick_link:site", "stick_link", "controller", "fault"],
    ]);
    const f = now.opened[0]!;
    expect(f.title).toBe("ECU not answering");
    expect(f.advice).toMatch(
      /^The vendor ECU has stopped answering localecu \(found at 12:20: no answer to 3 polls/,
    );
    expect(f.advice).toContain("ECONNREFUSED");
    // The owner's checks, in the manual's spirit: power, address, port, another poller, then a power cycle.
    saysAll(f.advice, [
      "powered",
      "DHCP reservation",
      "port 8899",
      "Wi-Fi",
      "another integration",
      "power-cycle the ECU",
      "nightly pause",
      "backs off",
      "keep producing",
    ]);
    expect(f.advice).not.toMatch(STICK_WORDS);
    d.core.update({ kind: "stick-link", atMs: at("12:40"), up: true });
    const back = d.round(at("12:40"), 60, [healthy(TL), ...others()]);
    expect(back.cleared.map((x) => x.key)).toEqual(["stick_link:site"]);
  });

  it("a stick still gets its minute of reconnect grace and its own words", () => {
    const d = new Drive();
    d.core.update({ kind: "stick-link", atMs: at("12:20"), up: false, detail: "serial port closed" });
    expect(d.round(at("12:20"), 60, []).opened).toEqual([]);
    const later = d.round(at("12:21"), 60, []);
    expect(later.opened[0]).toMatchObject({ key: "stick_link:site", title: "ZigBee stick lost" });
  });

  it("while the ECU does not answer, its silent inverters are not a second finding", () => {
    const d = new Drive(ecuRoof());
    d.round(at("12:00"), 60, [healthy(TL), ...others()]);
    d.core.update({ kind: "stick-link", atMs: at("12:05"), up: false, detail: "no answer" });
    for (const t of rounds("12:05", 6)) d.round(t, 60, [TL, TR, BL, BR]);
    expect(d.opened().map((f) => f.key)).toEqual(["stick_link:site"]);
  });

  it("every inverter offline while the ECU answers: one finding, the ECU lost its inverters", () => {
    const d = new Drive(ecuRoof());
    d.round(at("12:10"), 60, [healthy(TL), ...others()]);
    // confirm_polls (2) + 2 ECU rounds, 5 minutes apart.
    for (const t of rounds("12:15", 4)) d.round(t, 60, [TL, TR, BL, BR]);
    const opened = d.opened();
    expect(opened.map((f) => f.key)).toEqual(["site_silent:site"]);
    const f = opened[0]!;
    expect(f).toMatchObject({ kind: "site_silent", cause: "controller", severity: "fault" });
    expect(f.title).toBe("The ECU hears no inverter");
    expect(f.advice).toMatch(
      /^No inverter has reported through the vendor ECU since 12:10, in daylight, while the ECU itself answers/,
    );
    saysAll(f.advice, ["EMA app", "moved away from the roof", "power-cycle the ECU", "main PV breaker"]);
    expect(f.advice).not.toMatch(STICK_WORDS);
    const back = d.round(at("12:40"), 58, [healthy(TL), ...others()]);
    expect(back.cleared.map((x) => x.key)).toEqual(["site_silent:site"]);
  });

  it("one inverter offline at four ECU rounds while its neighbours report: no data, the ECU's radio to check", () => {
    const d = new Drive(ecuRoof());
    d.round(at("10:42"), 50, [healthy(TL), ...others()]);
    const looks = rounds("10:47", 4).map((t) => d.round(t, 51, [TL, ...others()]));
    expect(looks.slice(0, 3).flatMap((c) => c.opened)).toEqual([]);
    expect(looks[3]!.opened.map((f) => f.key)).toEqual([`no_data:${TL}`]);
    const f = looks[3]!.opened[0]!;
    expect(f).toMatchObject({ kind: "no_data", cause: "communication", severity: "warning" });
    expect(f.title).toBe("No data: South top left");
    expect(f.advice).toMatch(
      /^South top left \(south roof, row 1 col 1\): no data since 10:42 while its neighbours report\. /,
    );
    // The manual's LEDs still say where to look; the radio that must reach it is the ECU's.
    saysAll(f.advice, [
      "flashing fast green",
      "Flashing red or no light",
      "the ECU's ZigBee radio does not reach it",
      "Link quality",
      "move the ECU nearer",
      "EMA app",
    ]);
    expect(f.advice).not.toMatch(STICK_WORDS);
  });

  it("a patchy link: answered 12 of 24 ECU rounds while the neighbours answered all", () => {
    const d = new Drive(ecuRoof());
    for (const [i, t] of rounds("10:00", 24).entries())
      d.round(t, 50, [i % 2 === 0 ? healthy(TL) : TL, ...others()]);
    const f = d.opened().find((x) => x.kind === "erratic_data");
    expect(f?.key).toBe(`erratic_data:${TL}`);
    expect(f!.title).toBe("Patchy data: South top left");
    expect(f!.advice).toMatch(
      /^South top left \(south roof, row 1 col 1\): answered only 12 of its last 24 daylight rounds of the ECU \(until 11:55\)/,
    );
    saysAll(f!.advice, ["vendor ECU's radio", "Link quality", "move the ECU nearer the roof"]);
    expect(f!.advice).not.toMatch(STICK_WORDS);
  });

  it("never tells an ECU owner to re-pair (AES) or about stick restarts: an 'encrypted' miss is plain silence", () => {
    const d = new Drive(ecuRoof());
    d.round(at("11:00"), 55, [healthy(TL), ...others()]);
    d.core.update({ kind: "stick-reset", atMs: at("11:01"), detail: "SYS_RESET_IND" });
    for (const t of rounds("11:05", 4)) {
      d.core.update({ kind: "no-reply", atMs: t, serial: TL, encrypted: true });
      d.round(t, 55, others());
    }
    expect(d.opened().map((f) => f.key)).toEqual([`no_data:${TL}`]);
  });

  it("a source it does not know is refused with what to use", () => {
    expect(() => new FaultDiagnosis({ ...southRoof(), source: "cloud" as never })).toThrow(
      /source 'cloud' is not one localecu reads from; use "stick" or "ecu"/,
    );
  });
});

describe("status bits with the vendor ECU", () => {
  it("a ground fault found with a stick stays open on ECU readings, which carry no status bytes, and is never opened by them", () => {
    const gfdi = healthy(TL, { acV: 190, status: { gfdi: true }, acW: 0 });
    const before = new Drive().round(at("10:00"), 50, [gfdi, ...others()]).opened;
    expect(before.map((f) => f.key)).toEqual([`ground_fault:${TL}`]);
    const d = new Drive(ecuRoof());
    d.core.restore(before);
    // What src/ecu/telemetry.ts delivers: no status block at all.
    const ecuReading = (serial: string) => ({ ...healthy(serial), statusRaw: "" });
    const c = d.round(at("10:30"), 52, [ecuReading(TL), ...others().map((t) => ({ ...t, statusRaw: "" }))]);
    expect(c.cleared).toEqual([]);
    expect(c.open.map((f) => f.key)).toContain(`ground_fault:${TL}`);
  });
});
