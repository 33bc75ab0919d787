/**
 * Fuzzing the grid meter: whatever a meter (or something squatting on its topic, or a broken HA entity)
 * sends, the parse gives a W value only for a plain number within any grid connection, otherwise a reason
 * that names the source and what to check; and the limiter core, fed as the module feeds it, never acts on
 * what was refused — garbage neither causes writes nor keeps a silent meter looking fresh.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type MeterValue,
  type MqttMeterFormat,
  parseHaMeter,
  parseMqttMeter,
} from "../../src/automations/export-limit/meter-payload.ts";
import type { LimiterDecision, LimiterInput } from "../../src/automations/export-limit/types.ts";
import { simSiteFromConfig } from "../../src/sim/from-config.ts";
import { loadConfig } from "../../src/site/config/index.ts";
import { fourBy400, settings, started, T0 } from "../automations/export-limit/helpers.ts";
import { SmlMeter, startRig } from "../automations/export-limit/rig.ts";
import { brokerKinds } from "../helpers/brokers.ts";
import { captureLogger } from "../helpers/log-capture.ts";
import { waitFor } from "../helpers/wait.ts";

const TOPIC = "tele/meter/SENSOR";
/** A plain decimal number as text: the only thing a bare-number meter topic may carry. */
const PLAIN = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** What squats on a meter topic: text, JSON of every shape, numbers in odd spellings. */
const payloadArb = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    "-0",
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "1e300",
    "-1e300",
    "0x10",
    "1_000",
    "1,5",
    "1.2 kW",
    "12 W",
    "null",
    "true",
    "[5]",
    '"12"',
    '{"power":[5]}',
    '{"power":{"value":5}}',
    '{"power":"1.2 kW"}',
    '{"power":null}',
    '{"power":"NaN"}',
    '{"power":1e999}',
    '{"power":-1e300}',
    '{"SML":{"Power":"—"}}',
    "",
    " ",
  ),
  fc
    .record({ k: fc.constantFrom("power", "SML", "ENERGY", "constructor", "__proto__"), v: fc.jsonValue() })
    .map(({ k, v }) => JSON.stringify({ [k]: v })),
);

const formatArb: fc.Arbitrary<MqttMeterFormat> = fc.record(
  {
    topic: fc.constant(TOPIC),
    valueKey: fc.constantFrom("power", "SML.Power", "ENERGY.Power", "constructor", "a.toString"),
    invert: fc.boolean(),
    unit: fc.constantFrom("W" as const, "kW" as const),
  },
  { requiredKeys: ["topic"] },
);

function expectClearRefusal(v: MeterValue, source: string): void {
  if (v.ok) return;
  expect(v.why.startsWith(`${source}`), v.why).toBe(true);
  // What is wrong — how to fix it.
  expect(v.why, v.why).toMatch(/ — \S/);
  expect(v.why).not.toMatch(/\[object Object\]|\bundefined\b|native code|function /);
}

