/**
 * The grid_settings finding end to end: the real controller on a real broker (aedes, and mosquitto where
 * installed — always in CI), the stick emulator in-process on a scaled clock, the example site held to
 * EN 50549-1 (site.grid_code). One emulated QS1 was set to APsystems' VDE-AR-N-4105 profile before start
 * (an installer's tool writes the profile's codes; the ones it leaves unset stay as they were). The
 * controller reads every inverter's protection pages after start; the finding must reach its problem
 * sensor and its fault event topic, and clear after the installer set the site's profile and localecu
 * was restarted (the pages are read once after start).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { SIM_EN50549_1, SIM_VDE_AR_N_4105 } from "../../../src/sim/grid-profile.ts";
import { brokerKinds } from "../../helpers/brokers.ts";
import { waitFor } from "../../helpers/wait.ts";
import { at, FaultHarness } from "./controller-rig.ts";

const SPEED = 120;
const TOP_LEFT = "801000012345";

vi.setConfig({ testTimeout: 120_000 });

describe.each(brokerKinds())("grid_settings finding with the controller on $name", (kind) => {
  let h: FaultHarness | undefined;

  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it("an inverter on another grid profile shows as its problem sensor and fault event; a read after the fix clears it", async () => {
    h = new FaultHarness(kind, SPEED);
    const { o, mq } = await h.setup();
    o.config.site.gridCode = "en50549-1";
    o.site.inverter(TOP_LEFT)!.setGridSettings(SIM_VDE_AR_N_4105);
    const topic = "localecu/South top left/event/fault";
    const r = await h.run(at("10:30"));

    const opened = await waitFor("the grid-settings finding on its event topic", () =>
      mq.events(topic).find((e) => e.kind === "grid_settings"),
    );
    expect(opened).toMatchObject({
      event_type: "fault_opened",
      key: "grid_settings:801000012345",
      kind: "grid_settings",
      serial: TOP_LEFT,
      title: "Grid settings differ: South top left",
      cause: "installation",
      severity: "warning",
      verified: true,
    });
    // Written out from the two APsystems profiles (reference §6.1): the codes VDE-AR-N-4105 sets to other
    // values than EN50549-1 and a QS1 reads back (its page-A trip times are not readable); the three
    // siblings hold EN50549-1.
    const by = "(APsystems' EN50549-1 profile; 3 of 4 QS1 inverters)";
    expect(opened.advice).toBe(
      "South top left (South roof, row 1 col 1): its grid-protection settings differ from the site's grid code " +
        "en50549-1 in 7 settings: " +
        `AC (under-voltage stage 1 (U<), trips after BD) reads 184 V, expected 196 V ${by}; ` +
        `AJ (under-frequency stage 2, trips after BH) reads 47.5 Hz, expected 47 Hz ${by}; ` +
        `AF (over-frequency stage 1, trips after BK) reads 51.5 Hz, expected 52 Hz ${by}; ` +
        `AK (over-frequency stage 2, trips after BI) reads 50.5 Hz, expected 52 Hz ${by}; ` +
        `BK (trip time of over-frequency stage 1 AF) reads 0.1 s, expected 0.3 s ${by}; ` +
        `BP (reconnection window, lowest frequency) reads 47.5 Hz, expected 49.5 Hz ${by}; ` +
        `AG (wait before reconnecting (grid recovery time)) reads 80 s, expected 60 s ${by}. ` +
        "The inverter was set to another grid profile; have the installer set the site's profile (EMA installer " +
        "app) — localecu only reads these settings. They are read once after start (re-read an hour after a " +
        "failed read): restart localecu after a change to check again.",
    );

    // The problem sensor is on with the finding; the siblings are fine; the site counts one.
    const state = await waitFor("problem in the inverter state", () => {
      const s = mq.last("localecu/South top left");
      return s?.problem === true && s;
    });
    expect(state.problem_findings).toEqual([
      expect.objectContaining({ title: "Grid settings differ: South top left", severity: "warning" }),
    ]);
    const site = await waitFor("the site's open count", () => {
      const s = mq.last("localecu/site");
      return s?.faults_open === 1 && s;
    });
    expect(site.faults_list).toEqual([expect.objectContaining({ key: "grid_settings:801000012345" })]);
    for (const name of ["South top right", "South bottom left", "West"])
      expect(mq.last(`localecu/${name}`)?.problem, name).toBe(false);

    // The installer sets the site's profile; localecu is restarted and reads the pages again.
    o.site.inverter(TOP_LEFT)!.setGridSettings(SIM_EN50549_1, true);
    await h.run(r.clock.now() + 60_000);
    const cleared = await waitFor("the clearing on the event topic", () =>
      mq.events(topic).find((e) => e.event_type === "fault_cleared"),
    );
    expect(cleared).toMatchObject({ key: "grid_settings:801000012345" });
    await waitFor("problem off", () => mq.last("localecu/South top left")?.problem === false);
    await waitFor("site count 0", () => mq.last("localecu/site")?.faults_open === 0);
    // Opened once, cleared once: the restart restored it without a second report.
    expect(mq.events(topic).map((e) => e.event_type)).toEqual(["fault_opened", "fault_cleared"]);
  });
});
