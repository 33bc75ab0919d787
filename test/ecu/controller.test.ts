/**
 * The controller with the vendor ECU as its source: real ECU answers (ecu-lan-protocol.md §5, P9: ECU-B
 * 216300007004 with one DS3, 2024-09-13 12:59:32) go through the ECU source into the same accounting,
 * entities and MQTT state a stick's readings do — on a real broker, with HA discovery.
 */
import { rmSync } from "node:fs";
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningController, runController } from "../../src/controller/run.ts";
import type { EcuReader, EcuSink } from "../../src/ecu/source.ts";
import { createLogger } from "../../src/log.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { decodeEcuAnswer } from "../../src/protocol/ecu/decode.ts";
import type { EcuRealtime } from "../../src/protocol/ecu/types.ts";
import { parseConfig } from "../../src/site/config/index.ts";
import { brokerKinds } from "../helpers/brokers.ts";
import { waitFor } from "../helpers/wait.ts";
import { ecuCaptures as C } from "../protocol/ecu/captures.ts";

const DS3 = "702000999999"; // the serial as the poster masked it in P9

/** P9 as captured, and the same answer five minutes later (only the cycle time changed: 12:59:32 → 13:04:32). */
function answers(): EcuRealtime[] {
  const first = decodeEcuAnswer(fromHex(C.p9Realtime)) as EcuRealtime;
  const later = decodeEcuAnswer(
    fromHex(C.p9Realtime.replace("20240913125932", "20240913130432")),
  ) as EcuRealtime;
  return [first, later];
}

/** Hands the controller what an ECU answered, when the test says so. */
class FedReader implements EcuReader {
  sink: EcuSink | undefined;
  start(sink: EcuSink): void {
    this.sink = sink;
  }
  async stop(): Promise<void> {
    this.sink = undefined;
  }
}

describe.each(brokerKinds())("controller with the vendor ECU as the source, on $name", (kind) => {
  let running: RunningController | undefined;
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    for (const c of cleanup.reverse()) await c();
    cleanup = [];
  });

  it("publishes the ECU's readings as the inverter's state and adds up its energy from the cycles' power", async () => {
    const broker = await kind.start();
    cleanup.push(() => broker.stop());
    const config = parseConfig(
      [
        "ecu:",
        "  host: 192.0.2.40",
        "mqtt:",
        `  url: ${broker.url}`,
        "site:",
        "  name: ECU site",
        "  timezone: Europe/Berlin",
        "inverters:",
        `  - serial: "${DS3}"`,
        "    name: Garage",
        "    model: DS3",
        "web:",
        "  port: false",
      ].join("\n"),
      "site.yaml",
    );
    const dataDir = (await import("node:fs")).mkdtempSync(
      `${(await import("node:os")).tmpdir()}/localecu-ecu-`,
    );
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    config.site.dataDir = dataDir;
    const reader = new FedReader();
    const start = Date.parse("2024-09-13T11:00:00Z");
    let now = start;
    running = await runController({
      config,
      logger: createLogger({ level: process.env.LOCALECU_TEST_LOG ?? "silent", pretty: true }),
      clock: {
        now: () => now,
        setTimeout: (fn, ms) => setTimeout(fn, ms),
        clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      },
      ecuReader: reader,
      // A fed reader with no ECU behind it: nothing to probe, so no command page either.
      ecuProbe: false,
    });
    const client = await mqtt.connectAsync(broker.url);
    cleanup.push(() => client.endAsync());
    const seen = new Map<string, Record<string, unknown>>();
    client.on("message", (topic, payload) => {
      try {
        seen.set(topic, JSON.parse(payload.toString()) as Record<string, unknown>);
      } catch {
        // availability strings and the like
      }
    });
    await client.subscribeAsync(["localecu/#", "homeassistant/#"]);
    await waitFor("the ECU source started", () => reader.sink);
    // Before any reading: the retained state says the inverter is not read yet.
    await waitFor("Garage's first state", () => seen.get("localecu/Garage")?.status === "starting");

    const [first, later] = answers();
    reader.sink!.link(true, "answering");
    reader.sink!.realtime(first!, now);
    now += 302_000;
    reader.sink!.realtime(later!, now);

    // P9 by hand: 49.9 Hz (0x01F3 / 10), 51 °C (0x97 − 100), 240 V, inputs 211 W (0x00D3) and 214 W (0x00D6).
    // Five minutes at 211 + 214 W: 425 W × 300 s / 3600 = 35.42 Wh = 0.0354 kWh today.
    const state = await waitFor("Garage's state after the second cycle", () => {
      const s = seen.get("localecu/Garage");
      return s && Number(s.energy_today) > 0 ? s : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}; last state: ${JSON.stringify(seen.get("localecu/Garage"))}`);
    });
    expect(state).toMatchObject({
      status: "producing",
      ac_frequency: 49.9,
      temperature: 51,
      ac_voltage: 240,
    });
    expect(Number(state.power)).toBe(425);
    expect(Number(state.dc_power_ch1)).toBe(211);
    expect(Number(state.dc_power_ch2)).toBe(214);
    expect(Number(state.energy_today)).toBeCloseTo(0.0354, 3);
    // Port 8899 has no DC voltage or current: unknown, never a made-up 0.
    expect(state.dc_voltage_ch1 ?? null).toBeNull();
    expect(state.dc_current_ch2 ?? null).toBeNull();
    // Discovery names the same device a stick's reading would.
    const device = await waitFor("the DS3's device discovery", () =>
      [...seen.entries()].find(
        ([t, p]) => t.startsWith("homeassistant/device/") && JSON.stringify(p.dev).includes(DS3),
      ),
    );
    expect(Object.keys(device[1].cmps as object).some((k) => k.includes("dc_power"))).toBe(true);

    // A command cannot go through port 8899: a clear refusal, nothing half-done.
    await client.publishAsync("localecu/Garage/set", JSON.stringify({ max_power: 300 }));
    const refusal = await waitFor("the refusal", () => {
      const r = seen.get("localecu/Garage/result") ?? seen.get("localecu/Garage/set/result");
      return r;
    });
    expect(JSON.stringify(refusal)).toContain("port 8899 only reads");
  }, 60_000);
});