describe("fuzz: grid meter values", () => {
  it("every MQTT payload in every format: a finite W within 10 MW, or a refusal naming topic and fix", () => {
    fc.assert(
      fc.property(payloadArb, formatArb, (payload, f) => {
        const v = parseMqttMeter(payload, f);
        if (v.ok) {
          expect(Number.isFinite(v.gridW)).toBe(true);
          expect(Math.abs(v.gridW)).toBeLessThanOrEqual(10_000_000);
          // Without value_key, only a plain number is a reading.
          if (f.valueKey === undefined) expect(payload).toMatch(PLAIN);
        } else expectClearRefusal(v, TOPIC);
      }),
      { numRuns: 2000 },
    );
  });

  it("every Home Assistant state and attributes: a W value only for a plain number in W or kW", () => {
    const attrs = fc.oneof(
      fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
      fc.record({
        unit_of_measurement: fc.oneof(
          fc.constantFrom("W", "kW", "kWh", "kw", "MW", "A", "constructor", "toString", ""),
          fc.jsonValue({ maxDepth: 1 }),
        ),
      }),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 30 }), payloadArb),
        attrs,
        fc.boolean(),
        (state, a, inv) => {
          const v = parseHaMeter({ entityId: "sensor.grid_power", state, attributes: a }, inv);
          if (v === undefined) {
            expect(["unavailable", "unknown", ""]).toContain(state);
            return;
          }
          if (v.ok) {
            expect(state).toMatch(PLAIN);
            expect(["W", "kW"]).toContain(a.unit_of_measurement);
            expect(Math.abs(v.gridW)).toBeLessThanOrEqual(10_000_000);
          } else expectClearRefusal(v, "sensor.grid_power");
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each<[string, string, Partial<MqttMeterFormat>, MeterValue["ok"], number | string]>([
    // -0 is zero: no import, no export (Object.is(-0 × 1, -0), and the core treats it as 0 W).
    ["negative zero", "-0", {}, true, 0],
    ["a number sent as a JSON string", '{"power":"12"}', { valueKey: "power" }, true, 12],
    ["a quoted number on a bare topic", '"12"', {}, false, "not-a-number"],
    ["a value with its unit written in", '{"power":"1.2 kW"}', { valueKey: "power" }, false, "not-a-number"],
    // 1.2 kW × 1000 = 1200 W import.
    ["kW set for a meter in kW", "1.2", { unit: "kW" }, true, 1200],
    ["NaN", "NaN", {}, false, "not-a-number"],
    ["null in the key", '{"power":null}', { valueKey: "power" }, false, "not-a-number"],
    ["an object in the key", '{"power":{"w":5}}', { valueKey: "power" }, false, "not-a-number"],
    ["a huge number", "1e300", {}, false, "implausible"],
    ["a number too big for a double", "1e999", {}, false, "not-a-number"],
  ])("%s → as written out", (_name, payload, f, ok, expected) => {
    const v = parseMqttMeter(payload, { topic: TOPIC, ...f });
    expect(v.ok).toBe(ok);
    if (v.ok) expect(v.gridW === 0 ? 0 : v.gridW).toBe(expected);
    else expect(v.kind).toBe(expected);
  });

  it("Home Assistant: 1.2 with unit kW is 1200 W; '1.2 kW' as the state is refused", () => {
    const s = (state: string, unit: string) => ({
      entityId: "sensor.grid_power",
      state,
      attributes: { unit_of_measurement: unit },
    });
    expect(parseHaMeter(s("1.2", "kW"))).toEqual({ ok: true, gridW: 1200 });
    expect(parseHaMeter(s("1.2 kW", "W"))).toMatchObject({ ok: false, kind: "not-a-number" });
    expect(parseHaMeter(s("-0", "W"))).toMatchObject({ ok: true });
  });

  it("garbage between real samples changes nothing the core decides (no write, no freshness)", () => {
    // A core cutting four 400 W inverters; real samples every 2 s, garbage squeezed in between.
    const sampleArb = fc.record({
      dtS: fc.integer({ min: 1, max: 4 }),
      gridW: fc.integer({ min: -1500, max: 800 }),
      garbage: fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), payloadArb, formatArb), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(sampleArb, { minLength: 1, maxLength: 40 }), (samples) => {
        const withGarbage = started(fourBy400(), [400, 400, 400, 400], [380, 380, 380, 380]);
        const clean = started(fourBy400(), [400, 400, 400, 400], [380, 380, 380, 380]);
        const a: LimiterDecision[] = [];
        const b: LimiterDecision[] = [];
        let t = T0;
        for (const s of samples) {
          for (const [dtMs, payload, f] of s.garbage) {
            // As the module feeds the core (meter.ts, module.ts): a refusal is logged, never an input.
            const v = parseMqttMeter(payload, f);
            if (v.ok) continue; // a plain reading that happens to be valid: not garbage
            a.push(withGarbage.update({ kind: "tick", atMs: t + dtMs, daylight: true }));
            b.push(clean.update({ kind: "tick", atMs: t + dtMs, daylight: true }));
          }
          t += s.dtS * 1000;
          const input: LimiterInput = { kind: "meter", atMs: t, gridW: s.gridW };
          a.push(withGarbage.update(input));
          b.push(clean.update(input));
        }
        expect(a).toEqual(b);
      }),
      { numRuns: 200 },
    );
  });

  it("a meter sending only garbage: the core waits, then holds at the timeout, and writes nothing", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(payloadArb, formatArb), { minLength: 30, maxLength: 60 }), (junk) => {
        const core = started(fourBy400(), [400, 400, 400, 400], [380, 380, 380, 380], { fallback: "hold" });
        let last: LimiterDecision | undefined;
        let t = T0;
        for (const [payload, f] of junk) {
          t += 2000;
          const v = parseMqttMeter(payload, f);
          if (v.ok) continue; // a plain reading that happens to be valid: the other properties cover it
          last = core.update({ kind: "tick", atMs: t, daylight: true });
          expect(last.writes).toEqual([]);
        }
        // 60 s meter timeout (helpers' settings); 30 × 2 s = 60 s of junk at least, when all were refused.
        if (last && t - T0 >= 60_000) {
          expect(last.state).toBe("fallback");
          expect(last.reason).toMatch(/^no grid meter value for \d+ s: holding the present limits/);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a huge value fed straight to the core would act on it: the parse is what stands between", () => {
    // Why the 10 MW bound matters: −1e300 W (an export beyond any roof) cuts every inverter at once.
    const core = started(fourBy400(), [400, 400, 400, 400], [380, 380, 380, 380]);
    const d = core.update({ kind: "meter", atMs: T0 + 2000, gridW: -1e300 });
    expect(d.writes.length).toBeGreaterThan(0);
    expect(parseMqttMeter("-1e300", { topic: TOPIC })).toMatchObject({ ok: false, kind: "implausible" });
    expect(settings().meterTimeoutS).toBe(60);
  });
});

