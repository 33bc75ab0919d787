/**
 * The fault module with the vendor ECU as its source, on the bus with vitest's fake timers (systemClock
 * reads the globals, so the module's heartbeat and settle timers run on them). The ECU is read once per
 * its round (300 s): each round is one look, the module cannot ask for a recheck, the gaps between rounds
 * are no link loss, and the ECU's "not answering" (already three failed polls) is judged at once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FaultModule } from "../../../src/automations/faults/module.ts";
import type { Finding } from "../../../src/automations/faults/types.ts";
import { EventBus } from "../../../src/bus/event-bus.ts";
import { systemClock } from "../../../src/radio/clock.ts";
import type { PollOutcome } from "../../../src/radio/scheduler.ts";
import { parseConfig } from "../../../src/site/config/index.ts";
import { captureLogger } from "../../helpers/log-capture.ts";
import { at, BR, healthy, SERIALS } from "./helpers.ts";

const ROUND_MS = 300_000;

function setup() {
  const config = parseConfig(
    [
      "ecu:",
      "  host: 192.0.2.40",
      "site:",
      "  name: ECU roof",
      "  timezone: Europe/Amsterdam",
      "  latitude: 52.37",
      "  longitude: 4.89",
      "inverters:",
      ...SERIALS.flatMap((s, i) => [`  - serial: "${s}"`, `    name: Q${i + 1}`]),
      "automations:",
      "  faults: {}",
      "web:",
      "  port: false",
    ].join("\n"),
    "site.yaml",
  );
  const bus = new EventBus();
  const polls: string[] = [];
  const source = {
    kind: "ecu" as const,
    inverters: () => SERIALS.map((serial) => ({ serial })),
    poll: async (serial: string): Promise<PollOutcome> => {
      polls.push(serial);
      return { kind: "error", error: new Error("the ECU cannot be polled on demand") };
    },
  };
  const opened: Finding[] = [];
  const cleared: Finding[] = [];
  const owner = {};
  bus.on("faultFindings", owner, ({ changes }) => {
    opened.push(...changes.opened);
    cleared.push(...changes.cleared);
  });
  const log = captureLogger("debug");
  const module = new FaultModule({ bus, stick: source, config, clock: systemClock, logger: log.logger });
  module.start();
  /** One ECU round: every inverter reported, except the silent ones; then the ECU's next round is 300 s on. */
  const ecuRound = (silent: readonly string[] = []) => {
    const atMs = Date.now();
    for (const serial of SERIALS) {
      if (silent.includes(serial)) bus.emit("pollMissed", { serial, atMs, outcome: "no-reply" });
      else bus.emit("inverterReported", { serial, telemetry: healthy(serial), atMs });
    }
    vi.advanceTimersByTime(ROUND_MS);
  };
  return { bus, module, polls, opened, cleared, ecuRound, log };
}

describe("fault module with the vendor ECU as the source", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: at("10:00", 21) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads ECU rounds 5 minutes apart without a finding, and an inverter offline at four rounds is no data without rechecks", () => {
    const m = setup();
    for (let i = 0; i < 6; i++) m.ecuRound();
    expect(m.opened).toEqual([]);
    for (let i = 0; i < 3; i++) m.ecuRound([BR]);
    expect(m.opened).toEqual([]);
    m.ecuRound([BR]);
    expect(m.opened.map((f) => f.key)).toEqual([`no_data:${BR}`]);
    expect(m.opened[0]!.advice).toContain("the ECU's ZigBee radio does not reach it");
    // Nothing newer than its last round exists at the ECU: the module never asked for one.
    expect(m.polls).toEqual([]);
    m.module.stop();
  });

  it("the ECU's 'not answering' opens 'ECU not answering' at once, nothing else while it is silent, and clears at its answer", () => {
    const m = setup();
    m.ecuRound();
    m.ecuRound();
    const downAt = Date.now();
    m.bus.emit("linkState", { state: "down", detail: "no answer to 3 polls in a row since 10:10" });
    expect(m.opened.map((f) => [f.key, f.title, f.openedAtMs])).toEqual([
      ["stick_link:site", "ECU not answering", downAt],
    ]);
    // An hour without a look (the poller backs off): heartbeat rounds judge, and add nothing.
    vi.advanceTimersByTime(12 * ROUND_MS);
    expect(m.opened).toHaveLength(1);
    m.bus.emit("linkState", { state: "up" });
    expect(m.cleared.map((f) => [f.key, f.clearedAtMs])).toEqual([["stick_link:site", Date.now()]]);
    m.ecuRound();
    expect(m.opened).toHaveLength(1);
    m.module.stop();
  });
});
