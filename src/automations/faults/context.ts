/** What every finding family sees when a round is judged. */
import type { FindingBook } from "./book.ts";
import type { InverterMemory } from "./memory.ts";
import type { DiagnosisSettings, FaultLayout, FaultSource } from "./types.ts";

/** The source's link (the stick, or the vendor ECU answering), restarts and the store. */
export interface StickState {
  up: boolean;
  /** When it went down (undefined while up, or never seen down). */
  downSinceMs: number | undefined;
  detail: string | undefined;
  /** Times of the stick's own restarts, newest last. */
  resets: number[];
  storeOk: boolean;
  storeFailedAtMs: number | undefined;
  storeDetail: string | undefined;
}

export interface RoundContext {
  atMs: number;
  sunElevationDeg: number;
  /** The sun high enough that a silent inverter is not just asleep (src/site/sun.ts). */
  daylight: boolean;
  settings: DiagnosisSettings;
  timezone: string;
  inverters: readonly InverterMemory[];
  /** Read-only here: which findings are open (families use it to avoid telling the same story twice). */
  book: FindingBook;
  stick: StickState;
  /** Which source reads the inverters: the advice names what the owner has (a stick, or the ECU). */
  source: FaultSource;
  /** What the protection settings are held to (site.grid_code); undefined: siblings only. */
  grid: FaultLayout["grid"];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** AC output per connected panel of its freshest reading, W. */
export function acPerPanel(inv: InverterMemory): number {
  return ((inv.fresh ?? inv.last)?.acPowerW ?? 0) / inv.panelCount();
}

/** Other inverters with a recent reading (this round's, or the last round's in a recheck). */
export function answeredNeighbours(ctx: RoundContext, inv: InverterMemory): InverterMemory[] {
  return ctx.inverters.filter((o) => o !== inv && o.recent(ctx.atMs) !== undefined);
}
