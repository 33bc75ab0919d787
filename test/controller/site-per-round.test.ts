/**
 * The site topic sums every inverter, so it goes out once per poll round, after the round's readings —
 * not once per reading (which at 500 inverters was 500 messages a round, each summing all 500).
 * The whole controller on a real broker, with the demo's four QS1s on the emulated stick.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { describe, expect, it } from "vitest";
import { scaledClock } from "../../src/controller/clock.ts";
import { type RunningController, runController } from "../../src/controller/run.ts";
import { createLogger } from "../../src/log.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { ecuRev, panFromEcuId } from "../../src/protocol/ids.ts";
import { openStreamTransport } from "../../src/radio/transport/url.ts";
import { EmulatorAir } from "../../src/sim/emulator/air.ts";
import { StickEmulator } from "../../src/sim/emulator/stick.ts";
import { simSiteFromConfig } from "../../src/sim/from-config.ts";
import { loadConfig } from "../../src/site/config/index.ts";
import { PairingBook } from "../../src/site/pairing.ts";
import { brokerKinds } from "../helpers/brokers.ts";
import { waitFor } from "../helpers/wait.ts";

describe.each(brokerKinds())("site topic on $name", (kind) => {
  it("goes out once per poll round: each round's four inverter states, then one site message", async () => {
    const broker = await kind.start();
    const dataDir = mkdtempSync(join(tmpdir(), "localecu-site-round-"));
    const sub = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    let running: RunningController | undefined;
    try {
      const config = await loadConfig(new URL("../../examples/site.yaml", import.meta.url).pathname);
      config.site.dataDir = dataDir;
      Object.assign(config.mqtt, {
        url: broker.url,
        username: undefined,
        password: undefined,
        tls: undefined,
      });
      // No Home Assistant and no automations: the limiter's own state changes also reach the site topic.
      config.homeassistant = undefined;
      config.automations = {};
      // A short interval on the real clock rather than a compressed one: a busy test machine's delays
      // stay real milliseconds, far below half an interval, and cannot split a round in two.
      config.poll.intervalS = 3;

      // The four inverters of examples/site.yaml, by their state topics (zigbee2mqtt's <base>/<name>).
      const states = new Map([
        ["localecu/South top left", "South top left"],
        ["localecu/South top right", "South top right"],
        ["localecu/South bottom left", "South bottom left"],
        ["localecu/West", "West"],
      ]);
      const log: string[] = [];
      sub.on("message", (topic) => {
        if (topic === "localecu/site") log.push("site");
        else if (states.has(topic)) log.push(states.get(topic)!);
      });
      await sub.subscribeAsync(["localecu/site", ...states.keys()], { qos: 1 });

      const start = Date.parse("2026-06-21T11:00:00+02:00");
      const clock = scaledClock(start, 1); // real time from late morning: the panels produce
      const site = simSiteFromConfig(config, { seed: 3, clearSky: true });
      // Paired on an earlier day (pairing.json and the inverters' bonds), as after any restart: all four
      // are due at once, so each round is one burst. (Pairing one by one spreads the polls over the minute.)
      const air = new EmulatorAir(site.inverters, 3);
      const ecu = fromHex("D8A3011B9780");
      const book = PairingBook.open(dataDir);
      for (const inv of config.inverters) {
        const bond = air.setBond(inv.serial, { pan: panFromEcuId(ecu), channel: 16, ecuRev: ecuRev(ecu) });
        const pairedAt = new Date(start - 86_400_000).toISOString();
        book.set({ serial: inv.serial, shortAddress: bond.shortAddress, pairedAt, ecuId: "D8A3011B9780" });
      }
      const transport = openStreamTransport(
        () =>
          new StickEmulator({
            air,
            seed: 3,
            now: () => clock.now(),
            delays: { srspMs: 0, confirmMs: 1, replyMs: 2, replyJitterMs: 2, resetMs: 20, stateMs: 5 },
          }),
        { url: "emulator://site-per-round", clock },
      );
      running = await runController({
        config,
        logger: createLogger({ level: process.env.LOCALECU_TEST_LOG ?? "silent", pretty: true }),
        clock,
        transport,
        // 4 polls every 3 s is 80 a minute: above the default air budget of 20, which would stretch rounds.
        stick: { ecuId: "D8A3011B9780", air: { budgetPerMinute: 600 } },
      });

      await waitFor("nine site messages", () => log.filter((x) => x === "site").length >= 9, 60_000);
      // The first rounds also carry each inverter's one-off reads after start (the limit query, and the
      // grid-protection pages, ~1.5 s per inverter): each a second state message. Rounds 5–8.
      const sites = log.flatMap((x, i) => (x === "site" ? [i] : []));
      const rounds = [4, 5, 6, 7].map((k) => log.slice(sites[k]! + 1, sites[k + 1]).sort());
      const oneEach = ["South bottom left", "South top left", "South top right", "West"];
      expect(rounds, log.join(" | ")).toEqual([oneEach, oneEach, oneEach, oneEach]);
    } finally {
      await running?.stop();
      await sub.endAsync(true);
      await broker.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
