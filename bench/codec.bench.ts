/**
 * Codec throughput: captured UART dumps through the streaming ZNP parser and the reply decoders.
 * Baseline in the same run: framing alone (ZnpStreamParser), so the printed ratio is the decode cost.
 * Run: npm run bench:codec [-- --json]
 */
import { readFileSync } from "node:fs";
import { fromHex } from "../src/protocol/bytes.ts";
import { decodeReply } from "../src/protocol/replies.ts";
import { is, parseAfIncomingMsg } from "../src/protocol/znp/commands.ts";
import { ZnpStreamParser } from "../src/protocol/znp/parser.ts";

const frames = JSON.parse(readFileSync(new URL("../test/fixtures/aps-frames.json", import.meta.url), "utf8"));
const dumps: Uint8Array[] = frames.telemetry_and_replies
  .filter((c: { kind: string }) => c.kind === "uart")
  .map((c: { hex: string }) => fromHex(c.hex));

// One long stream: every capture repeated, split into 64-byte chunks as a serial port delivers them.
const REPEAT = 4000;
const stream = new Uint8Array(dumps.reduce((n, d) => n + d.length, 0) * REPEAT);
let off = 0;
for (let r = 0; r < REPEAT; r++) {
  for (const d of dumps) {
    stream.set(d, off);
    off += d.length;
  }
}
const chunks: Uint8Array[] = [];
for (let i = 0; i < stream.length; i += 64) chunks.push(stream.subarray(i, i + 64));

function run(decode: boolean): { frames: number; messages: number; ms: number } {
  const p = new ZnpStreamParser();
  let nFrames = 0;
  let messages = 0;
  const t0 = process.hrtime.bigint();
  for (const c of chunks) {
    for (const e of p.push(c)) {
      if (e.kind !== "frame") continue;
      nFrames++;
      if (decode && is(e.frame, "AF_INCOMING_MSG")) {
        decodeReply(parseAfIncomingMsg(e.frame).data);
        messages++;
      }
    }
  }
  return { frames: nFrames, messages, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

function best(decode: boolean, rounds = 5) {
  let b = run(decode);
  for (let i = 1; i < rounds; i++) {
    const r = run(decode);
    if (r.ms < b.ms) b = r;
  }
  return b;
}

run(true); // warm-up
const framing = best(false);
const full = best(true);
const result = {
  bytes: stream.length,
  frames: full.frames,
  inverter_messages: full.messages,
  framing_only_frames_per_s: Math.round(framing.frames / (framing.ms / 1000)),
  parse_and_decode_frames_per_s: Math.round(full.frames / (full.ms / 1000)),
  decoded_messages_per_s: Math.round(full.messages / (full.ms / 1000)),
  mb_per_s: Number((stream.length / 1e6 / (full.ms / 1000)).toFixed(1)),
  decode_cost_ratio: Number((full.ms / framing.ms).toFixed(2)),
  node: process.version,
};
if (process.argv.includes("--json")) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  process.stdout.write(
    `codec: ${result.parse_and_decode_frames_per_s.toLocaleString()} frames/s parsed+decoded ` +
      `(${result.decoded_messages_per_s.toLocaleString()} inverter replies/s, ${result.mb_per_s} MB/s); ` +
      `framing alone ${result.framing_only_frames_per_s.toLocaleString()} frames/s; decode costs ×${result.decode_cost_ratio}\n`,
  );
}
