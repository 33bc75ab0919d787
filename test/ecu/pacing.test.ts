/**
 * The pacing core on timelines worked out by hand. The site is in Europe/Amsterdam; in December that is
 * UTC+1, so the ECU's local 13:58:20 is 12:58:20 UTC. Times below are written in UTC unless marked local.
 */
import { describe, expect, it } from "vitest";
import {
  ECU_NOT_ANSWERING_CHECKS,
  initialPacing,
  type PacingDecision,
  type PacingInput,
  type PacingState,
  pacingConfig,
  stepPacing,
} from "../../src/ecu/pacing.ts";

const T = (hhmmss: string, day = "2026-12-02") => Date.parse(`${day}T${hhmmss}Z`);
const iso = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** Runs inputs through the core and returns each decision's next poll (UTC hh:mm:ss). */
function run(cfg: ReturnType<typeof pacingConfig>, inputs: PacingInput[]) {
  let state: PacingState = initialPacing();
  const out: PacingDecision[] = [];
  for (const input of inputs) {
    const d = stepPacing(cfg, state, input);
    state = d.state;
    out.push(d);
  }
  return out;
}

describe("pacingConfig", () => {
  it("defaults to the ECU's 300 s cycle, a 10–60 s window after its round and 02:45–03:15 at night", () => {
    const cfg = pacingConfig({ timeZone: "Europe/Amsterdam" });
    expect(cfg).toMatchObject({
      cycleS: 300,
      pollS: 300,
      alignDelayS: 10,
      alignSlackS: 50,
      backoffCapS: 3600,
      notAnsweringAfter: 3,
      nightly: { start: "02:45", end: "03:15" },
    });
    expect(cfg.notes).toEqual([]);
  });

  it("clamps a poll or cycle below 300 s and says so", () => {
    const cfg = pacingConfig({ timeZone: "Europe/Amsterdam", pollS: 60, cycleS: 30 });
    expect([cfg.cycleS, cfg.pollS]).toEqual([300, 300]);
    expect(cfg.notes).toEqual([
      "cycle 30 s raised to 300 s: no ECU refreshes faster",
      "poll every 60 s raised to 300 s: the ECU refreshes every 300 s",
    ]);
  });

  it("refuses an unknown zone and a malformed window", () => {
    expect(() => pacingConfig({ timeZone: "Mars/Olympus" })).toThrow(
      /'Mars\/Olympus' is not an IANA time zone/,
    );
    expect(() => pacingConfig({ timeZone: "UTC", nightly: { start: "2:45", end: "03:15" } })).toThrow(
      /hh:mm \(e\.g\. 02:45\), got '2:45'/,
    );
  });
});

