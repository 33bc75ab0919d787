/**
 * Whether the meter can be trusted: fresh (a sample within meterTimeoutS), not frozen (a meter that
 * repeats the very same value while the inverters' output moves a lot is stuck: a dead P1 reader,
 * an HA entity that stopped updating but keeps its state), and its links up.
 */
export const FROZEN_MIN_S = 30;
/** Output change that a live meter cannot miss, W (or this share of the output, if larger). */
const FROZEN_OUTPUT_W = 100;
const FROZEN_OUTPUT_SHARE = 0.2;

export type MeterTrouble =
  | { kind: "stale"; silentS: number }
  | { kind: "frozen"; valueW: number; sinceS: number }
  | { kind: "link"; link: string; detail: string | undefined };

export class MeterWatch {
  lastAtMs: number | undefined;
  lastW: number | undefined;
  /** When the present value first appeared, and the estimated output then. */
  private sameSinceMs: number | undefined;
  private outputAtSameW = 0;
  private frozen = false;
  private readonly linksDown = new Map<string, string | undefined>();

  sample(gridW: number, atMs: number, outputW: number): void {
    if (gridW !== this.lastW) {
      this.sameSinceMs = atMs;
      this.outputAtSameW = outputW;
      this.frozen = false;
    }
    this.lastW = gridW;
    this.lastAtMs = atMs;
  }

  /** Checked on each new output estimate from a reading: a big move with the same meter value = frozen. */
  outputMoved(outputW: number, atMs: number): void {
    if (this.sameSinceMs === undefined || this.lastAtMs === undefined) return;
    const moved = Math.abs(outputW - this.outputAtSameW);
    const big = Math.max(FROZEN_OUTPUT_W, FROZEN_OUTPUT_SHARE * this.outputAtSameW);
    if (moved >= big && atMs - this.sameSinceMs >= FROZEN_MIN_S * 1000) this.frozen = true;
  }

  link(name: string, up: boolean, detail: string | undefined): void {
    if (up) this.linksDown.delete(name);
    else this.linksDown.set(name, detail);
  }

  trouble(nowMs: number, timeoutS: number): MeterTrouble | undefined {
    for (const [link, detail] of this.linksDown) return { kind: "link", link, detail };
    if (this.lastAtMs === undefined) return undefined;
    const silentS = (nowMs - this.lastAtMs) / 1000;
    if (silentS >= timeoutS) return { kind: "stale", silentS };
    if (this.frozen)
      return { kind: "frozen", valueW: this.lastW!, sinceS: (nowMs - this.sameSinceMs!) / 1000 };
    return undefined;
  }
}
