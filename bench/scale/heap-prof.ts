/**
 * SCALE_HEAP_PROF=<dir>: two sampling heap profiles of the run's process, for finding where the memory
 * goes (Chrome DevTools opens them):
 * - <dir>/scale-<N>-live.heapprofile: what is alive (after a full collection) at the start of the measured
 *   window, by the stack that allocated it (sampled from the start of the run, so the modules loaded before
 *   it are not in it);
 * - <dir>/scale-<N>-promoted.heapprofile: what the measured rounds allocated that outlived a young-generation
 *   collection (alive, or collected only by a full one): the churn that grows the old generation, and with
 *   it the peak RSS, between full collections.
 * Off unless the variable is set.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { writeHeapSnapshot } from "node:v8";

export interface HeapProf {
  /** The live profile so far, then a new one of what the window allocates and promotes. */
  windowStart(name: string): Promise<void>;
  windowEnd(name: string): Promise<void>;
}

// 32 KiB mean interval: fine enough for per-inverter structures, cheap enough not to disturb the run.
const INTERVAL = 32 * 1024;

export async function startHeapProf(): Promise<HeapProf | undefined> {
  const dir = process.env.SCALE_HEAP_PROF;
  if (!dir) return undefined;
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.startSampling", { samplingInterval: INTERVAL });
  const save = async (file: string) => {
    const { profile } = await session.post("HeapProfiler.getSamplingProfile");
    await session.post("HeapProfiler.stopSampling");
    writeFileSync(join(dir, `${file}.heapprofile`), JSON.stringify(profile));
  };
  return {
    async windowStart(name) {
      // A full collection first: "live" is then what is retained, not old-generation garbage awaiting one.
      await session.post("HeapProfiler.collectGarbage");
      await save(`${name}-live`);
      // SCALE_HEAP_SNAPSHOT=1: a full snapshot too (retainers, not only allocation sites; large and slow).
      if (process.env.SCALE_HEAP_SNAPSHOT === "1") writeHeapSnapshot(join(dir, `${name}.heapsnapshot`));
      await session.post("HeapProfiler.startSampling", {
        samplingInterval: INTERVAL,
        includeObjectsCollectedByMajorGC: true,
        // SCALE_HEAP_ALL=1: every allocation of the window, young garbage too (what drives the scavenges).
        includeObjectsCollectedByMinorGC: process.env.SCALE_HEAP_ALL === "1",
      } as never);
    },
    async windowEnd(name) {
      await save(`${name}-promoted`);
      session.disconnect();
    },
  };
}
