/**
 * Commands through the vendor ECU end to end: the example roof behind an emulated ECU-R-Pro on real TCP
 * (port 8899) and real HTTP (its command pages), read by the real poller, through the ECU source into the
 * controller and a real broker; a max_power command sent on MQTT. Truth is the emulator's: what its
 * simulated inverters put out at its rounds. A scaled clock: one ECU round (300 s) every 2.5 real s.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { EcuPagesMode } from "../../src/sim/ecu/pages.ts";
import { waitFor } from "../helpers/wait.ts";
import { startEcuSite } from "./harness.ts";

const START = Date.parse("2026-06-21T12:00:00+02:00");
const SPEED = 120;
const WEST = { name: "West", serial: "801000012348" }; // examples/site.yaml
const SCHEDULED = "801000012345"; // South top left

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(pages: EcuPagesMode) {
  const { ecu, running, client, log, stop } = await startEcuSite({
    prefix: "ecu-control",
    start: START,
    speed: SPEED,
    // The limiter and a schedule are configured: what each does with an ECU is part of the test. The rule
    // holds South top left at 200 W per panel from 11:00 to 15:00 local.
    automations: (example) => ({
      exportLimit: example.exportLimit,
      schedule: {
        rules: [{ at: "11:00", until: "15:00", action: "limit", limitW: 200, inverters: [SCHEDULED] }],
      },
    }),
    ecuId: "216200000001",
    pages,
    probe: { timeoutMs: 2000 },
  });
  cleanup.push(stop);
  const seen: { topic: string; s: Record<string, unknown> }[] = [];
  client.on("message", (topic, payload) => {
    try {
      seen.push({ topic, s: JSON.parse(payload.toString()) as Record<string, unknown> });
    } catch {
      // availability strings
    }
  });
  await client.subscribeAsync("localecu/#");
  const last = (topic: string) => seen.findLast((m) => m.topic === topic)?.s;
  return { ecu, running, client, log, seen, last };
}

describe("commands through the ECU's pages", () => {
  it("max_power on MQTT: sent, unverified, ~5 minutes; the ECU's next round caps the inverter's output", async () => {
    const { ecu, running, client, log, seen, last } = await setup("served");
    // The probe, once, in the log and on bridge/info.
    expect(log.text()).toContain(
      "ECU control pages (ECU-R-Pro, firmware ECU_R_PRO_2.1.29D, http://127.0.0.1:",
    );
    const info = await waitFor("bridge/info", () => last("localecu/bridge/info"));
    expect(info.source_control).toMatchObject({
      ecu_model: "ECU-R-Pro",
      firmware: "ECU_R_PRO_2.1.29D",
      on_off: "available, unverified",
      max_power: "available, unverified",
      latency: "the ECU applies it at its next round (about 5 minutes)",
    });
    // The limiter is off for the latency, not for lack of a path; the schedule may use the pages.
    expect(running.controller.exportLimit).toBeUndefined();
    expect(log.text()).toContain(
      "export limiting is configured, but the vendor ECU applies a command only at its next round (about 5 minutes): far too slow to follow the grid meter, so the limiter is not started",
    );
    expect(running.controller.schedule).toBeDefined();

    // Midday in June: West's four 400 Wp panels each give well over 100 W.
    const state = await waitFor("West producing", () => {
      const s = last(`localecu/${WEST.name}`);
      return s?.status === "producing" ? s : undefined;
    });
    expect(Number(state.power)).toBeGreaterThan(600);
    await client.publishAsync(`localecu/${WEST.name}/set`, JSON.stringify({ max_power: 100 }));
    const result = await waitFor(
      "the command's result",
      () => seen.find((m) => m.topic.startsWith(`localecu/${WEST.name}/`) && m.topic.endsWith("result"))?.s,
    );
    expect(JSON.stringify(result)).toContain(
      "max power 100 W per input: sent, unverified; the ECU applies it at its next round (about 5 minutes)",
    );
    expect(JSON.stringify(result)).toContain('"control_status":"unverified"');
    const posted = () => ecu.http!.requests.map((r) => r.form.toString());
    expect(posted()).toContain(`id=${WEST.serial}&maxpower=100`);
    // The schedule wrote its rule through the same page, once (no read-back to compare with).
    await waitFor("the schedule's write", () => posted().includes(`id=${SCHEDULED}&maxpower=200`));
    expect(posted().filter((f) => f.startsWith(`id=${SCHEDULED}&`))).toEqual([
      `id=${SCHEDULED}&maxpower=200`,
    ]);

    // The ECU passes it on at its next round; the round after shows it on port 8899 and so on MQTT.
    const delivered = await waitFor("the ECU's round passing it on", () => ecu.core.delivered[0], 30_000);
    const capped = await waitFor(
      "West's state from a round after the delivery",
      () => {
        const s = last(`localecu/${WEST.name}`);
        const truth = ecu.core.truth();
        return truth.roundMs > delivered.roundMs && s && Number(s.power) <= 404 ? { s, truth } : undefined;
      },
      30_000,
    );
    // The emulator's truth: every input of West at most 100 W (1 W of wire rounding), the others untouched.
    for (const inv of capped.truth.inverters) {
      for (const w of inv.channelPowersW!) {
        if (inv.uid === WEST.serial) expect(w).toBeLessThanOrEqual(101);
        else if (inv.uid === SCHEDULED) expect(w).toBeLessThanOrEqual(201);
        else expect(w).toBeGreaterThan(100);
      }
    }
  }, 90_000);

  it("a firmware that removed the pages: the command is refused naming what the probe found", async () => {
    const { ecu, running, client, log, seen, last } = await setup("removed");
    expect(log.text()).toContain("ECU-R-Pro, firmware ECU_R_PRO_2.1.29A");
    const info = await waitFor("bridge/info", () => last("localecu/bridge/info"));
    expect(String((info.source_control as Record<string, unknown>).max_power)).toContain(
      "not available: page gone (HTTP 404 Page Not Found)",
    );
    // Neither automation starts; each says why.
    expect(running.controller.exportLimit).toBeUndefined();
    expect(running.controller.schedule).toBeUndefined();
    expect(log.text()).toContain("; this ECU's command pages are not available either");
    expect(log.text()).toContain(
      "the schedule is configured, but the vendor ECU's command pages were not found at start",
    );
    await client.publishAsync(`localecu/${WEST.name}/set`, JSON.stringify({ max_power: 100 }));
    const result = await waitFor(
      "the refusal",
      () => seen.find((m) => m.topic.startsWith(`localecu/${WEST.name}/`) && m.topic.endsWith("result"))?.s,
    );
    expect(JSON.stringify(result)).toContain(
      "the vendor ECU cannot take this command: page gone (HTTP 404 Page Not Found): this firmware removed the web pages (ecu-lan-protocol.md §3.1) (probed at start; use the EMA app, or a stick)",
    );
    // The probe's two empty posts, nothing after them.
    expect(ecu.http!.requests.map((r) => r.form.toString())).toEqual(["", ""]);
  }, 60_000);
});
