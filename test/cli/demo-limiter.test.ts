/**
 * The demo's household and grid meter, driven at speed in-process (startDemo, embedded broker on port 0,
 * data in a temp folder). The meter is checked against physics: the simulated inverters' true output from
 * the power log and the household's load, never against the limiter's own numbers.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startDemo } from "../../src/cli/demo.ts";
import { Household } from "../../src/sim/household.ts";
import { waitFor, watch } from "../helpers/process.ts";

const scratch = mkdtempSync(join(tmpdir(), "localecu-demo-limiter-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface PowerLine {
  t_ms: number;
  ac_power_w: number;
  available_ac_w: number;
}

function readPowerLog(file: string): Map<number, PowerLine> {
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as PowerLine);
  return new Map(lines.map((l) => [l.t_ms, l]));
}

describe("the demo's grid meter", () => {
  it("publishes load − Σ true inverter output every 5 simulated seconds on localecu/demo/grid_meter", async () => {
    const dir = join(scratch, "meter");
    const powerLog = join(scratch, "meter-power.jsonl");
    const seed = 3;
    const demo = await startDemo(
      {
        // 07:00 in Amsterdam summer time (UTC+2): the sun is up, the house is having breakfast.
        start: "2026-06-21T07:00:00+02:00",
        speed: "600",
        mqttPort: "0",
        data: join(dir, "data"),
        seed: String(seed),
        powerLog,
      },
      { LOCALECU_LOG_LEVEL: "warn" },
    );
    const meter = await watch(demo.mqttUrl, [demo.meterTopic]);
    try {
      expect(demo.meterTopic).toBe("localecu/demo/grid_meter");
      await waitFor("30 meter readings", () => meter.seen.length >= 30, 30_000);
    } finally {
      await meter.client.endAsync();
      await demo.stop();
    }
    const log = readPowerLog(powerLog);
    // The house as the demo builds it: its seed, and Amsterdam's summer-time offset of 120 min.
    const house = new Household({ seed, utcOffsetMin: 120 });
    const readings = meter.seen.map((m) => {
      expect(m.retain).toBe(false);
      return JSON.parse(m.payload) as { power: number; time: string };
    });
    for (const r of readings) {
      const t = Date.parse(r.time);
      expect(t % 5000).toBe(0);
      const line = log.get(t);
      expect(line, `power log line at ${r.time}`).toBeDefined();
      expect(Number.isInteger(r.power)).toBe(true);
      expect(Math.abs(r.power - (house.load(t) - line!.ac_power_w))).toBeLessThanOrEqual(0.5);
    }
    // Consecutive readings 5 s apart: none skipped.
    for (let i = 1; i < readings.length; i++) {
      expect(Date.parse(readings[i]!.time) - Date.parse(readings[i - 1]!.time)).toBe(5000);
    }
    // Morning sun on 16 × 400 Wp: the inverters produce, so the meter is not just the load.
    expect(readings.some((r) => log.get(Date.parse(r.time))!.ac_power_w > 100)).toBe(true);
  }, 60_000);
});
