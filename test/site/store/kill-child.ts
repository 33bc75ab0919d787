/**
 * Child of store-kill.test.ts: accounts the deterministic poll stream into the store in argv[2],
 * resuming after the last committed poll, and prints each poll's index once it is committed.
 */
import { EnergyStore } from "../../../src/site/store/index.ts";
import { TZ } from "../energy/fixtures.ts";
import { pollSequence } from "./kill-polls.ts";

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: kill-child.ts <data dir>");
const store = EnergyStore.open(dir, { timeZone: TZ });
pollSequence().forEach((p, i) => {
  const done = store.state(p.t.serial)?.atMs;
  if (done != null && p.atMs <= done) return;
  store.record(p.t, p.atMs);
  process.stdout.write(`${i}\n`);
});
store.close();
