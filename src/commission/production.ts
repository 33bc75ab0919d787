/**
 * First production check, per panel: does each panel produce, and within the range of its siblings
 * facing the same way (same tilt and azimuth in site.yaml's map)? Pure: DC power per input in, one
 * verdict per panel out.
 *
 * Rules (stated so the installer can judge them):
 * - a panel produces when its input reads at least PRODUCING_W;
 * - within range: between LOW_FACTOR and HIGH_FACTOR times the median of its orientation group. The
 *   band is wide on purpose: the demo roof's chimney takes 35 % off one panel and that is a fact of
 *   the roof, not a wiring fault; a dead string, a swapped input or a panel facing elsewhere is not.
 * - a group whose median is under MIN_MEDIAN_W cannot be judged (dusk, night): that is reported, and it
 *   is not a pass — run commission again in daylight.
 */
import type { Input, Orientation } from "../site/config/types.ts";

export const PRODUCING_W = 1;
export const LOW_FACTOR = 0.5;
export const HIGH_FACTOR = 1.5;
export const MIN_MEDIAN_W = 20;

export type ProductionStatus = "pass" | "no-production" | "low" | "high" | "no-reading" | "too-dark";

export interface PanelPlace {
  panel: string;
  serial: string;
  input: Input;
  orientation?: Orientation;
}

export interface PanelProduction extends PanelPlace {
  /** "tilt 35°, azimuth 180°", or "orientation not in site.yaml". */
  group: string;
  powerW?: number;
  /** Median of the group and the band it gives, when the group could be judged. */
  medianW?: number;
  rangeW?: readonly [number, number];
  status: ProductionStatus;
  message: string;
}

export function groupOf(o: Orientation | undefined): string {
  return o ? `tilt ${o.tiltDeg}°, azimuth ${o.azimuthDeg}°` : "orientation not in site.yaml";
}

/** `powers` maps "serial:input" to the input's DC power; an inverter that did not answer has no entry. */
export function checkProduction(
  panels: PanelPlace[],
  powers: ReadonlyMap<string, number>,
): PanelProduction[] {
  const groups = new Map<string, number[]>();
  for (const p of panels) {
    const w = powers.get(`${p.serial}:${p.input}`);
    const g = groupOf(p.orientation);
    if (!groups.has(g)) groups.set(g, []);
    if (w !== undefined) groups.get(g)!.push(w);
  }
  return panels.map((p): PanelProduction => {
    const group = groupOf(p.orientation);
    const powerW = powers.get(`${p.serial}:${p.input}`);
    const base = { ...p, group };
    const where = `${p.panel} (${p.serial} input ${p.input})`;
    if (powerW === undefined) {
      return { ...base, status: "no-reading", message: `${where}: no reading — its inverter did not answer` };
    }
    const values = groups.get(group)!;
    const medianW = median(values);
    const w = round1(powerW);
    if (medianW < MIN_MEDIAN_W) {
      return {
        ...base,
        powerW,
        medianW,
        status: "too-dark",
        message: `${where}: ${w} W; panels facing ${group} make ${round1(medianW)} W in the middle — too little light to judge, run commission again in daylight`,
      };
    }
    const rangeW = [LOW_FACTOR * medianW, HIGH_FACTOR * medianW] as const;
    const band = `${round1(rangeW[0])}–${round1(rangeW[1])} W (${LOW_FACTOR}–${HIGH_FACTOR} × the median ${round1(medianW)} W of ${values.length} panels facing ${group})`;
    const out = { ...base, powerW, medianW, rangeW };
    if (powerW < PRODUCING_W) {
      return {
        ...out,
        status: "no-production",
        message: `${where}: produces nothing (${w} W) while its siblings make ${band} — check the DC connectors of this input`,
      };
    }
    if (values.length < 2)
      return { ...out, status: "pass", message: `${where}: ${w} W (no sibling facing ${group})` };
    if (powerW < rangeW[0]) {
      return {
        ...out,
        status: "low",
        message: `${where}: ${w} W, below ${band} — shade, a damaged panel, or a panel on another face than the map says`,
      };
    }
    if (powerW > rangeW[1]) {
      return {
        ...out,
        status: "high",
        message: `${where}: ${w} W, above ${band} — is it on another face than the map says?`,
      };
    }
    return { ...out, status: "pass", message: `${where}: ${w} W, within ${band}` };
  });
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
