/**
 * AF payload from an inverter → typed reply.
 * Payload = <serial 6 BCD> <L2 FB FB … FE FE>. AES-paired inverters (newer vendor ECUs) send
 * <serial> <6-byte nonce> <whole 16-byte blocks> (aes.ts): we report "encrypted" instead of decoding noise,
 * and anything with neither shape is an error.
 */

import { AES_GATE, aesShapeProblem } from "./aes.ts";
import { L2_CMD } from "./commands.ts";
import { FrameError } from "./errors.ts";
import { decodeSerial } from "./ids.ts";
import { decodeInfoReply } from "./info.ts";
import { parseL2 } from "./l2.ts";
import { decodeLimitReply, isLimitReply } from "./limit.ts";
import { type ModelInfo, modelForSerial } from "./models.ts";
import { decodeProtectionPage, recognizeProtectionPage } from "./protection/decode.ts";
import { decodeDs3Telemetry } from "./telemetry-ds3.ts";
import { decodeQs1Telemetry } from "./telemetry-qs1.ts";
import type { Reply } from "./types.ts";

export { AES_GATE, isEncryptedPayload } from "./aes.ts";

/** Acks carry innerlen 6: five zero body bytes. */
const ACK_BODY_MAX = 5;

export interface DecodeOptions {
  /** Overrides the model derived from the serial prefix. */
  model?: ModelInfo;
}

/** An ECU's LAN (port 8899) answer starts with ASCII "APS1" (ecu-lan-protocol.md §2); it is no ZigBee frame. */
const ECU_LAN_HEAD = [0x41, 0x50, 0x53, 0x31];

export function decodeReply(payload: Uint8Array, opts: DecodeOptions = {}): Reply {
  if (payload.length < 6 + 8) {
    throw new FrameError(
      "short",
      `an inverter reply is a 6-byte serial and an L2 frame (≥ 14 bytes), got ${payload.length}`,
    );
  }
  if (ECU_LAN_HEAD.every((b, i) => payload[i] === b)) {
    throw new FrameError(
      "serial",
      `input starts with ASCII "${new TextDecoder().decode(payload.subarray(0, 5))}": that is an ECU's LAN answer (port 8899), not a ZigBee reply from an inverter; read it with the ECU LAN codec (src/protocol/ecu; \`localecu decode\` routes it there)`,
      0,
    );
  }
  const serial = decodeSerial(payload, 0);
  if (payload[6]! < AES_GATE) {
    const problem = aesShapeProblem(payload);
    if (problem !== undefined) {
      throw new FrameError(
        "sof",
        `after serial ${serial} comes neither an L2 frame (FB FB …) nor an AES-encrypted reply: ${problem}; check the capture is complete`,
        6,
      );
    }
    if (!opts.model) requireModel(serial);
    return {
      kind: "encrypted",
      serial,
      reason:
        "this inverter was paired in AES mode by a newer vendor ECU; re-pair it with localecu (power-cycle it first) to read it",
    };
  }
  return decodeL2Reply(payload.subarray(6), serial, opts.model ?? requireModel(serial), 6);
}

/** Decodes an L2 reply whose serial is known (or "" for a bare L2 with an explicit model). */
export function decodeL2Reply(l2bytes: Uint8Array, serial: string, model: ModelInfo, offsetBase = 0): Reply {
  let l2: ReturnType<typeof parseL2>;
  try {
    l2 = parseL2(l2bytes, { strictChecksum: model.family === "ds3" });
  } catch (e) {
    if (e instanceof FrameError && e.offset !== undefined)
      throw new FrameError(e.code, stripOffset(e), e.offset + offsetBase);
    throw e;
  }
  // A 13-byte DE/DF frame is the ack after a set, not a limit reply (frames.json set_power_sniffs).
  if ((l2.cmd === L2_CMD.QUERY_DE || l2.cmd === L2_CMD.ACK_FAILED) && l2.body.length <= ACK_BODY_MAX) {
    return { kind: "ack", serial, ok: l2.cmd === L2_CMD.QUERY_DE };
  }
  const page = recognizeProtectionPage(l2bytes, model.family);
  if (page && page.page !== "B") {
    return {
      kind: "protection",
      serial,
      model: model.model,
      family: model.family,
      ...decodeProtectionPage(l2bytes, model.family),
    };
  }
  if (isLimitReply(l2)) {
    const limit = decodeLimitReply(l2, serial, model);
    // Page B is also the limit read-back: the limit stays the reply, the page's settings ride along.
    if (page) {
      try {
        limit.protection = decodeProtectionPage(l2bytes, model.family);
      } catch (e) {
        if (!(e instanceof FrameError)) throw e;
      }
    }
    return limit;
  }
  if (l2.cmd === L2_CMD.INFO || (l2.cmd === L2_CMD.PAGE_DD && l2.body[0] === L2_CMD.INFO))
    return decodeInfoReply(l2, serial);
  if (model.telemetryCmd !== undefined && l2.cmd === model.telemetryCmd) {
    // Body offsets: QS1 decoder counts from the serial (body[0] = payload[10]); DS3 from the body.
    if (model.family === "ds3") return decodeDs3Telemetry(l2.body, serial, model);
    const asPayload = new Uint8Array(10 + l2.body.length);
    asPayload.set(l2.body, 10);
    return decodeQs1Telemetry(asPayload, serial, model);
  }
  if (l2.cmd === L2_CMD.TELEMETRY_QS1 || l2.cmd === L2_CMD.TELEMETRY_DS3) {
    throw new FrameError(
      "command",
      `telemetry command ${hx(l2.cmd)} does not match model ${model.model} (expects ${model.telemetryCmd === undefined ? "none" : hx(model.telemetryCmd)})`,
    );
  }
  return { kind: "unknown", serial, cmd: l2.cmd, l2: Buffer.from(l2bytes).toString("hex") };
}

function requireModel(serial: string): ModelInfo {
  const m = modelForSerial(serial);
  if (!m) {
    throw new FrameError(
      "serial",
      `serial ${serial} has no known model prefix (${serial.slice(0, 3)}); pass the model explicitly`,
    );
  }
  return m;
}

function stripOffset(e: FrameError): string {
  return e.message.replace(/^\w+( at byte \d+)?: /, "");
}

function hx(b: number): string {
  return b.toString(16).padStart(2, "0").toUpperCase();
}
