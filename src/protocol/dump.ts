/**
 * Decodes whatever an installer pastes: a ZNP UART dump (several frames, stray bytes allowed), an AF payload
 * (6-byte serial + L2) or a bare L2. Used by `localecu decode`; pure, so the radio can reuse it for logs.
 */

import { CLUSTER_REPLY } from "./aps-link.ts";
import { FrameError } from "./errors.ts";
import type { ModelInfo } from "./models.ts";
import { decodePairingReply } from "./pairing.ts";
import { decodeL2Reply, decodeReply } from "./replies.ts";
import type { PairingReply, Reply } from "./types.ts";
import { is, parseAfDataConfirm, parseAfIncomingMsg, STATUS_NO_ROUTE } from "./znp/commands.ts";
import { SOF } from "./znp/frame.ts";
import { parseZnpDump } from "./znp/parser.ts";

export type InputKind = "uart" | "af-payload" | "l2";

export interface DecodedMessage {
  reply: Reply | PairingReply;
  /** From the AF_INCOMING_MSG wrapper when the input was a UART dump. */
  shortAddress?: number;
  linkQuality?: number;
}

export interface DumpResult {
  input: InputKind;
  messages: DecodedMessage[];
  /** AF_DATA_CONFIRM 0xCD seen: the request had no route (unpaired / unreachable inverter). */
  noRoute: boolean;
  garbageBytes: number;
  /** Why bytes were skipped (bad FCS, frame cut short…), with their position in the input. */
  problems: FrameError[];
}

export function detectInput(bytes: Uint8Array): InputKind {
  if (bytes[0] === 0xfb && bytes[1] === 0xfb) return "l2";
  // An AF payload starts with a BCD serial (bytes ≤ 0x99, so never FE or a stray F8); after it comes
  // FB FB, or ciphertext from an AES-paired inverter.
  if (bytes.length > 7 && bytes[0] !== SOF && isBcd(bytes.subarray(0, 6))) return "af-payload";
  return "uart";
}

function isBcd(b: Uint8Array): boolean {
  return b.every((x) => x >> 4 <= 9 && (x & 0x0f) <= 9);
}

export function decodeDump(bytes: Uint8Array, opts: { model?: ModelInfo } = {}): DumpResult {
  const input = detectInput(bytes);
  if (input === "l2") {
    if (!opts.model) {
      throw new FrameError(
        "serial",
        "a bare L2 frame carries no serial, so the model is unknown: pass --model qs1|yc600|ds3",
      );
    }
    return {
      input,
      messages: [{ reply: decodeL2Reply(bytes, "", opts.model) }],
      noRoute: false,
      garbageBytes: 0,
      problems: [],
    };
  }
  if (input === "af-payload") {
    return {
      input,
      messages: [{ reply: decodeReply(bytes, opts) }],
      noRoute: false,
      garbageBytes: 0,
      problems: [],
    };
  }
  const { frames, garbage } = parseZnpDump(bytes);
  const garbageBytes = garbage.reduce((n, g) => n + (g.kind === "garbage" ? g.bytes.length : 0), 0);
  if (frames.length === 0) {
    const first = garbage.find((g) => g.kind === "garbage");
    const why = first && first.kind === "garbage" ? first.error.message : "no FE start byte";
    throw new FrameError("sof", `no complete ZNP frame in ${bytes.length} bytes (${why})`);
  }
  const messages: DecodedMessage[] = [];
  let noRoute = false;
  for (const f of frames) {
    if (is(f, "AF_DATA_CONFIRM") && parseAfDataConfirm(f).status === STATUS_NO_ROUTE) noRoute = true;
    if (!is(f, "AF_INCOMING_MSG")) continue;
    const msg = parseAfIncomingMsg(f);
    const pairing = decodePairingReply(msg);
    if (pairing) {
      messages.push({ reply: pairing, shortAddress: msg.srcAddr, linkQuality: msg.linkQuality });
    } else if (msg.cluster === CLUSTER_REPLY) {
      messages.push({
        reply: decodeReply(msg.data, opts),
        shortAddress: msg.srcAddr,
        linkQuality: msg.linkQuality,
      });
    }
  }
  const problems = garbage.flatMap((g) => (g.kind === "garbage" && g.error.code !== "sof" ? [g.error] : []));
  return { input, messages, noRoute, garbageBytes, problems };
}