describe("fuzz: garbage on the meter topic of the real controller (limiter module, stick emulator, broker)", () => {
  // The first broker kind only (aedes): the payload paths are the broker's business in the command fuzz.
  const kind = brokerKinds()[0]!;

  it("refuses every garbage payload with a logged reason, sends nothing to the radio, then acts on a real one", async () => {
    const broker = await kind.start();
    const dataDir = mkdtempSync(join(tmpdir(), "localecu-fuzz-meter-"));
    const log = captureLogger("info");
    let meter: SmlMeter | undefined;
    let rig: Awaited<ReturnType<typeof startRig>> | undefined;
    try {
      const config = await loadConfig(new URL("../../examples/site.yaml", import.meta.url).pathname);
      config.site.dataDir = dataDir;
      Object.assign(config.mqtt, {
        url: broker.url,
        username: undefined,
        password: undefined,
        tls: undefined,
      });
      config.automations.exportLimit = {
        targetW: 0,
        meter: { topic: TOPIC, valueKey: "SML.Power", invert: true, unit: "kW" },
        meterTimeoutS: 15,
        fallback: "hold",
        maxWritesPerHour: 60,
      };
      // Midsummer noon, clear sky: 16 × 400 Wp export far more than the 1000 W house uses.
      const site = simSiteFromConfig(config, { seed: 11, clearSky: true });
      meter = await SmlMeter.connect(broker.url, TOPIC);
      // Garbage a broken reader sends, in the Tasmota SML shape and beside it; a fixed seed, so a failure
      // names the same payloads again.
      const junk = [
        '{"SML":{"Power":"NaN"}}',
        '{"SML":{"Power":[0.5]}}',
        '{"SML":{"Power":1e300}}',
        '{"SML":{"Power":null}}',
        '{"SML":{"Power":"1.2 kW"}}',
        '{"SML":{}}',
        "-0",
        "",
        ...fc.sample(payloadArb, { seed: 14, numRuns: 30 }),
      ].filter(
        (p) => !parseMqttMeter(p, { topic: TOPIC, valueKey: "SML.Power", invert: true, unit: "kW" }).ok,
      );
      let real = false;
      let n = 0;
      rig = await startRig({
        config,
        site,
        startMs: Date.parse("2026-06-21T12:00:00+02:00"),
        speed: 10,
        logger: log.logger,
        onSample: (s) => {
          if (s.tMs % 2000 !== 0) return;
          if (real) meter!.send(1000 - s.acPowerW, s.tMs);
          else meter!.raw(junk[n++ % junk.length]!);
        },
      });
      const r = rig;
      for (const inv of config.inverters)
        await waitFor(
          `${inv.serial} paired`,
          () => r.running.controller.tracker.get(inv.serial)?.shortAddress,
        );
      // Subscribed long before pairing ends: from here on every payload reaches the controller.
      n = 0;
      // Every payload has gone out at least once and the 15 s timeout has passed: the limiter holds.
      await waitFor("every junk payload sent, and the fallback", () => {
        const st = r.states.at(-1)?.s;
        return n > junk.length && st?.state === "fallback" ? st : undefined;
      });
      expect(r.states.at(-1)!.s.reason).toMatch(/^no grid meter value for \d+ s: holding the present limits/);
      expect(r.frames.filter((f) => f.kind === "set")).toEqual([]);
      const said = log.records
        .map((x) => String(x.msg))
        .filter((m) => m.startsWith(`export limiter: grid meter ${TOPIC}: `));
      // One line per kind of problem (not every payload): NaN and [0.5] are "not a number", 1e300 kW is
      // beyond any grid connection, "" is empty, {"SML":{}} and -0 (JSON, but no object) lack the key.
      expect(
        said.some((m) => /"SML\.Power" is .*, not a number — point value_key at the power/.test(m)),
      ).toBe(true);
      expect(said.some((m) => /more than any grid connection carries \(over 10 MW\), ignored/.test(m))).toBe(
        true,
      );
      expect(said.some((m) => /empty payload — the meter should publish its power/.test(m))).toBe(true);
      expect(said.some((m) => /no "SML\.Power" in the payload/.test(m))).toBe(true);
      expect(new Set(said).size).toBe(said.length);
      // The same controller, still running, acts on the first real readings: it cuts the export.
      real = true;
      await waitFor(
        "a limit written after real readings",
        () => r.frames.some((f) => f.kind === "set"),
        60_000,
      );
      expect(r.states.some((x) => x.s.state === "limiting")).toBe(true);
    } finally {
      await rig?.stop();
      await meter?.close();
      await broker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
