/**
 * Fault findings with the vendor ECU as the source, end to end: the example roof behind the emulated ECU
 * on real TCP, read by the real poller on its pacing, through the ECU source into the controller, its
 * fault module and a real broker. What an ECU owner sees on `<base>/…/event/fault` must name the ECU and
 * its checks, never a stick: an ECU that hangs in daylight (the poller backs off, then says "not
 * answering" — the finding), an ECU whose rounds list every inverter offline, one inverter offline. Truth is
 * the emulator's: it hangs, or reports inverters offline, when the test says so. A scaled clock (one ECU
 * round of 300 s every 2.5 real s), as test/ecu/e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EcuEmulator } from "../../src/sim/ecu/server.ts";
import type { CapturedLog } from "../helpers/log-capture.ts";
import { waitFor } from "../helpers/wait.ts";
import { type EcuSite, startEcuSite } from "./harness.ts";

const START = Date.parse("2026-06-21T10:00:00+02:00"); // midsummer morning in Amsterdam: daylight all test
const SPEED = 120;
const NAMES = ["South top left", "South top right", "South bottom left", "West"]; // examples/site.yaml
const WEST = "801000012348";
const SITE_EVENTS = "localecu/site/event/fault";
/** Words only a stick owner's advice has. */
const STICK_WORDS = /stick|USB/i;

type Json = Record<string, unknown>;

describe("fault findings from the emulated vendor ECU over TCP", () => {
  let run: EcuSite;
  let ecu: EcuEmulator;
  let log: CapturedLog;
  const events: { topic: string; e: Json }[] = [];
  const states = new Map<string, Json[]>();
  const last = (topic: string) => states.get(topic)?.at(-1);
  const siteUpdates = () => states.get("localecu/site")?.length ?? 0;
  const event = (topic: string, type: string, kind: string) =>
    events.find((x) => x.topic === topic && x.e.event_type === type && x.e.kind === kind)?.e;
  const opened = () => events.filter((x) => x.e.event_type === "fault_opened");

  beforeAll(async () => {
    run = await startEcuSite({
      prefix: "ecu-faults",
      start: START,
      speed: SPEED,
      automations: () => ({ faults: {} }),
      probe: false,
    });
    ({ ecu, log } = run);
    run.client.on("message", (topic, payload) => {
      let s: Json;
      try {
        s = JSON.parse(payload.toString()) as Json;
      } catch {
        return; // availability strings
      }
      if (topic.endsWith("/event/fault")) events.push({ topic, e: s });
      else states.set(topic, [...(states.get(topic) ?? []), s]);
    });
    await run.client.subscribeAsync("localecu/#");
  }, 60_000);

  afterAll(async () => {
    await run?.stop();
  });

  it("an ECU that stops answering in daylight is 'ECU not answering' with the ECU's checks, not a lost stick, and clears when it answers", async () => {
    for (const name of NAMES)
      await waitFor(`${name} producing`, () => last(`localecu/${name}`)?.status === "producing");
    // Several ECU rounds apart, between which nothing is read: no link finding from the gaps.
    const before = siteUpdates();
    await waitFor("three more ECU rounds", () => siteUpdates() >= before + 3, 60_000);
    expect(opened()).toEqual([]);

    ecu.controls.hang(24 * 3600);
    const lost = await waitFor(
      "the ECU's link finding",
      () => event(SITE_EVENTS, "fault_opened", "stick_link"),
      90_000,
    );
    expect(lost).toMatchObject({ cause: "controller", severity: "fault", title: "ECU not answering" });
    const advice = String(lost.advice);
    // What failed, from the poller (three polls, the timeout), then the owner's checks.
    expect(advice).toMatch(
      /^The vendor ECU has stopped answering localecu \(found at \d\d:\d\d: no answer to 3 polls/,
    );
    for (const phrase of [
      "DHCP reservation",
      "port 8899",
      "another integration",
      "power-cycle the ECU",
      "backs off",
    ])
      expect(advice, phrase).toContain(phrase);
    expect(advice).not.toMatch(STICK_WORDS);
    // One story: the inverters behind a silent ECU are not also reported silent.
    expect(opened().map((x) => x.e.kind)).toEqual(["stick_link"]);
    expect(log.text()).toContain("the ECU is not answering");

    ecu.controls.powerCycle();
    const back = await waitFor(
      "the link finding cleared",
      () => event(SITE_EVENTS, "fault_cleared", "stick_link"),
      90_000,
    );
    expect(back.title).toBe("ECU not answering");
    for (const name of NAMES)
      await waitFor(`${name} producing again`, () => last(`localecu/${name}`)?.status === "producing");
    expect(opened()).toHaveLength(1);
  }, 200_000);

  it("every inverter offline at the ECU's rounds while it answers: the ECU lost its inverters; one offline: no data, the ECU's radio", async () => {
    const uids = ecu.core.truth().inverters.map((i) => i.uid);
    expect(uids).toHaveLength(4);
    for (const uid of uids) ecu.controls.offline(uid, "zeros-0c");
    const silent = await waitFor(
      "the silent site's finding",
      () => event(SITE_EVENTS, "fault_opened", "site_silent"),
      60_000,
    );
    expect(silent).toMatchObject({ cause: "controller", title: "The ECU hears no inverter" });
    const advice = String(silent.advice);
    expect(advice).toMatch(/while the ECU itself answers: its rounds list all 4 offline/);
    for (const phrase of ["EMA app", "power-cycle the ECU", "main PV breaker"])
      expect(advice, phrase).toContain(phrase);
    expect(advice).not.toMatch(STICK_WORDS);
    // One site finding, not four inverter findings; the ECU answered throughout.
    expect(opened().filter((x) => x.e.kind === "no_data")).toEqual([]);
    expect(opened().filter((x) => x.e.kind === "stick_link")).toHaveLength(1);

    for (const uid of uids) ecu.controls.offline(uid, undefined);
    await waitFor(
      "the silent site cleared",
      () => event(SITE_EVENTS, "fault_cleared", "site_silent"),
      60_000,
    );

    ecu.controls.offline(WEST, "zeros-0c");
    const westEvents = "localecu/West/event/fault";
    const lost = await waitFor(
      "West's no-data finding",
      () => event(westEvents, "fault_opened", "no_data"),
      60_000,
    );
    expect(lost).toMatchObject({ cause: "communication", serial: WEST, verified: true });
    expect(String(lost.advice)).toMatch(
      /^West \(.*\): no data since \d\d:\d\d while its neighbours report\. /,
    );
    expect(String(lost.advice)).toContain("the ECU's ZigBee radio does not reach it");
    expect(String(lost.advice)).not.toMatch(STICK_WORDS);
    ecu.controls.offline(WEST, undefined);
    await waitFor("West's finding cleared", () => event(westEvents, "fault_cleared", "no_data"), 60_000);
  }, 200_000);
});
