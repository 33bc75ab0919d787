/**
 * The ECU source's reader for a real ECU: the poller (pacing.ts decides when) feeding the source. The
 * "not answering" condition becomes the source's link state, so the controller's log, the bridge's link
 * sensor and the fault diagnosis see an ECU that stopped answering as they see a stick that is gone.
 */
import type { Clock } from "../radio/clock.ts";
import type { RadioLogger } from "../radio/log.ts";
import { hourMinute } from "../zone.ts";
import { EcuLinkError } from "./errors.ts";
import { EcuPoller } from "./poller.ts";
import type { EcuReader, EcuSink } from "./source.ts";

export interface EcuPollerReaderOptions {
  clock: Clock;
  logger: RadioLogger;
  /** The ECU's local zone (its cycle times and nightly pause): the site's. */
  timeZone: string;
  /** Per request, real ms (default the client's 10 s; tests on a fast clock shorten it). */
  timeoutMs?: number;
}

/** Where and how often to read (site.yaml's `ecu:` section, resolved). */
export interface EcuTargetSettings {
  host: string;
  port: number;
  pollS: number;
  ecuId?: string;
}

export function ecuPoller(ecu: EcuTargetSettings, o: EcuPollerReaderOptions): EcuReader {
  let poller: EcuPoller | undefined;
  return {
    start(sink: EcuSink) {
      let answered = false;
      // What the last failure was, without its advice: the source adds the owner's checks once.
      let lastWhat: string | undefined;
      poller = new EcuPoller({
        target: { host: ecu.host, port: ecu.port },
        ...(ecu.ecuId === undefined ? {} : { ecuId: ecu.ecuId }),
        pacing: { timeZone: o.timeZone, pollS: ecu.pollS },
        ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
        clock: o.clock,
        timers: {
          set: (fn, ms) => o.clock.setTimeout(fn, ms),
          clear: (h) => o.clock.clearTimeout(h as never),
        },
        onInfo: (info) => sink.info(info),
        onRealtime: (rt, atMs) => {
          if (!answered) sink.link(true, "answering");
          answered = true;
          sink.realtime(rt, atMs);
        },
        onSignal: (s) => sink.signal(s),
        onCondition: (c) => {
          if (c.active) {
            answered = false;
            sink.link(
              false,
              `no answer to ${c.failures} polls in a row since ${hourMinute(c.sinceMs, o.timeZone)}${lastWhat ? `; last: ${lastWhat}` : ""}`,
            );
          } else sink.link(true, "answering again");
        },
        onPollError: (e) => {
          lastWhat = e instanceof EcuLinkError ? e.what : e.message;
          o.logger.debug(`ECU poll failed: ${e.message}`);
        },
        onSchedule: (d) => o.logger.debug(`next ECU poll: ${d.reason}`),
      });
      poller.start();
    },
    async stop() {
      await poller?.stop();
    },
  };
}
