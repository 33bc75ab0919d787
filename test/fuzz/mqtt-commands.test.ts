/**
 * Fuzzing MQTT commands against the real controller (runController with its limiter and schedule) on real
 * brokers, the stick emulator in-process: garbage on every `/set` topic — per inverter (JSON and bare
 * value), the site's limiter controls, the schedule's override, unknown inverter names and unknown keys.
 * Each gets its refusal on `<topic>/result` (what is wrong — how to fix it), nothing reaches the radio
 * (every AF_DATA_REQUEST the emulated stick receives is recorded: no limit write, no on/off), and the same
 * controller still runs a valid command afterwards, which the emulated inverter then stores.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import mqtt from "mqtt";
import { describe, expect, it } from "vitest";
import { topicName } from "../../src/entities/topics.ts";
import { simSiteFromConfig } from "../../src/sim/from-config.ts";
import { loadConfig } from "../../src/site/config/index.ts";
import { startRig } from "../automations/export-limit/rig.ts";
import { brokerKinds } from "../helpers/brokers.ts";
import { captureLogger } from "../helpers/log-capture.ts";
import { waitFor } from "../helpers/wait.ts";
import { commandGarbage, type Garbage } from "./mqtt-commands-arbitraries.ts";

const RUNS = 60;

describe.each(brokerKinds())("fuzz: MQTT commands to the real controller on $name", (kind) => {
  it(`${RUNS} garbage commands are refused on their result topic, nothing goes on air, a valid one still works`, async () => {
    const broker = await kind.start();
    const dataDir = mkdtempSync(join(tmpdir(), "localecu-fuzz-mqtt-"));
    const log = captureLogger("info");
    let rig: Awaited<ReturnType<typeof startRig>> | undefined;
    const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    try {
      const config = await loadConfig(new URL("../../examples/site.yaml", import.meta.url).pathname);
      config.site.dataDir = dataDir;
      Object.assign(config.mqtt, {
        url: broker.url,
        username: undefined,
        password: undefined,
        tls: undefined,
      });
      // A limiter whose meter never speaks (it holds what it has), and a schedule idle at noon.
      config.automations.exportLimit = {
        targetW: 0,
        meter: { topic: "tele/meter/SENSOR" },
        fallback: "hold",
      };
      config.automations.schedule = {
        rules: [{ name: "night", at: "22:00", until: "23:00", action: "off" }],
      };
      config.automations.faults = undefined;
      const site = simSiteFromConfig(config, { seed: 3, clearSky: true });
      rig = await startRig({
        config,
        site,
        startMs: Date.parse("2026-06-21T12:00:00+02:00"),
        speed: 10,
        logger: log.logger,
      });
      const r = rig;
      const shorts = new Map<string, number>();
      for (const inv of config.inverters)
        shorts.set(
          inv.serial,
          await waitFor(
            `${inv.serial} paired`,
            () => r.running.controller.tracker.get(inv.serial)?.shortAddress,
          ),
        );
      const names = config.inverters.map((i) => topicName(i.name ?? i.serial, i.serial));

      const replies = new Map<string, string[]>();
      client.on("message", (t, p) => {
        const list = replies.get(t) ?? [];
        list.push(p.toString());
        replies.set(t, list);
      });
      // One subscription (site's result matches it too): overlapping ones may deliver a reply twice.
      await client.subscribeAsync("localecu/+/set/result", { qos: 1 });

      const onAir = () => r.frames.filter((f) => f.kind === "set" || f.kind === "other").length;
      const before = onAir();
      const seen: Garbage[] = [];
      await fc.assert(
        fc.asyncProperty(commandGarbage(names), async (g) => {
          seen.push(g);
          // Results come on <base>/<name>/set/result whatever the key; count so each reply is this one's.
          const name = g.topic.split("/")[0] ?? "";
          const resultTopic = `localecu/${name}/set/result`;
          const n = replies.get(resultTopic)?.length ?? 0;
          await client.publishAsync(`localecu/${g.topic}`, g.bytes ?? g.payload, { qos: 1 });
          const reply = await waitFor(
            `a reply on ${resultTopic} to ${JSON.stringify(g.payload).slice(0, 80)} (${g.family})`,
            () => replies.get(resultTopic)?.[n],
            10_000,
          );
          const body = JSON.parse(reply) as { ok: boolean; error?: string };
          expect(
            body.ok,
            `${g.family}: ${g.payload.slice(0, 200)} on ${g.topic} was accepted: ${reply}`,
          ).toBe(false);
          // What is wrong — how to fix it, starting with the topic it came on.
          expect(body.error).toMatch(new RegExp(`^localecu/${escapeRe(g.topic)}: `));
          expect(body.error).toMatch(/ — \S|; clear it with/);
          expect(body.error).not.toMatch(/\[object Object\]|\bundefined\b|native code/);
        }),
        { numRuns: RUNS },
      );
      // The run touched the site, the inverters and the bare-value topics.
      expect(seen.some((g) => g.topic.startsWith("site/"))).toBe(true);
      expect(seen.some((g) => g.topic.split("/").length === 3)).toBe(true);
      expect(seen.some((g) => names.some((n) => g.topic.startsWith(`${n}/`)))).toBe(true);
      // Nothing reached the radio: no limit write, no on/off. (Polls and limit reads run on their own schedule.)
      expect(onAir()).toBe(before);
      // The controller logged each refusal as a warning and is still running: a valid command works.
      const refusals = log.records.filter((x) => /^entities: (refused |localecu\/)/.test(String(x.msg)));
      expect(refusals.length).toBeGreaterThanOrEqual(RUNS);
      const target = config.inverters[0]!;
      const resultTopic = `localecu/${names[0]}/set/result`;
      const n = replies.get(resultTopic)?.length ?? 0;
      await client.publishAsync(
        `localecu/${names[0]}/set`,
        '{"max_power": 300, "transaction": "after-fuzz"}',
        {
          qos: 1,
        },
      );
      const ok = JSON.parse(
        await waitFor("the valid command's result", () => replies.get(resultTopic)?.[n], 30_000),
      );
      expect(ok).toMatchObject({ ok: true, transaction: "after-fuzz" });
      // On air to that inverter, and stored by it: 300 W per panel.
      await waitFor("the limit write on air", () =>
        r.frames.some((f) => f.kind === "set" && f.shortAddress === shorts.get(target.serial)),
      );
      // The wire carries a 12-bit code: 300 W comes back within a fraction of a watt (20 W → 19.97 W).
      await waitFor(
        "300 W per panel stored by the emulated inverter",
        () => Math.abs(site.inverter(target.serial)!.limitW(r.now()) - 300) < 0.5,
      );
    } finally {
      await client.endAsync(true);
      await rig?.stop();
      await broker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
