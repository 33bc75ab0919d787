/**
 * The whole controller in-process (runController) on the in-process stick emulator at compressed time,
 * the way test/e2e/controller.test.ts runs it: for tests that need one or more real sites on a broker.
 */
import { scaledClock } from "../../src/controller/clock.ts";
import { type RunningController, runController } from "../../src/controller/run.ts";
import { createLogger, type Logger } from "../../src/log.ts";
import { openStreamTransport } from "../../src/radio/transport/url.ts";
import { StickEmulator } from "../../src/sim/emulator/stick.ts";
import type { TelemetryEmitted } from "../../src/sim/emulator/types.ts";
import { simSiteFromConfig } from "../../src/sim/from-config.ts";
import type { SiteConfig } from "../../src/site/config/types.ts";

export interface EmulatedSiteOptions {
  /** Simulated start time (epoch ms); default midsummer noon in Berlin, so every panel produces. */
  start?: number;
  /** Simulated seconds per real second (default 120: a 300 s poll every 2.5 s). */
  speed?: number;
  seed?: number;
  ecuId?: string;
  logger?: Logger;
  /** Every reply the emulator encodes, with its truth in physical units. */
  onTruth?: (e: TelemetryEmitted) => void;
}

export function startEmulatedController(
  config: SiteConfig,
  o: EmulatedSiteOptions = {},
): Promise<RunningController> {
  const clock = scaledClock(o.start ?? Date.parse("2026-06-21T12:00:00+02:00"), o.speed ?? 120);
  const site = simSiteFromConfig(config, { seed: o.seed ?? 7, clearSky: true });
  const transport = openStreamTransport(
    () =>
      new StickEmulator({
        inverters: site.inverters,
        seed: o.seed ?? 7,
        now: () => clock.now(),
        ...(o.onTruth ? { onTelemetry: o.onTruth } : {}),
      }),
    { url: "emulator://test", clock },
  );
  return runController({
    config,
    logger: o.logger ?? createLogger({ level: process.env.LOCALECU_TEST_LOG ?? "silent", pretty: true }),
    clock,
    transport,
    stick: { ecuId: o.ecuId ?? "D8A3011B9780", pairing: { stepMs: 50 } },
    instanceCheckMs: 300,
  });
}
