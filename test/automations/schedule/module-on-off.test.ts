/**
 * `automations.schedule.use_on_off` end to end (real broker, stick emulator at ×60): off is the on/off
 * command only where the model's control is marked confirmed, otherwise max power at the model's minimum.
 * No model's on/off is confirmed on air today, so the first test marks the QS1's confirmed in its own
 * copy of the config to drive that path; the second keeps the real (unverified) control.
 */
import { rmSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ScheduleSnapshot } from "../../../src/entities/snapshot.ts";
import { simSiteFromConfig } from "../../../src/sim/from-config.ts";
import type { SiteConfig } from "../../../src/site/config/types.ts";
import { brokerKinds, type TestBroker } from "../../helpers/brokers.ts";
import { exampleConfig } from "../../helpers/example-config.ts";
import { type CapturedLog, captureLogger } from "../../helpers/log-capture.ts";
import { waitFor } from "../../helpers/wait.ts";
import { type Rig, startRig } from "../export-limit/rig.ts";

const at = (hhmm: string) => Date.parse(`2026-06-21T${hhmm}:00+02:00`);

vi.setConfig({ testTimeout: 180_000 });

describe("schedule use_on_off", () => {
  let broker: TestBroker | undefined;
  let rig: Rig | undefined;
  let dataDir: string | undefined;

  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
    await broker?.stop();
    broker = undefined;
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  async function start(confirmed: boolean) {
    broker = await brokerKinds()[0]!.start();
    const ex = await exampleConfig({ brokerUrl: broker.url, prefix: "schedule-onoff" });
    dataDir = ex.dataDir;
    const config: SiteConfig = ex.config;
    config.automations.exportLimit = undefined;
    config.automations.schedule = {
      useOnOff: true,
      rules: [{ name: "noon", at: "12:00", until: "12:10", action: "off" }],
    };
    if (confirmed) {
      for (const inv of config.inverters) {
        const m = inv.model!;
        const onOff = { status: "confirmed" as const, evidence: "marked confirmed by this test" };
        inv.model = { ...m, controls: { ...m.controls, onOff } };
      }
    }
    const site = simSiteFromConfig(config, { seed: 11, clearSky: true });
    const log: CapturedLog = captureLogger("info");
    rig = await startRig({ config, site, startMs: at("11:55"), speed: 60, logger: log.logger });
    const states: ScheduleSnapshot[] = [];
    rig.running.controller.bus.on("scheduleState", states, ({ snapshot }) => {
      states.push(snapshot);
    });
    return { config, site, log, states, r: rig };
  }

  it("a confirmed, enabled on/off control: off by the command, the limit left alone, on again after", async () => {
    const { site, log, states, r } = await start(true);
    const limits = () => site.inverters.map((i) => i.limitW());
    expect(site.inverters.every((i) => i.isOn)).toBe(true);

    const offAt = await waitFor(
      "every emulated inverter switched off",
      () => site.inverters.every((i) => !i.isOn) && r.clock.now(),
      60_000,
    );
    expect(offAt).toBeGreaterThanOrEqual(at("12:00"));
    await waitFor("off verified", () => states.at(-1)?.verified && states.at(-1)?.state === "off");
    // No max-power write: the limit stays at the full 500 W per panel, output is 0 W.
    expect(limits()).toEqual([500, 500, 500, 500]);
    expect(r.frames.filter((f) => f.kind === "set")).toEqual([]);
    expect(r.latest()!.acPowerW).toBe(0);
    expect(
      log.records.some((x) => /off is the on\/off command: confirmed on the QS1/.test(String(x.msg))),
    ).toBe(true);

    const onAt = await waitFor(
      "every emulated inverter on again",
      () => site.inverters.every((i) => i.isOn) && r.clock.now(),
      60_000,
    );
    expect(onAt).toBeGreaterThanOrEqual(at("12:10"));
    await waitFor("on verified", () => states.at(-1)?.verified && states.at(-1)?.state === "on");
    expect(limits()).toEqual([500, 500, 500, 500]);
  });

  it("the real, unverified control: off stays max power at the QS1's minimum, and the log says why", async () => {
    const { site, log, states, r } = await start(false);
    await waitFor(
      "all at 20 W per panel",
      () => site.inverters.every((i) => Math.abs(i.limitW() - 20) < 0.5),
      60_000,
    );
    expect(r.clock.now()).toBeGreaterThanOrEqual(at("12:00"));
    expect(site.inverters.every((i) => i.isOn)).toBe(true);
    await waitFor("off verified", () => states.at(-1)?.verified && states.at(-1)?.state === "off");
    expect(
      log.records.some((x) =>
        /off is max power to the QS1's minimum 80 W \(4 × 20 W\): its on\/off command is unverified/.test(
          String(x.msg),
        ),
      ),
    ).toBe(true);
  });
});