describe("aligning to the ECU's rounds", () => {
  it("moves the polls to 10 s after each round, and never closer together than 300 s", () => {
    const cfg = pacingConfig({ timeZone: "Europe/Amsterdam" });
    const d = run(cfg, [
      { kind: "start", atMs: T("12:00:00") },
      // Poll at 12:00:00; the ECU's last round was 13:58:20 local = 11:58:20 UTC. Rounds follow at
      // 12:03:20 and 12:08:20. The window after 12:03:20 is 12:03:30–12:04:20, which ends before the
      // earliest allowed poll (12:00:00 + 300 s = 12:05:00): so 12:08:30, 10 s after the 12:08:20 round.
      { kind: "answered", polledAtMs: T("12:00:00"), cycleTime: "2026-12-02T12:58:20" },
      // At 12:08:30 the answer shows the 12:08:20 round (13:08:20 local). Next round 12:13:20 → 12:13:30,
      // exactly 300 s later.
      { kind: "answered", polledAtMs: T("12:08:30"), cycleTime: "2026-12-02T13:08:20" },
      // The timer fired 4 ms late. 12:18:30.004 is still inside the window after the 12:18:20 round
      // (12:18:30–12:19:20), so the next poll is 300 s after this one, not a whole round later.
      { kind: "answered", polledAtMs: T("12:13:30.004"), cycleTime: "2026-12-02T13:13:20" },
    ]);
    expect(d.map((x) => new Date(x.nextPollMs).toISOString().slice(11, 23))).toEqual([
      "12:00:00.000",
      "12:08:30.000",
      "12:13:30.000",
      "12:18:30.004",
    ]);
    expect(d[1]!.reason).toBe("10 s after the ECU's round");
  });

  it("an ECU round that slipped (same cycle time again) keeps the phase of the last round seen", () => {
    const cfg = pacingConfig({ timeZone: "Europe/Amsterdam" });
    const d = run(cfg, [
      { kind: "answered", polledAtMs: T("12:08:30"), cycleTime: "2026-12-02T13:08:20" },
      // Big system: its round came late, the answer still shows 13:08:20 local. Next window after the
      // 12:18:20 slot: 12:18:30.
      { kind: "answered", polledAtMs: T("12:13:30"), cycleTime: "2026-12-02T13:08:20" },
      // No cycle time at all (status 02 no data): the last known round still sets the phase.
      { kind: "answered", polledAtMs: T("12:18:30") },
    ]);
    expect(d.map((x) => iso(x.nextPollMs))).toEqual(["12:13:30", "12:18:30", "12:23:30"]);
  });

  it("a longer poll_s keeps its gap and still lands just after a round", () => {
    const cfg = pacingConfig({ timeZone: "Europe/Amsterdam", pollS: 600 });
    // Round 11:58:20 UTC; earliest 12:10:00; the 12:08:20 round's window closed at 12:09:20 → 12:13:30.
    const d = run(cfg, [{ kind: "answered", polledAtMs: T("12:00:00"), cycleTime: "2026-12-02T12:58:20" }]);
    expect(iso(d[0]!.nextPollMs)).toBe("12:13:30");
  });

  it("without any cycle time the polls are simply 300 s apart", () => {
    const cfg = pacingConfig({ timeZone: "Europe/Amsterdam" });
    const d = run(cfg, [
      { kind: "answered", polledAtMs: T("12:00:07") },
      { kind: "answered", polledAtMs: T("12:05:07") },
    ]);
    expect(d.map((x) => iso(x.nextPollMs))).toEqual(["12:05:07", "12:10:07"]);
    expect(d[0]!.reason).toMatch(/every 300 s \(the ECU's round time is not known yet\)/);
  });
});

describe("backing off when the ECU stops answering", () => {
  it("doubles the wait from 300 s to the 3600 s cap, raises the condition at the third failure, resets on an answer", () => {
    const cfg = pacingConfig({ timeZone: "Europe/Amsterdam" });
    // Failures at 10:00:00, then at each next poll. Waits: 300, 600, 1200, 2400, 3600 (cap), 3600.
    const d = run(cfg, [
      { kind: "failed", polledAtMs: T("10:00:00"), error: "timeout" },
      { kind: "failed", polledAtMs: T("10:05:00"), error: "timeout" },
      { kind: "failed", polledAtMs: T("10:15:00"), error: "refused" },
      { kind: "failed", polledAtMs: T("10:35:00"), error: "refused" },
      { kind: "failed", polledAtMs: T("11:15:00"), error: "refused" },
      { kind: "failed", polledAtMs: T("12:15:00"), error: "refused" },
      { kind: "answered", polledAtMs: T("13:15:00") },
    ]);
    expect(d.map((x) => iso(x.nextPollMs))).toEqual([
      "10:05:00",
      "10:15:00",
      "10:35:00",
      "11:15:00",
      "12:15:00",
      "13:15:00",
      "13:20:00",
    ]);
    expect(d.map((x) => x.condition?.active)).toEqual([
      undefined,
      undefined,
      true,
      undefined,
      undefined,
      undefined,
      false,
    ]);
    const raised = d[2]!.condition!;
    expect([raised.sinceMs, raised.failures, raised.lastError]).toEqual([T("10:00:00"), 3, "refused"]);
    expect(raised.text).toBe(
      `the ECU has not answered since 2026-12-02T10:00:00.000Z (3 polls in a row): ${ECU_NOT_ANSWERING_CHECKS}`,
    );
    expect(raised.text).toMatch(/power-cycle the ECU/);
    expect(d[6]!.state).toEqual({ lastPollMs: T("13:15:00"), failures: 0, notAnswering: false });
    expect(d[6]!.condition).toMatchObject({
      sinceMs: T("10:00:00"),
      failures: 6,
      text: "the ECU answers again",
    });
    expect(d[1]!.reason).toBe("no answer 2× in a row: waiting 600 s");
  });

  it("one answer between failures starts the count again", () => {
    const cfg = pacingConfig({ timeZone: "Europe/Amsterdam" });
    const d = run(cfg, [
      { kind: "failed", polledAtMs: T("10:00:00"), error: "cut" },
      { kind: "failed", polledAtMs: T("10:05:00"), error: "cut" },
      { kind: "answered", polledAtMs: T("10:15:00") },
      { kind: "failed", polledAtMs: T("10:20:00"), error: "cut" },
    ]);
    expect(d.map((x) => iso(x.nextPollMs))).toEqual(["10:05:00", "10:15:00", "10:20:00", "10:25:00"]);
    expect(d[3]!.state).toMatchObject({ failures: 1, failingSinceMs: T("10:20:00") });
    expect(d.every((x) => x.condition === undefined)).toBe(true);
  });
});

describe("the nightly maintenance window (02:45–03:15 local = 01:45–02:15 UTC in December)", () => {
  it("a poll that would land in the window waits for its end, then for the next round", () => {
    const cfg = pacingConfig({ timeZone: "Europe/Amsterdam" });
    // Poll 01:42:00 UTC (02:42 local), round 02:41:50 local = 01:41:50 UTC. Earliest 01:47:00 is inside
    // the window → 02:15:00 UTC; rounds 02:11:50 (window closed 02:12:50) and 02:16:50 → 02:17:00 UTC.
    const d = run(cfg, [{ kind: "answered", polledAtMs: T("01:42:00"), cycleTime: "2026-12-02T02:41:50" }]);
    expect(iso(d[0]!.nextPollMs)).toBe("02:17:00");
    expect(d[0]!.reason).toBe("10 s after the ECU's round, after the nightly window");
  });

  it("does not count a failure inside the window, and a start inside it waits", () => {
    const cfg = pacingConfig({ timeZone: "Europe/Amsterdam" });
    const d = run(cfg, [
      { kind: "start", atMs: T("01:50:00") },
      { kind: "failed", polledAtMs: T("01:59:00"), error: "closed without answering" },
    ]);
    expect(iso(d[0]!.nextPollMs)).toBe("02:15:00");
    expect(d[1]!.state.failures).toBe(0);
    expect(iso(d[1]!.nextPollMs)).toBe("02:15:00");
    expect(d[1]!.reason).toMatch(/^no answer during the nightly window \(not counted\)/);
  });

  it("a backoff that ends in the window is moved past it; a configured window past midnight works", () => {
    const cfg = pacingConfig({ timeZone: "UTC", nightly: { start: "23:50", end: "00:10" } });
    const d = run(cfg, [{ kind: "failed", polledAtMs: T("23:47:00", "2026-12-01"), error: "timeout" }]);
    // 23:47 + 300 s = 23:52, inside → 00:10 the next day.
    expect(new Date(d[0]!.nextPollMs).toISOString()).toBe("2026-12-02T00:10:00.000Z");
    const none = pacingConfig({ timeZone: "UTC", nightly: null });
    expect(iso(run(none, [{ kind: "start", atMs: T("02:50:00") }])[0]!.nextPollMs)).toBe("02:50:00");
  });

  it("follows the zone's summer time: in July the window is 00:45–01:15 UTC", () => {
    const cfg = pacingConfig({ timeZone: "Europe/Amsterdam" });
    const d = run(cfg, [{ kind: "start", atMs: Date.parse("2026-07-01T00:50:00Z") }]);
    expect(new Date(d[0]!.nextPollMs).toISOString()).toBe("2026-07-01T01:15:00.000Z");
  });
});

describe("never faster than the ECU's cycle", () => {
  it("over a day of answers with jittery timers and cycle times, no two polls are closer than 300 s", () => {
    const cfg = pacingConfig({ timeZone: "Europe/Amsterdam", pollS: 120 });
    let state = initialPacing();
    let next = stepPacing(cfg, state, { kind: "start", atMs: T("06:00:00") }).nextPollMs;
    const polls: number[] = [];
    // The ECU's rounds drift between 300 and 330 s; our timer fires 0–900 ms late.
    let round = T("05:58:00");
    for (let i = 0; i < 280; i++) {
      const at = next + ((i * 137) % 900);
      while (round + 330_000 < at) round += 300_000 + ((i * 7919) % 30_000);
      polls.push(at);
      const local = new Date(round + 3_600_000).toISOString().slice(0, 19);
      const d = stepPacing(cfg, state, { kind: "answered", polledAtMs: at, cycleTime: local });
      state = d.state;
      next = d.nextPollMs;
    }
    const gaps = polls.slice(1).map((t, i) => t - polls[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(300_000);
  });
});
