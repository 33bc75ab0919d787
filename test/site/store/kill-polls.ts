/** A deterministic poll stream (4 QS1, several days) shared by the kill -9 test and its child. */
import type { Telemetry } from "../../../src/protocol/types.ts";
import { at, telemetry } from "../energy/fixtures.ts";

export const KILL_SERIALS = ["801000000101", "801000000102", "801000000103", "801000000104"];

export interface SeqPoll {
  atMs: number;
  t: Telemetry;
}

/** Every 300 s from 06:00 to 20:00 local; power-up 05:30; constant power per day and unit. */
export function pollSequence(days = 6): SeqPoll[] {
  const out: SeqPoll[] = [];
  for (let d = 0; d < days; d++) {
    const powerUp = at(`2024-06-0${d + 1}T05:30+02:00`);
    for (let k = 0; k <= 168; k++) {
      const atMs = at(`2024-06-0${d + 1}T06:00+02:00`) + k * 300_000;
      const upS = (atMs - powerUp) / 1000;
      KILL_SERIALS.forEach((serial, u) => {
        const watts = [90, 110, 130, 150].map((w) => w + 10 * u + 5 * (d % 3));
        out.push({
          atMs,
          t: telemetry({ serial, uptimeS: upS, counters: watts.map((w) => (w * upS) / 3600) }),
        });
      });
    }
  }
  return out;
}
