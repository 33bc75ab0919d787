/**
 * The energy bench's accounting process: decodes the poll stream and records it into the store,
 * resuming after the last committed poll. The parent SIGKILLs it at random moments.
 *
 * usage: energy-child.ts <stream file> <data dir> <restart gap s>
 * Polls within <restart gap> after the last committed one are skipped: the controller was down.
 * Prints "<index>" every 500 committed polls and "done" at the end.
 */
import { decodeReply } from "../src/protocol/replies.ts";
import { EnergyStore } from "../src/site/store/index.ts";
import { readStream, TIME_ZONE } from "./energy-stream.ts";

const [file, dir, gapArg] = process.argv.slice(2);
if (file === undefined || dir === undefined) {
  throw new Error("usage: energy-child.ts <stream file> <data dir> [restart gap s]");
}
const gapMs = Number(gapArg ?? 0) * 1000;
const store = EnergyStore.open(dir, { timeZone: TIME_ZONE, historyDays: 400 });
const resumeAfter = Math.max(0, ...store.serials().map((s) => store.state(s)?.atMs ?? 0));
const skipUntil = resumeAfter > 0 ? resumeAfter + gapMs : 0;

const records = readStream(file);
for (let i = 0; i < records.length; i++) {
  const r = records[i]!;
  if (r.atMs <= skipUntil) continue;
  const reply = decodeReply(r.payload);
  if (reply.kind !== "telemetry") throw new Error(`poll ${i}: expected telemetry, decoded ${reply.kind}`);
  store.record(reply, r.atMs);
  if (i % 500 === 0) process.stdout.write(`${i}\n`);
}
store.close();
process.stdout.write("done\n");
