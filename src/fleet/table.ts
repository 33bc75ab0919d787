/** The fleet as text: a table for a terminal, one line per site for logs and pipes. */
import type { FleetSite } from "./sites.ts";

const DASH = "–";

/** "online", "offline", or "link down" when the broker bridge reports its site link lost. */
export function siteStatus(s: FleetSite): string {
  if (s.bridge_link === false) return "link down";
  return s.state ?? DASH;
}

function cells(s: FleetSite, now: number): string[] {
  return [
    s.site,
    s.base_topic,
    siteStatus(s),
    s.power_w === null ? DASH : `${Math.round(s.power_w)} W`,
    s.energy_today_kwh === null ? DASH : `${s.energy_today_kwh.toFixed(2)} kWh`,
    s.faults_open === null ? DASH : String(s.faults_open),
    ago(Date.parse(s.last_seen), now),
    s.limiter ?? DASH,
  ];
}

const HEAD = ["SITE", "BASE TOPIC", "STATUS", "POWER", "TODAY", "FAULTS", "LAST SEEN", "LIMITER"];
/** Numbers read best right-aligned. */
const RIGHT = new Set([3, 4, 5, 6]);

export function fleetTable(sites: FleetSite[], now: number): string {
  if (sites.length === 0) return "no localecu sites seen yet\n";
  const rows = [HEAD, ...sites.map((s) => cells(s, now))];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (RIGHT.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")
    .concat("\n");
}

/** One self-contained line per site update, for logs and pipes. */
export function fleetLine(s: FleetSite, now: number): string {
  const [site, base, status, power, today, faults, seen, limiter] = cells(s, now);
  return `${new Date(now).toISOString()} ${base} "${site}" ${status} power ${power} today ${today} faults ${faults} limiter ${limiter} (last seen ${seen})`;
}

function ago(then: number, now: number): string {
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}
