/** What the peers share: last readings, the meter, and turning a total limit into per-inverter writes. */
import {
  type InverterSpec,
  normalise,
  quantiseDown,
} from "../../../src/automations/export-limit/estimate.ts";
import type {
  LimiterInput,
  LimiterInverter,
  LimiterSettings,
  LimitWrite,
} from "../../../src/automations/export-limit/types.ts";

export class PeerState {
  readonly specs: InverterSpec[];
  readonly readingW: number[];
  readonly readingAtMs: number[];
  /** What each peer last asked per inverter (the value it believes is set). */
  readonly sentW: number[];
  gridW: number | undefined;
  meterAtMs: number | undefined;
  daylight = true;

  constructor(
    inverters: readonly LimiterInverter[],
    readonly settings: LimiterSettings,
  ) {
    this.specs = inverters.map((inv, i) => normalise(inv, `bench inverter ${i}`));
    this.readingW = this.specs.map(() => 0);
    this.readingAtMs = this.specs.map(() => Number.NEGATIVE_INFINITY);
    this.sentW = this.specs.map((s) => s.hiW);
  }

  get allowedW(): number {
    return this.settings.mode === "zero_export" ? 0 : this.settings.targetW;
  }

  /** Keeps the data every peer reads; returns the index of the inverter a reading is for. */
  see(i: LimiterInput): void {
    if (i.kind === "meter") {
      this.gridW = i.gridW;
      this.meterAtMs = i.atMs;
    } else if (i.kind === "reading") {
      const k = this.index(i.serial);
      this.readingW[k] = i.acPowerW;
      this.readingAtMs[k] = i.atMs;
    } else if (i.kind === "limit" || (i.kind === "write-result" && i.ok)) {
      this.sentW[this.index(i.serial)] = i.limitW;
    } else if (i.kind === "tick") this.daylight = i.daylight;
  }

  index(serial: string): number {
    return this.specs.findIndex((s) => s.serial === serial);
  }

  get production(): number {
    return this.readingW.reduce((s, w) => s + w, 0);
  }

  get minTotal(): number {
    return this.specs.reduce((s, x) => s + x.loW, 0);
  }

  get maxTotal(): number {
    return this.specs.reduce((s, x) => s + x.hiW, 0);
  }

  /**
   * Per-inverter writes for a total: split in proportion to `weight` (each inverter's last
   * reported output, or equal), each quantised down and kept in range; unchanged values skipped.
   */
  writesFor(totalW: number, weight: "output" | "equal"): LimitWrite[] {
    const total = Math.min(this.maxTotal, Math.max(this.minTotal, totalW));
    const w = this.specs.map((_, k) => (weight === "equal" ? 1 : Math.max(this.readingW[k]!, 1)));
    const share = waterFill(
      total,
      w,
      this.specs.map((s) => s.loW),
      this.specs.map((s) => s.hiW),
    );
    const out: LimitWrite[] = [];
    this.specs.forEach((spec, k) => {
      const limitW = quantiseDown(spec, share[k]!);
      if (limitW !== this.sentW[k]) {
        out.push({ serial: spec.serial, limitW });
        this.sentW[k] = limitW;
      }
    });
    return out;
  }
}

/** Splits `total` in proportion to `weight`, each between lo and hi; what one cannot take goes to the others. */
export function waterFill(total: number, weight: number[], lo: number[], hi: number[]): number[] {
  const out = lo.slice();
  let left = total - lo.reduce((s, x) => s + x, 0);
  let open = weight.map((_, i) => i).filter((i) => hi[i]! > lo[i]!);
  while (left > 1e-6 && open.length > 0) {
    const sum = open.reduce((s, i) => s + weight[i]!, 0);
    let spent = 0;
    for (const i of open) {
      const give = Math.min(hi[i]! - out[i]!, (left * weight[i]!) / sum);
      out[i]! += give;
      spent += give;
    }
    left -= spent;
    open = open.filter((i) => hi[i]! - out[i]! > 1e-6);
    if (spent < 1e-9) break;
  }
  return out;
}
