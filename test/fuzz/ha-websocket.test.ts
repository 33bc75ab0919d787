/**
 * Fuzzing the Home Assistant link: the HA protocol server turns into a broken HA and sends frames a real
 * one never would — not JSON, JSON that is no message, wrong ids, unknown types, huge frames, and entity
 * events whose new state for the grid meter is garbage. The link (home-assistant-js-websocket underneath)
 * must keep running or reconnect, say what it dropped in a log line, and the grid meter built on it must
 * never give a sample the server did not really set: the limiter never acts on garbage.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { HaMeter, type MeterEvent } from "../../src/automations/export-limit/meter.ts";
import { resolveHaCredentials } from "../../src/ha/credentials.ts";
import { HaLink } from "../../src/ha/link.ts";
import { makeSecretRef } from "../../src/site/config/secret.ts";
import { HaTestServer } from "../helpers/ha-server.ts";
import { captureLogger } from "../helpers/log-capture.ts";
import { waitFor } from "../helpers/wait.ts";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.fuzz-token.sig";
const METER = "sensor.grid_power";
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Frame =
  | { kind: "raw"; text: string; family: string }
  | { kind: "event"; event: unknown; family: string }
  /** A result for the live subscription's id, after HA already answered it. */
  | { kind: "second-result"; success: boolean; family: string };

/** What a broken HA sends: whole frames, and entity events with garbage for the meter. */
const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  fc.boolean().map((success) => ({ kind: "second-result" as const, success, family: "second result" })),
  fc
    .oneof(
      fc.constantFrom("not json", "{", "}", "", "null", "[null]", "[1,2]", "42", '"text"', "[[]]", "true"),
      fc.string({ maxLength: 40 }),
    )
    .map((text) => ({ kind: "raw" as const, text, family: "not a message" })),
  fc
    .constantFrom(
      { id: 99_999, type: "event", event: { a: {} } },
      { id: "1", type: "event", event: {} },
      { id: null, type: "result", success: true, result: null },
      { id: 424_242, type: "result", success: false, error: { code: "x", message: "y" } },
      { id: 77, type: "pong" },
      { type: "auth_required", ha_version: "2099.1.0" },
      { type: "auth_ok" },
      { id: 5, type: "state_changed", data: { entity_id: METER, new_state: { state: "9999" } } },
      { type: ["event"] },
      {},
    )
    .map((m) => ({ kind: "raw" as const, text: JSON.stringify(m), family: "wrong id or unknown type" })),
  fc.integer({ min: 100_000, max: 2_000_000 }).map((n) => ({
    kind: "raw" as const,
    text: `{"id":99998,"type":"event","event":"${"x".repeat(n)}"}`,
    family: "huge",
  })),
  fc
    .constantFrom<unknown>(
      null,
      [],
      "a",
      42,
      { a: "x" },
      { a: [] },
      { a: { [METER]: null } },
      { a: { [METER]: "5" } },
      { a: { [METER]: { s: [5], a: { unit_of_measurement: "W" } } } },
      { a: { [METER]: { s: 5, a: { unit_of_measurement: "W" } } } },
      { a: { [METER]: { s: { v: 5 }, a: { unit_of_measurement: "W" } } } },
      { a: { [METER]: { s: "5", a: "W" } } },
      { a: { [METER]: { s: "5", a: [5] } } },
      { c: { [METER]: null } },
      { c: { [METER]: { "+": "5" } } },
      { c: { [METER]: { "+": { s: [7] } } } },
      { c: { [METER]: { "+": { s: null } } } },
      { c: { [METER]: { "+": { a: null } } } },
      { c: { [METER]: { "-": { a: 5 } } } },
      { c: { [METER]: { "-": { a: [null, {}] } } } },
      { c: { [METER]: { "+": { s: "NaN" } } } },
      { c: { [METER]: { "+": { s: "1.2 kW" } } } },
      { c: { [METER]: { "+": { s: "1e300" } } } },
      { c: { [METER]: { "+": { s: "-0x10" } } } },
      { c: { [METER]: { "+": { a: { unit_of_measurement: "MW" } } } } },
      { c: { [METER]: { "+": { a: { unit_of_measurement: "kWh" } } } } },
      { r: METER },
      { r: [null, 5] },
    )
    .map((event) => ({ kind: "event" as const, event, family: "garbage entity event" })),
  fc
    .jsonValue({ maxDepth: 3 })
    .map((event) => ({ kind: "event" as const, event: { c: { [METER]: event } }, family: "random change" })),
);

describe("fuzz: Home Assistant websocket frames", () => {
  it("garbage frames: the link keeps running or reconnects, logs what it dropped, the meter never reads garbage", async () => {
    const server = await HaTestServer.start({ token: TOKEN });
    cleanups.push(() => server.close());
    const log = captureLogger("debug");
    const link = new HaLink({
      credentials: () =>
        resolveHaCredentials(
          { url: server.httpUrl, token: makeSecretRef(undefined, "HA_TEST_TOKEN") },
          { HA_TEST_TOKEN: TOKEN },
        )!,
      logger: log.logger,
      backoff: { initialMs: 20, maxMs: 200 },
      random: () => 0.5,
    });
    cleanups.push(() => link.stop());
    const clock = { now: () => Date.now(), setTimeout, clearTimeout } as never;
    const meter = new HaMeter(link, { entity: METER }, clock);
    const samples: number[] = [];
    const problems: string[] = [];
    meter.start((e: MeterEvent) => {
      if (e.kind === "sample") samples.push(e.gridW);
      else if (e.kind === "problem") problems.push(e.message);
    });
    cleanups.push(() => meter.stop());
    // The one truth: the values the server really sets, each new (W, import positive).
    const truths: number[] = [];
    let k = 100;
    const setTruth = async () => {
      k += 1;
      truths.push(k);
      // A removal and a fresh add resend the whole state (unit included), whatever garbage came before.
      server.removeEntity(METER);
      server.setState(METER, String(k), { unit_of_measurement: "W", device_class: "power" });
      await waitFor(`the meter reading ${k} W again`, () => samples.at(-1) === k || undefined, 15_000);
    };
    server.setState(METER, "100", { unit_of_measurement: "W" });
    truths.push(100);
    link.start();
    await waitFor("the first sample", () => samples.at(-1) === 100 || undefined);

    await fc.assert(
      fc.asyncProperty(fc.array(frameArb, { minLength: 1, maxLength: 4 }), async (frames) => {
        for (const f of frames) {
          if (f.kind === "raw") server.sendRaw(f.text);
          else if (f.kind === "event") server.sendEntityEvent(f.event);
          else
            for (const id of server.entitySubscriptionIds)
              server.sendRaw(
                JSON.stringify(
                  f.success
                    ? { id, type: "result", success: true, result: null }
                    : { id, type: "result", success: false, error: { code: "unknown_error", message: "?" } },
                ),
              );
        }
        // Whatever that did (dropped and resynced, or ignored), a real change still arrives.
        await setTruth();
        // No sample that the server did not set: not 5 from [5], not 9999 from a fake state_changed.
        for (const w of samples) expect(truths, `samples ${samples.join(", ")}`).toContain(w);
      }),
      { numRuns: 80 },
    );
    // What was dropped was said: a broken frame or entity entry, in the link's log, with the fix-free truth
    // of it (Home Assistant sent something we cannot read) — and the token never appears.
    const text = log.text();
    expect(text).not.toContain(TOKEN);
    expect(log.records.some((r) => /^Home Assistant sent /.test(String(r.msg)))).toBe(true);
  }, 120_000);
});
