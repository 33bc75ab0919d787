/**
 * The fault module end to end, communication: an emulated inverter that stops answering while its
 * neighbours report must be found within a poll interval and the rechecks the module polls a minute apart
 * (through the stick's own poll path), with the communication cause; nobody else is blamed. Real broker,
 * real controller, the stick emulator on a scaled clock at 60× (so a 60 s recheck is 1 s of real time,
 * the scaled clock's shortest wait).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { brokerKinds } from "../../helpers/brokers.ts";
import { waitFor } from "../../helpers/wait.ts";
import { allProducing, at, FaultHarness } from "./controller-rig.ts";

const SPEED = 60;
const WEST = "801000012348";

vi.setConfig({ testTimeout: 90_000 });

describe.each(brokerKinds())("fault module, a lost inverter, on $name", (kind) => {
  let h: FaultHarness | undefined;

  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it("an inverter that stops answering while its neighbours report is confirmed by rechecks a minute apart", async () => {
    h = new FaultHarness(kind, SPEED);
    const { o, mq } = await h.setup();
    const r = await h.run(at("11:00"));
    await waitFor("every inverter producing", () => allProducing(r, o.config));
    r.now();
    o.site.inverter(WEST)!.inject("drop_replies", true, { probability: 1 });
    const silentFrom = r.clock.now();
    const topic = "localecu/West/event/fault";
    const opened = await waitFor("the lost inverter on its event topic", () => mq.events(topic)[0], 60_000);
    expect(opened).toMatchObject({
      event_type: "fault_opened",
      kind: "no_data",
      serial: WEST,
      cause: "communication",
      // Silence is measured, not read from a status bit.
      verified: true,
    });
    expect(String(opened.advice)).toMatch(/^West \(West roof \(garage\), at 1\.2 m, 0\.5 m\)/);
    // Within two poll intervals of 300 s (the goal), not after no_data_minutes (60) of silence; a
    // minute of slack for the emulator's real-time round trips, which the 60× clock stretches.
    expect(Date.parse(String(opened.since)) - silentFrom).toBeLessThanOrEqual(2 * 300_000 + 60_000);
    const westShort = r.running.controller.tracker.get(WEST)!.shortAddress;
    const polls = r.frames.filter(
      (f) => f.kind === "poll" && f.shortAddress === westShort && f.tMs >= silentFrom,
    );
    const gaps = polls.slice(1).map((p, i) => p.tMs - polls[i]!.tMs);
    expect(
      gaps.some((g) => g >= 55_000 && g <= 120_000),
      `recheck gaps ${gaps.join(", ")}`,
    ).toBe(true);
    expect(r.running.store.faults.open().map((f) => f.key)).toEqual([`no_data:${WEST}`]);
    // Nobody else is blamed: the neighbours answered.
    expect(mq.events("localecu/South top left/event/fault")).toEqual([]);
  });
});
