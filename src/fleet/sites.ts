/**
 * What `localecu fleet` knows about each site, built from the retained topics every controller publishes
 * (src/entities/topics.ts): `<base>/bridge/info` says a localecu runs there and its site's name,
 * `<base>/bridge/state` whether it is online (the controller's will sets offline), `<base>/site` the site's
 * totals, and `<base>/bridge/link` the broker bridge's own notification when docs/fleet.md's bridge
 * configuration is used. Base topics are not known in advance, so the view subscribes with wildcards and
 * takes the base from the topic. Values are shown as the site published them, never recomputed.
 */
import { parseJsonObject } from "../json.ts";

/** Base topics of one or two levels (`localecu-a`, `installer/site-a`): MQTT has no "any depth, then". */
export const FLEET_SUBSCRIPTIONS: readonly string[] = ["+", "+/+"].flatMap((b) => [
  `${b}/bridge/info`,
  `${b}/bridge/state`,
  `${b}/bridge/link`,
  `${b}/site`,
]);

export interface FleetSite {
  base_topic: string;
  site: string;
  version: string | null;
  /** "online" / "offline" as the controller (or its will) said; null before it was seen. */
  state: string | null;
  /** The broker bridge between the site and here: true up, false down, null when not reported. */
  bridge_link: boolean | null;
  power_w: number | null;
  energy_today_kwh: number | null;
  /** The faults module's open count; null when the site does not run it. */
  faults_open: number | null;
  /** The export limiter's state (`export_limit_state`); null without a limiter. */
  limiter: string | null;
  /** When anything of this site last arrived (ISO time). */
  last_seen: string;
}

interface Entry {
  info?: { site: string; version: string | null };
  state?: string;
  link?: boolean;
  totals?: Record<string, unknown>;
  lastSeen: number;
}

const SUFFIXES = ["/bridge/info", "/bridge/state", "/bridge/link", "/site"] as const;

export class FleetBook {
  private readonly entries = new Map<string, Entry>();

  /** Takes one message; true when it changed what the table shows. */
  ingest(topic: string, payload: Buffer | string, now: number): boolean {
    const suffix = SUFFIXES.find((s) => topic.endsWith(s));
    if (!suffix) return false;
    const base = topic.slice(0, -suffix.length);
    if (base === "") return false;
    const text = payload.toString();
    let entry = this.entries.get(base);
    if (text === "" && suffix === "/bridge/info") {
      // A cleared info topic: the site was taken out of the fleet.
      return this.entries.delete(base);
    }
    if (!entry) {
      entry = { lastSeen: now };
      this.entries.set(base, entry);
    }
    entry.lastSeen = now;
    if (suffix === "/bridge/link") {
      entry.link = text.trim() === "1";
      return true;
    }
    const body = parseJsonObject(text);
    if (!body) return false;
    if (suffix === "/bridge/info") {
      // zigbee2mqtt also has <base>/bridge/info; only ours names a site and its base topic.
      if (typeof body.site !== "string" || body.base_topic !== base) {
        this.entries.delete(base);
        return false;
      }
      entry.info = { site: body.site, version: typeof body.version === "string" ? body.version : null };
    } else if (suffix === "/bridge/state") {
      if (typeof body.state === "string") entry.state = body.state;
    } else entry.totals = body;
    return entry.info !== undefined;
  }

  /** The localecu sites seen so far, by base topic. */
  sites(): FleetSite[] {
    const out: FleetSite[] = [];
    for (const [base, e] of [...this.entries].sort(([a], [b]) => a.localeCompare(b))) {
      if (!e.info) continue;
      const t = e.totals ?? {};
      out.push({
        base_topic: base,
        site: e.info.site,
        version: e.info.version,
        state: e.state ?? null,
        bridge_link: e.link ?? null,
        power_w: num(t.power),
        energy_today_kwh: num(t.energy_today),
        faults_open: num(t.faults_open),
        limiter: typeof t.export_limit_state === "string" ? t.export_limit_state : null,
        last_seen: new Date(e.lastSeen).toISOString(),
      });
    }
    return out;
  }
}

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
