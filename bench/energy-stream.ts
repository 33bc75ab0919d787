/**
 * The energy bench's poll stream: the demo site (src/sim) run for N days, polled every 300 s,
 * each answer put on the wire (protocol encoder) and stored as bytes, so the accounting children
 * can decode it, be killed, and resume at any poll. Also returns the simulator's truth.
 *
 * File layout, one record per answered poll: f64 LE atMs, u8 payload length, payload (AF bytes).
 */
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { createDemoSite } from "../src/sim/demo-site.ts";
import { encodeTelemetry } from "../src/sim/wire/telemetry.ts";
import { localDay } from "../src/site/daily.ts";

export const POLL_EVERY_MS = 300_000;
export const TIME_ZONE = "Europe/Amsterdam";

export interface StreamOptions {
  file: string;
  days: number;
  /** First midnight, local time. */
  startIso: string;
  missFraction: number;
  /** Local day whose polls before 13:00 are all missed (a controller down all morning). */
  missedMorningDay: string;
  seed: number;
}

export interface StreamTruth {
  polls: number;
  missedPolls: number;
  /** Sessions (power-ups) the simulator went through, all inverters. */
  sessions: number;
  /** True AC Wh per serial, per channel: Σ over power-ups of the energy integrated by the sim. */
  truthWh: Record<string, number[]>;
}

/** Mulberry32: small, seeded, good enough to pick missed polls and kill moments reproducibly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateStream(o: StreamOptions): StreamTruth {
  const site = createDemoSite();
  const random = rng(o.seed);
  const fd = openSync(o.file, "w");
  const buf = Buffer.alloc(1 << 20);
  let used = 0;
  const flush = () => {
    writeSync(fd, buf, 0, used);
    used = 0;
  };

  // Truth: a power-up zeroes the sim's per-session energy, so bank each session's final value.
  const banked = new Map<string, number[]>();
  const session = new Map<string, { start: number | undefined; last: number[] }>();
  let polls = 0;
  let missedPolls = 0;
  let sessions = 0;

  const t0 = Date.parse(o.startIso);
  const end = t0 + o.days * 86_400_000;
  for (let t = t0; t < end; t += POLL_EVERY_MS) {
    const morningMissed = localDay(t, TIME_ZONE) === o.missedMorningDay && localHour(t) < 13;
    for (const inv of site.inverters) {
      const truth = inv.reply(t);
      const s = session.get(inv.serial) ?? { start: undefined, last: inv.energyWh().map(() => 0) };
      const pu = inv.poweredUpAtMs;
      if (pu !== undefined && pu !== s.start) {
        const bank = banked.get(inv.serial) ?? s.last.map(() => 0);
        banked.set(
          inv.serial,
          bank.map((b, i) => b + (s.start === undefined ? 0 : s.last[i]!)),
        );
        s.start = pu;
        sessions++;
      }
      s.last = inv.energyWh();
      session.set(inv.serial, s);
      if (truth === null) continue;
      if (morningMissed || random() < o.missFraction) {
        missedPolls++;
        continue;
      }
      const payload = encodeTelemetry(truth);
      if (used + 9 + payload.length > buf.length) flush();
      buf.writeDoubleLE(t, used);
      buf.writeUInt8(payload.length, used + 8);
      buf.set(payload, used + 9);
      used += 9 + payload.length;
      polls++;
    }
  }
  flush();
  closeSync(fd);

  const truthWh: Record<string, number[]> = {};
  for (const [serial, s] of session) {
    const bank = banked.get(serial) ?? s.last.map(() => 0);
    truthWh[serial] = bank.map((b, i) => b + (s.start === undefined ? 0 : s.last[i]!));
  }
  return { polls, missedPolls, sessions, truthWh };
}

const hourFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: TIME_ZONE,
  hour: "numeric",
  hourCycle: "h23",
});
function localHour(t: number): number {
  return Number(hourFormat.format(t));
}

export interface StreamRecord {
  atMs: number;
  payload: Uint8Array;
}

export function readStream(file: string): StreamRecord[] {
  const data = readFileSync(file);
  const out: StreamRecord[] = [];
  let off = 0;
  while (off < data.length) {
    const atMs = data.readDoubleLE(off);
    const len = data.readUInt8(off + 8);
    out.push({ atMs, payload: data.subarray(off + 9, off + 9 + len) });
    off += 9 + len;
  }
  return out;
}
