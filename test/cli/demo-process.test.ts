/**
 * `npm start` (the demo) as a user runs it: a child process with its embedded broker, watched over MQTT.
 * Stopped and started again with the same data folder, it continues: lifetime energy never goes down (Home
 * Assistant sees no meter reset), the simulated day resumes instead of counting the morning again.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type CliProcess,
  killAll,
  lastJson,
  type Message,
  spawnCli,
  waitFor,
  watch,
} from "../helpers/process.ts";
import { writeSiteFile } from "../helpers/site-file.ts";

const NAMES = ["South top left", "South top right", "South bottom left", "West"]; // examples/site.yaml
/** QS1 datasheet (DESIGN §5): max continuous output 1200 W per inverter. */
const QS1_MAX_W = 1200;
const SPEED = 120; // one 300 s poll interval every 2.5 s

const scratch = mkdtempSync(join(tmpdir(), "localecu-demo-test-"));
const xdg = join(scratch, "xdg");
afterAll(() => {
  killAll();
  rmSync(scratch, { recursive: true, force: true });
});

interface Run {
  demo: CliProcess;
  url: string;
  simStart: number;
  seen: Message[];
  close(): Promise<void>;
}

async function startDemo(args: string[]): Promise<Run> {
  const demo = spawnCli(["demo", "--mqtt-port", "0", "--speed", String(SPEED), ...args], {
    XDG_DATA_HOME: xdg,
  });
  const [, url] = await demo.waitForOutput(/MQTT broker: +(mqtt:\/\/127\.0\.0\.1:\d+)/);
  const [, sim] = await demo.waitForOutput(/simulated time: (\S+)/);
  const w = await watch(url!, ["localecu/#", "homeassistant/#"]);
  return { demo, url: url!, simStart: Date.parse(sim!), seen: w.seen, close: () => w.client.endAsync(true) };
}

/** [energy kWh, last_seen ms] of every state an inverter published, in order. */
function energies(seen: Message[], name: string): { kWh: number; at: number; polled: boolean }[] {
  return seen
    .filter((m) => m.topic === `localecu/${name}` && m.payload)
    .map((m) => JSON.parse(m.payload) as Record<string, unknown>)
    .filter((s) => typeof s.energy === "number")
    .map((s) => ({
      kWh: s.energy as number,
      at: Date.parse(String(s.last_seen)),
      polled: s.status === "producing",
    }));
}

const producedTwice = (seen: Message[]) =>
  NAMES.every((n) => energies(seen, n).filter((e) => e.polled).length >= 2);

describe("the demo (child process), stopped and started again", () => {
  const before = new Map<string, { kWh: number; at: number }>();
  let siteBefore = 0;

  it("runs: bridge online, discovery for every inverter, producing states; SIGINT stops it cleanly", async () => {
    const run = await startDemo(["--start", "2026-06-21T10:00:00+02:00"]);
    expect(run.demo.stdout()).toContain(`data:           ${join(xdg, "localecu", "demo")}`);
    expect(run.simStart).toBe(Date.parse("2026-06-21T10:00:00+02:00"));
    await waitFor("two polls of every inverter", () => producedTwice(run.seen), 40_000);
    expect(lastJson(run.seen, "localecu/bridge/state")).toEqual({ state: "online" });
    const discovered = run.seen.filter((m) =>
      /^homeassistant\/device\/localecu_80100001234\d\/config$/.test(m.topic),
    );
    expect(new Set(discovered.map((m) => m.topic)).size).toBe(4);
    for (const name of NAMES) {
      const s = lastJson(run.seen, `localecu/${name}`)!;
      expect(Number(s.power)).toBeGreaterThan(0);
      expect(Number(s.power)).toBeLessThanOrEqual(QS1_MAX_W);
    }

    run.demo.child.kill("SIGINT");
    expect(await run.demo.exited).toEqual({ code: 0, signal: null });
    await waitFor(
      "bridge offline",
      () => lastJson(run.seen, "localecu/bridge/state")?.state === "offline",
      5000,
    );
    for (const name of NAMES) before.set(name, energies(run.seen, name).at(-1)!);
    siteBefore = Number(lastJson(run.seen, "localecu/site")?.energy);
    expect(siteBefore).toBeGreaterThan(0);
    await run.close();
  });

  it("starts again with the same data: resumes its simulated time and never lowers lifetime energy", async () => {
    const run = await startDemo([]);
    const lastSeen = Math.max(...[...before.values()].map((e) => e.at));
    expect(run.demo.stdout()).toMatch(/resumed where the last run stopped/);
    expect(run.simStart).toBeGreaterThanOrEqual(lastSeen);
    expect(run.simStart - lastSeen).toBeLessThan(30 * 60_000); // not 10:00 or 10:30 again, not a jump

    await waitFor("two polls of every inverter", () => producedTwice(run.seen), 40_000);
    for (const name of NAMES) {
      const last = before.get(name)!;
      const after = energies(run.seen, name);
      // Every value Home Assistant receives is at least the last one it had: no meter reset.
      for (const e of after) expect(e.kWh, `${name} after the restart`).toBeGreaterThanOrEqual(last.kWh);
      for (let i = 1; i < after.length; i++) expect(after[i]!.kWh).toBeGreaterThanOrEqual(after[i - 1]!.kWh);
      // What was added is no more than the inverter can produce in the simulated time that passed:
      // a morning counted again would be hours' worth.
      const firstPolled = after.find((e) => e.polled)!;
      const hours = (firstPolled.at - last.at) / 3_600_000;
      expect(hours).toBeGreaterThan(0);
      expect(firstPolled.kWh - last.kWh).toBeLessThanOrEqual((QS1_MAX_W * hours) / 1000);
    }
    const sites = run.seen
      .filter((m) => m.topic === "localecu/site" && m.payload)
      .map((m) => JSON.parse(m.payload));
    for (const s of sites) expect(Number(s.energy)).toBeGreaterThanOrEqual(siteBefore);

    // The example site.yaml pointed at the running demo's broker: refused, naming the demo.
    const site = writeSiteFile({ stick: "tcp://127.0.0.1:1", mqttUrl: run.url });
    try {
      const second = spawnCli(["start", "--config", site.file]);
      expect((await second.exited).code).toBe(2);
      expect(second.stderr()).toMatch(
        new RegExp(
          `^localecu: another localecu is already running on base topic 'localecu' .*the demo \\(pid ${run.demo.pid},`,
        ),
      );
    } finally {
      rmSync(site.dir, { recursive: true, force: true });
    }

    run.demo.child.kill("SIGTERM");
    expect(await run.demo.exited).toEqual({ code: 0, signal: null });
    await run.close();
  });
});

