/**
 * The fault module end to end, commands: an inverter switched off over MQTT is not a fault, while one that
 * stops producing by itself (a failed power stage, the manual's "0 W" in daylight while its neighbours
 * produce) is. Real broker, real controller, the stick emulator on a scaled clock.
 */
import mqtt from "mqtt";
import { afterEach, describe, expect, it, vi } from "vitest";
import { brokerKinds } from "../../helpers/brokers.ts";
import { waitFor } from "../../helpers/wait.ts";
import { allProducing, at, FaultHarness } from "./controller-rig.ts";

const SPEED = 60;
const TOP_RIGHT = "801000012346";
const WEST = "801000012348";

vi.setConfig({ testTimeout: 90_000 });

describe.each(brokerKinds())("fault module and commands on $name", (kind) => {
  let h: FaultHarness | undefined;

  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it("an inverter switched off by command raises nothing; one that stops producing by itself does", async () => {
    h = new FaultHarness(kind, SPEED);
    const { o, mq } = await h.setup();
    const r = await h.run(at("11:00"));
    await waitFor("every inverter producing", () => allProducing(r, o.config));

    // West off by command (on/off is unverified on hardware; the emulator obeys it).
    const user = await mqtt.connectAsync(h.broker!.url);
    try {
      await user.publishAsync("localecu/West/set", '{"state":"OFF"}', { qos: 1 });
      await waitFor("the emulated West switched off", () => !o.site.inverter(WEST)!.isOn, 30_000);
    } finally {
      await user.endAsync();
    }
    // South top right's power stage fails: it answers, with 0 W and no status bit.
    r.now();
    o.site.inverter(TOP_RIGHT)!.inject("no_output", true, {});
    const offFrom = r.clock.now();

    const failed = await waitFor(
      "the failed inverter on its event topic",
      () => mq.events("localecu/South top right/event/fault")[0],
      60_000,
    );
    expect(failed).toMatchObject({
      event_type: "fault_opened",
      kind: "not_producing",
      serial: TOP_RIGHT,
      verified: true,
    });
    // West was polled at least three times while off (a whole judgement and more): still no finding.
    const westShort = r.running.controller.tracker.get(WEST)!.shortAddress;
    await waitFor(
      "three polls of West while it is off",
      () =>
        r.frames.filter((f) => f.kind === "poll" && f.shortAddress === westShort && f.tMs > offFrom).length >=
        3,
      60_000,
    );
    expect(mq.events("localecu/West/event/fault")).toEqual([]);
    expect(mq.last("localecu/West")?.problem).toBe(false);
    expect(r.running.store.faults.open().map((f) => f.key)).toEqual([`not_producing:${TOP_RIGHT}`]);
  });
});
