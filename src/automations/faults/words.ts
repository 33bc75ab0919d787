/** How findings name places and times: the way a homeowner reads them, not a status dump. */
import { hourMinute } from "../../zone.ts";
import type { LayoutInverter, LayoutPanel } from "./types.ts";

/** "South top left (south roof, row 1 col 1)", or "Inverter 801000012345" when nothing else is known. */
export function place(inv: LayoutInverter): string {
  const name = inv.label && inv.label !== inv.serial ? inv.label : `Inverter ${inv.serial}`;
  return inv.position ? `${name} (${inv.position})` : name;
}

/** Short name for titles: the label or the serial. */
export function shortName(inv: LayoutInverter): string {
  return inv.label && inv.label !== inv.serial ? inv.label : `inverter ${inv.serial}`;
}

/** "panel S1 (input A)" */
export function panelName(p: LayoutPanel): string {
  const name = p.name ?? p.id;
  return `panel ${name} (input ${p.input})`;
}

/** Local wall-clock time "10:42" in the site's zone. */
export function clockTime(atMs: number, timezone: string): string {
  return hourMinute(atMs, timezone);
}

/** Local date "2 Dec" for day-long judgements. */
export function dayName(atMs: number, timezone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: timezone, day: "numeric", month: "short" }).format(
    new Date(atMs),
  );
}

export const v1 = (v: number): string => `${v.toFixed(1)} V`;
export const hz2 = (f: number): string => `${f.toFixed(2)} Hz`;
export const w0 = (w: number): string => `${Math.round(w)} W`;
export const c0 = (c: number): string => `${Math.round(c)} °C`;

export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
