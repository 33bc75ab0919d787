/**
 * The fromZigbee converter for APsystems replies (cluster 0x0106, DESIGN.md §2) and the per-device memory it
 * keeps. zigbee2mqtt and localecu's controller (converters/host.ts) both call it; the work is in decode.ts.
 *
 * Message types: zigbee-herdsman (Controller.onZclPayload) first tries to read every payload as ZCL. An APS
 * reply begins with the serial, and some serials happen to form a valid ZCL header — a DS3 704… payload
 * (70 40 00 …) parses as a global "read" command. When the parse fails, the message is type "raw" with the
 * NUMERIC cluster 262; when it succeeds, the type is the global command's ("read", "readResponse", "write",
 * "attributeReport"; herdsman emits no message for any other global command) and the cluster is the unknown
 * cluster's NAME, the STRING "262". zigbee2mqtt's receive matches `converter.cluster === message.cluster`,
 * so the converter is registered under both (apsConverters). Whatever the type, `meta.rawData` holds the
 * untouched payload, so that is what we decode.
 */
import zhcLogger from "zigbee-herdsman-converters/lib/logger";
import type { Fz, KeyValue, Publish } from "zigbee-herdsman-converters/lib/types";
import { CLUSTER_REPLY } from "../../src/protocol/aps-link.ts";
import { toHex } from "../../src/protocol/bytes.ts";
import type { ModelName } from "../../src/protocol/models.ts";
import type { Reply } from "../../src/protocol/types.ts";
import {
  type Accountant,
  type DecodeResult,
  type DeviceMemory,
  decodeRaw,
  type ReadingContext,
  readingValues,
  sleepingValues,
} from "./decode.ts";
import { modelInfo } from "./fingerprint.ts";

export interface ConverterLogger {
  warning(message: string): void;
  debug(message: string): void;
}

/** Extra context a host other than zigbee2mqtt passes in `meta.localecu`. */
export interface HostContext {
  /** Reading time; default Date.now(). */
  atMs?: number;
  timeZone?: string;
  calibration?: number;
  logger?: ConverterLogger;
  /** Publish "sleeping" after this much silence; 0 = never (a host that polls knows better). */
  sleepAfterMs?: number;
  /** The reply the host already decoded from these bytes: used as is, not decoded again. */
  reply?: Reply;
  /** The host's energy store: the reading is booked there instead of in the converter's memory. */
  account?: Accountant;
  /** Receives the converter's whole result (accounting, warnings) besides the state it returns. */
  onResult?: (result: DecodeResult) => void;
}

export type HostMeta = Fz.Meta & { localecu?: HostContext };

const NS = "zhc:apsystems";
const zhcLog: ConverterLogger = {
  // zhc's logger is replaced by zigbee2mqtt at start-up (setLogger): read it at call time.
  warning: (m) => zhcLogger.logger.warning(m, NS),
  debug: (m) => zhcLogger.logger.debug(m, NS),
};

/** Six missed polls at the vendor ECU's 300 s cadence: the inverter has gone to sleep (dusk, or DC lost). */
export const SLEEP_AFTER_MS = 30 * 60_000;
/** While silent, look again hourly so energy_today drops to 0 after local midnight. */
const SILENT_RECHECK_MS = 60 * 60_000;

/** The message types herdsman may give an APS reply (see the header comment). */
export const REPLY_MESSAGE_TYPES = ["raw", "read", "readResponse", "write", "attributeReport"] as const;

interface Runtime {
  memory: DeviceMemory;
  timer?: ReturnType<typeof setTimeout>;
  lastSilent?: string;
}

/** Per-device memory, keyed by IEEE address; lives as long as the process (zigbee2mqtt: until restart). */
const runtimes = new Map<string, Runtime>();

export function forgetDevice(ieeeAddr: string): void {
  const rt = runtimes.get(ieeeAddr);
  if (rt?.timer) clearTimeout(rt.timer);
  runtimes.delete(ieeeAddr);
}

