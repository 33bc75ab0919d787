/**
 * `localecu start --config site.yaml` as a user runs it: a child process on a real broker (aedes, and
 * mosquitto where installed — always in CI), a copy of examples/site.yaml pointing at `localecu emulate`
 * in another child. What arrives on MQTT is checked against the emulator's --truth in physical units.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { brokerKinds, type TestBroker } from "../helpers/brokers.ts";
import { checkDeviceDiscovery, expandDeviceDiscovery } from "../helpers/ha-discovery-schema.ts";
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

const SERIAL = "801000012345"; // "South top left" in examples/site.yaml
const NAME = "South top left";

/**
 * Allowed difference between the state and the truth: half a step of the QS1 reply's resolution (DESIGN
 * §2: DC V = raw·82.5/4096, I = raw·27.5/4096, AC V = raw/1.3277/4, T = raw·0.2752 − 258.7) plus half the
 * published rounding (0.1 V, 0.001 A, 0.1 V, 0.1 °C, 0.001 Hz).
 */
const TOL = {
  dcV: 82.5 / 4096 / 2 + 0.05,
  dcA: 27.5 / 4096 / 2 + 0.0005,
  acV: 1 / 1.3277 / 4 / 2 + 0.05,
  tempC: 0.2752 / 2 + 0.05,
  hz: 0.001,
};

interface TruthLine {
  temperature_c: number;
  frequency_hz: number;
  ac_voltage_v: number;
  channels: { channel: number; voltage_v: number; current_a: number }[];
}

function matches(s: Record<string, unknown>, t: TruthLine): boolean {
  const near = (key: string, v: number, tol: number) => Math.abs(Number(s[key]) - v) <= tol;
  return (
    t.channels.length === 4 &&
    t.channels.every(
      (c) =>
        near(`dc_voltage_ch${c.channel}`, c.voltage_v, TOL.dcV) &&
        near(`dc_current_ch${c.channel}`, c.current_a, TOL.dcA),
    ) &&
    near("ac_voltage", t.ac_voltage_v, TOL.acV) &&
    near("temperature", t.temperature_c, TOL.tempC) &&
    near("ac_frequency", t.frequency_hz, TOL.hz)
  );
}

describe.each(brokerKinds())("localecu start (child process) on $name", (kind) => {
  let broker: TestBroker;
  let emulator: CliProcess;
  let start: CliProcess;
  let site: { file: string; dir: string };
  let truthFile: string;
  let truthDir: string;
  let seen: Message[];
  let stopWatching: () => Promise<void>;

  const truth = (): TruthLine[] =>
    readFileSync(truthFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as TruthLine);

  beforeAll(async () => {
    broker = await kind.start();
    const w = await watch(broker.url, ["localecu/#", "homeassistant/#"]);
    seen = w.seen;
    stopWatching = () => w.client.endAsync(true);
    truthDir = mkdtempSync(join(tmpdir(), "localecu-truth-"));
    truthFile = join(truthDir, "truth.jsonl");
    // Real time (×1) at a June noon: the controller's clock and the inverter's uptime agree.
    emulator = spawnCli([
      "emulate",
      "--listen",
      "tcp://127.0.0.1:0",
      "--inverters",
      SERIAL,
      "--start",
      "2026-06-21T12:00:00+02:00",
      "--truth",
      truthFile,
      "--seed",
      "3",
    ]);
    const [stickUrl] = await emulator.waitForOutput(/tcp:\/\/127\.0\.0\.1:\d+/);
    site = writeSiteFile({ stick: stickUrl, mqttUrl: broker.url, serials: [SERIAL], pollS: 10 });
    start = spawnCli(["start", "--config", site.file, "--log-format", "json"]);
  });

  afterAll(async () => {
    killAll();
    await stopWatching?.();
    await broker?.stop();
    if (site) rmSync(site.dir, { recursive: true, force: true });
    rmSync(truthDir, { recursive: true, force: true });
  });

  it("says the bridge is online and publishes Home Assistant discovery that passes HA's schema", async () => {
    await waitFor("bridge online", () => lastJson(seen, "localecu/bridge/state")?.state === "online");
    const topic = `homeassistant/device/localecu_${SERIAL}/config`;
    const config = await waitFor("the inverter's discovery", () =>
      seen.find((m) => m.topic === topic && m.payload),
    );
    // Retained: Home Assistant restarting later still gets it from the broker.
    const late = await watch(broker.url, [topic]);
    await waitFor("retained discovery", () =>
      late.seen.find((m) => m.retain && m.payload === config.payload),
    );
    await late.client.endAsync(true);
    expect(checkDeviceDiscovery(topic, config.payload)).toEqual([]);
    const energy = Object.values(expandDeviceDiscovery(JSON.parse(config.payload)).components).find((c) =>
      String(c.unique_id).endsWith("_energy"),
    );
    expect(energy).toMatchObject({
      device_class: "energy",
      state_class: "total_increasing",
      unit_of_measurement: "kWh",
    });
  });

  it("publishes the inverter's state with the emulator's true values in volts, amps, °C and Hz", async () => {
    // Polls keep coming; wait until the latest state and the latest truth describe the same reply.
    await waitFor(
      "state equal to the emulator's truth",
      () => {
        const s = lastJson(seen, `localecu/${NAME}`);
        const t = truth().at(-1);
        return s !== undefined && t !== undefined && s.status === "producing" && matches(s, t);
      },
      45_000,
    );
    expect(lastJson(seen, `localecu/${NAME}/availability`)).toEqual({ state: "online" });
    expect(Number(lastJson(seen, `localecu/${NAME}`)?.power)).toBeGreaterThan(0);
  }, 60_000); // above the 45 s wait, so a mismatch ends with its own message, not vitest's timeout

  it("exits 0 on SIGTERM and leaves the bridge offline (retained)", async () => {
    start.child.kill("SIGTERM");
    expect(await start.exited).toEqual({ code: 0, signal: null });
    const late = await watch(broker.url, ["localecu/bridge/state"]);
    const retained = await waitFor("retained bridge state", () => late.seen.find((m) => m.retain));
    await late.client.endAsync(true);
    expect(JSON.parse(retained.payload)).toEqual({ state: "offline" });
    expect(start.stderr()).toBe("");
  });
});
