/**
 * Pairing by serial (aps-link.ts pairingSequence; ESP-ECU ZIGBEE_PAIR): four AF_DATA_REQUEST_EXT
 * broadcasts ~1.5 s apart on clusters 0x020D, 0x020C, 0x010F, 0x0101, then the inverter answers on
 * cluster 0x0101 with `FF xx <serial>` from its new short address (protocol/pairing.ts). The stick also
 * relays our 0x010F broadcast back to us; decodePairingReply ignores it (wrong cluster, source 0x0000).
 * A silent round is repeated (`rounds`), then we give up with a message saying what to check.
 */
import {
  decodePairingReply,
  encodeSerial,
  formatShort,
  is,
  PAIR_CLUSTERS,
  PAIR_STEP_MS,
  type PairingReply,
  pairingSequence,
  parseAfIncomingMsg,
} from "../protocol/index.ts";
import { type Clock, systemClock, type TimerHandle } from "./clock.ts";
import { RadioError } from "./errors.ts";
import type { PairingProgress } from "./events.ts";
import { hexByte, type RadioLogger, silentLogger } from "./log.ts";
import type { ZnpLink } from "./znp-link.ts";

export interface PairOptions {
  /** Gap between broadcasts (ESP-ECU: ~1.5 s). */
  stepMs?: number;
  /** How long to wait for the answer after the fourth broadcast. */
  replyTimeoutMs?: number;
  /** Rounds of four broadcasts before giving up. */
  rounds?: number;
  onProgress?: (p: PairingProgress) => void;
}

export interface PairResult {
  serial: string;
  shortAddress: number;
}

export async function pairInverter(
  link: ZnpLink,
  ecuId: Uint8Array,
  serial: string,
  opts: PairOptions & { clock?: Clock; logger?: RadioLogger } = {},
): Promise<PairResult> {
  encodeSerial(serial); // a clear error for a mistyped serial before anything goes on air
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? silentLogger;
  const stepMs = opts.stepMs ?? PAIR_STEP_MS;
  const replyMs = opts.replyTimeoutMs ?? 10_000;
  const rounds = Math.max(1, opts.rounds ?? 2);
  let found: PairingReply | undefined;
  let wake: (() => void) | undefined;
  const off = link.onAreq((f) => {
    if (found || !is(f, "AF_INCOMING_MSG")) return;
    let reply: PairingReply | undefined;
    try {
      reply = decodePairingReply(parseAfIncomingMsg(f));
    } catch {
      return; // not a pairing answer; the air queue or nobody cares
    }
    if (!reply) return;
    if (reply.serial !== serial) {
      logger.info(
        `pairing ${serial}: ${reply.serial} answered from ${formatShort(reply.shortAddress)} (not ours)`,
      );
      return;
    }
    found = reply;
    wake?.();
  });
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (found) return resolve();
      let t: TimerHandle | undefined;
      wake = () => {
        if (t !== undefined) clock.clearTimeout(t);
        resolve();
      };
      t = clock.setTimeout(resolve, ms);
    });
  const progress = (p: Omit<PairingProgress, "serial" | "of">) => opts.onProgress?.({ serial, of: 4, ...p });
  try {
    for (let round = 1; round <= rounds; round++) {
      const frames = pairingSequence(serial, ecuId);
      for (const [i, frame] of frames.entries()) {
        const srsp = await link.request(frame);
        if (srsp.data[0] !== 0) {
          throw new RadioError(
            "stick-status",
            `the stick refused pairing broadcast ${i + 1}/4 (status ${hexByte(srsp.data[0] ?? 0)})`,
          );
        }
        const cluster = PAIR_CLUSTERS[i]!;
        progress({ step: i + 1, cluster, round, message: `pairing ${serial}: broadcast ${i + 1}/4 sent` });
        if (found) break;
        if (i < frames.length - 1) await pause(stepMs);
        if (found) break;
      }
      if (!found) {
        progress({
          step: 0,
          round,
          message: `pairing ${serial}: waiting for the answer (round ${round}/${rounds})`,
        });
        await pause(replyMs);
      }
      if (found) {
        logger.debug(`paired ${serial} at ${formatShort(found.shortAddress)}`);
        return { serial, shortAddress: found.shortAddress };
      }
    }
  } finally {
    off();
  }
  throw new RadioError(
    "pairing-timeout",
    `inverter ${serial} did not answer ${rounds} round(s) of pairing broadcasts: check that it has DC power ` +
      "(daylight on its panels), is within radio range of the stick, the serial is the one on its label, " +
      "and no vendor ECU nearby is still holding it (switch that off)",
  );
}
