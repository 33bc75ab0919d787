/**
 * What each tile shows, worked out from the map and `hass` without any drawing: watts, how full the tile's
 * colour is, whether the panel lags its peers, and the inverter's open findings. Pure, so the local page
 * and the card agree.
 */
import type { HassLike, MapArrayState, MapCellState, SiteMapState } from "./hass.ts";
import { resolveEntity } from "./resolve.ts";

/** A panel below this share of its roof face's median (power per Wp) is marked as lagging. */
export const LAGGING_SHARE = 0.6;
/** …but only while the face's median gives at least this much per Wp (not at dawn). */
const MIN_MEDIAN = 0.05;

export interface PanelTile {
  label: string;
  input: string;
  entity?: string;
  /** undefined = unknown or unavailable */
  watts?: number;
  wp?: number;
  /** 0…1: watts per Wp (per the array's best panel when no rating is known). */
  level: number;
  lagging: boolean;
  /** Power as a share of the face's median, when there is a median worth comparing with. */
  ofPeers?: number;
}

export interface InverterBlock {
  serial: string;
  name: string;
  model?: string;
  problem?: string;
  /** Open findings, one line each ("Ground fault: South top left — check …"). */
  findings: string[];
  cell: MapCellState;
  panels: PanelTile[];
}

export interface ArrayView {
  array: MapArrayState;
  caption: string;
  blocks: InverterBlock[];
}

const CHANNEL: Record<string, number> = { A: 1, B: 2, C: 3, D: 4 };

function numberState(hass: HassLike, id: string | undefined): number | undefined {
  const s = id === undefined ? undefined : hass.states[id]?.state;
  if (s === undefined || s === "" || s === "unknown" || s === "unavailable") return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function findingLines(hass: HassLike, problem: string | undefined): string[] {
  const st = problem === undefined ? undefined : hass.states[problem];
  if (st?.state !== "on") return [];
  const list = st.attributes.findings;
  if (!Array.isArray(list) || list.length === 0) return ["Problem reported (no details)"];
  return list.map((f: Record<string, unknown>) =>
    [f.title, f.advice].filter((t) => typeof t === "string" && t !== "").join(" — "),
  );
}

const COMPASS = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"];

export function caption(a: MapArrayState): string {
  if (a.azimuth === undefined || a.tilt === undefined) return a.label;
  const dir = COMPASS[Math.round((((a.azimuth % 360) + 360) % 360) / 45) % 8];
  return `${a.label} · ${a.tilt}° tilt, facing ${dir} (${a.azimuth}°)`;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? undefined : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export function arrayViews(hass: HassLike, map: SiteMapState): ArrayView[] {
  return map.arrays.map((array) => {
    const blocks: InverterBlock[] = array.cells.map((cell) => {
      const inv = map.inverters[cell.inverter];
      const problem = inv?.problem && resolveEntity(hass, inv.problem, cell.inverter);
      const panels = cell.panels.map((p): PanelTile => {
        const entity = inv && resolveEntity(hass, `${inv.panel_power}${CHANNEL[p.input]}`, cell.inverter);
        const watts = numberState(hass, entity);
        return {
          label: p.id ?? p.input,
          input: p.input,
          ...(entity ? { entity } : {}),
          ...(watts !== undefined ? { watts } : {}),
          ...(p.wp !== undefined ? { wp: p.wp } : {}),
          level: 0,
          lagging: false,
        };
      });
      return {
        serial: cell.inverter,
        name: inv?.name ?? cell.inverter,
        ...(inv?.model ? { model: inv.model } : {}),
        ...(problem ? { problem } : {}),
        findings: findingLines(hass, problem),
        cell,
        panels,
      };
    });
    rate(blocks.flatMap((b) => b.panels));
    return { array, caption: caption(array), blocks };
  });
}

/** Fills level, ofPeers and lagging for the panels of one roof face. */
function rate(panels: PanelTile[]): void {
  const best = Math.max(0, ...panels.map((p) => p.watts ?? 0));
  const perWp = (p: PanelTile) =>
    p.watts === undefined ? undefined : p.wp ? p.watts / p.wp : best > 0 ? p.watts / best : 0;
  const m = median(panels.map(perWp).filter((x): x is number => x !== undefined));
  for (const p of panels) {
    const share = perWp(p);
    if (share === undefined) continue;
    p.level = Math.max(0, Math.min(1, share));
    if (m !== undefined && m >= MIN_MEDIAN) {
      p.ofPeers = share / m;
      p.lagging = p.ofPeers < LAGGING_SHARE;
    }
  }
}

/** The tile's tooltip: what, where, how much, and the inverter's findings. */
export function tileTitle(b: InverterBlock, p: PanelTile): string {
  const head = `${p.label} — ${b.name}, input ${p.input}`;
  const watts =
    p.watts === undefined
      ? "no reading"
      : `${Math.round(p.watts)} W${p.wp ? ` of ${p.wp} Wp (${Math.round((100 * p.watts) / p.wp)}%)` : ""}`;
  const peers = p.ofPeers === undefined ? "" : `, ${Math.round(p.ofPeers * 100)}% of its roof face's median`;
  return [`${head}: ${watts}${peers}`, ...b.findings.map((f) => `⚠ ${f}`)].join("\n");
}