describe("the demo with --source ecu: the same roof behind an emulated vendor ECU on port 8899", () => {
  it("reads the ECU every 300 simulated s, publishes the inverters as with a stick, and says what it cannot do", async () => {
    const run = await startDemo([
      "--source",
      "ecu",
      "--data",
      join(scratch, "ecu-demo"),
      "--start",
      "2026-06-21T11:00:00+02:00",
    ]);
    try {
      expect(run.demo.stdout()).toMatch(/Source: +an emulated vendor ECU-R-Pro at tcp:\/\/127\.0\.0\.1:\d+/);
      await waitFor("two ECU cycles of every inverter", () => producedTwice(run.seen), 40_000);
      for (const name of NAMES) {
        const s = lastJson(run.seen, `localecu/${name}`)!;
        expect(Number(s.power)).toBeGreaterThan(0);
        expect(Number(s.power)).toBeLessThanOrEqual(QS1_MAX_W);
        // Port 8899 carries no DC voltage or current: unknown, not 0.
        expect(s.dc_voltage_ch1).toBeNull();
        expect(s.dc_current_ch1).toBeNull();
        expect(Number(s.dc_power_ch1)).toBeGreaterThan(0);
        const e = energies(run.seen, name).filter((x) => x.polled);
        const [a, b] = [e.at(-2)!, e.at(-1)!];
        // Energy grows between cycles, by no more than the QS1 can give in that time.
        expect(b.kWh).toBeGreaterThan(a.kWh);
        expect(b.kWh - a.kWh).toBeLessThanOrEqual((QS1_MAX_W * (b.at - a.at)) / 3_600_000 / 1000);
      }
      expect(run.demo.stdout() + run.demo.stderr()).toMatch(
        /export limiting is configured, but the vendor ECU applies a command only at its next round \(about 5 minutes\): far too slow to follow the grid meter, so the limiter is not started/,
      );
      // The demo's ECU is an ECU-R-Pro serving its command pages: the controls exist, unverified, and a
      // command is sent through the page (the ECU applies it at its next round).
      const controls = lastJson(run.seen, "localecu/West/controls")!;
      expect(controls.max_power).toMatchObject({ control_status: "unverified" });
      expect((controls.source as { not_provided_by_source: string[] }).not_provided_by_source).toContain(
        "dc_voltage",
      );
      const w = await watch(run.url, ["localecu/West/set/result"]);
      try {
        await w.client.publishAsync("localecu/West/set", JSON.stringify({ max_power: 250 }));
        const result = await waitFor("the command's result", () => w.seen[0]);
        expect(result.payload).toContain(
          "max power 250 W per input: sent, unverified; the ECU applies it at its next round (about 5 minutes)",
        );
      } finally {
        await w.client.endAsync(true);
      }
      run.demo.child.kill("SIGINT");
      expect(await run.demo.exited).toEqual({ code: 0, signal: null });
    } finally {
      await run.close();
    }
  });
});