/** The raw APS payload of a message, whatever type herdsman gave it. */
export function rawPayloadOf(msg: { data: unknown; meta?: { rawData?: unknown } }): Buffer | undefined {
  if (Buffer.isBuffer(msg.meta?.rawData)) return msg.meta.rawData;
  return Buffer.isBuffer(msg.data) ? msg.data : undefined;
}

export const fzApsReply: Fz.Converter<number, undefined, typeof REPLY_MESSAGE_TYPES> = {
  cluster: CLUSTER_REPLY,
  type: REPLY_MESSAGE_TYPES,
  convert: (definition, msg, publish, _options, meta) => {
    const host = (meta as HostMeta).localecu;
    const log = host?.logger ?? zhcLog;
    const ieee = msg.device.ieeeAddr;
    const payload = rawPayloadOf(msg);
    if (!payload) {
      log.warning(`APsystems ${ieee}: ${msg.type} message on cluster 0x0106 carries no raw bytes; ignored`);
      return;
    }
    const rt = runtimes.get(ieee) ?? { memory: {} };
    runtimes.set(ieee, rt);
    const ctx: ReadingContext = {
      atMs: host?.atMs ?? Date.now(),
      // The matched definition says which model this is (the serial prefix may be unknown to us).
      model: modelInfo(definition.model as ModelName),
      timeZone: host?.timeZone,
      calibration: host?.calibration,
      published: meta.state,
      account: host?.account,
    };
    let out: DecodeResult;
    try {
      out = host?.reply ? readingValues(host.reply, rt.memory, ctx) : decodeRaw(payload, rt.memory, ctx);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      log.warning(`APsystems ${ieee}: reply not decoded (${why}); ignored. Payload: ${toHex(payload)}`);
      return;
    }
    rt.memory = out.memory;
    for (const w of out.warnings) log.warning(`APsystems ${out.reply.serial}: ${w}`);
    // A host with its own store (host.account) logs the events it booked; logging them here would double them.
    if (!host?.account) {
      for (const e of out.events) {
        const text = `APsystems ${e.serial}: ${e.message}`;
        if (e.level === "warn") log.warning(text);
        else log.debug(text);
      }
    }
    host?.onResult?.(out);
    if (out.reply.kind === "telemetry") {
      rt.lastSilent = undefined;
      armSilenceTimer(rt, publish, ctx, host?.sleepAfterMs ?? SLEEP_AFTER_MS);
    } else if (Object.keys(out.values).length === 0) {
      log.debug(`APsystems ${out.reply.serial}: ${out.reply.kind} reply, nothing to publish`);
    }
    return out.values;
  },
};

/** After `delayMs` without telemetry publish the sleeping state, then re-check hourly while silent. */
function armSilenceTimer(rt: Runtime, publish: Publish, ctx: ReadingContext, delayMs: number): void {
  if (rt.timer) clearTimeout(rt.timer);
  rt.timer = undefined;
  if (!(delayMs > 0)) return;
  rt.timer = setTimeout(() => {
    const values = sleepingValues(rt.memory, { ...ctx, atMs: Date.now() });
    const text = JSON.stringify(values);
    if (values && text !== rt.lastSilent) {
      rt.lastSilent = text;
      publish(values as KeyValue);
    }
    armSilenceTimer(rt, publish, ctx, SILENT_RECHECK_MS);
  }, delayMs);
  // Never keep zigbee2mqtt (or a test run) alive just to say "sleeping".
  rt.timer.unref?.();
}

/**
 * What a definition registers: the converter under the numeric cluster (raw messages) and under the
 * cluster's name "262" (payloads herdsman parsed as ZCL; see the header comment).
 */
export const fzApsReplies: Fz.Converter<number | string, undefined, typeof REPLY_MESSAGE_TYPES>[] = [
  fzApsReply,
  { ...fzApsReply, cluster: String(CLUSTER_REPLY) },
];
