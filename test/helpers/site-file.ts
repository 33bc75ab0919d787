/** A temporary copy of examples/site.yaml pointed at a test broker and stick, as a user would edit it. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";

export const EXAMPLE_SITE = fileURLToPath(new URL("../../examples/site.yaml", import.meta.url));

export interface SiteFileOptions {
  /** stick.port: the emulator's tcp:// URL, or a dead address. */
  stick: string;
  /** mqtt.url; undefined = the embedded broker on `embeddedPort`. */
  mqttUrl?: string;
  embeddedPort?: number;
  /** Keep only these inverters (fewer to pair, a faster test). */
  serials?: string[];
  pollS?: number;
  baseTopic?: string;
  /** site.data_dir; default ./data next to the file. */
  dataDir?: string;
}

interface ExampleSite {
  site: { data_dir?: string };
  stick: { port: string };
  mqtt: unknown;
  homeassistant?: unknown;
  automations?: unknown;
  poll?: unknown;
  inverters: { serial: string }[];
  branches: { inverters: string[] }[];
  map: { arrays: { cells: { inverter: string }[] }[] };
}

/** Writes `<tmp>/site.yaml` (data_dir ./data next to it) and returns its path and folder. */
export function writeSiteFile(o: SiteFileOptions): { file: string; dir: string } {
  const site = parse(readFileSync(EXAMPLE_SITE, "utf8")) as ExampleSite;
  site.stick.port = o.stick;
  site.mqtt = {
    ...(o.mqttUrl ? { url: o.mqttUrl } : { embedded: { port: o.embeddedPort ?? 0 } }),
    base_topic: o.baseTopic ?? "localecu",
    discovery_prefix: "homeassistant",
  };
  delete site.homeassistant;
  delete site.automations;
  if (o.serials) {
    const keep = new Set(o.serials);
    site.inverters = site.inverters.filter((i: { serial: string }) => keep.has(i.serial));
    site.branches = site.branches
      .map((b: { inverters: string[] }) => ({ ...b, inverters: b.inverters.filter((s) => keep.has(s)) }))
      .filter((b: { inverters: string[] }) => b.inverters.length > 0);
    site.map.arrays = site.map.arrays
      .map((a: { cells: { inverter: string }[] }) => ({
        ...a,
        cells: a.cells.filter((c) => keep.has(c.inverter)),
      }))
      .filter((a: { cells: unknown[] }) => a.cells.length > 0);
  }
  if (o.pollS) site.poll = { interval_s: o.pollS };
  if (o.dataDir) site.site.data_dir = o.dataDir;
  const dir = mkdtempSync(join(tmpdir(), "localecu-site-"));
  const file = join(dir, "site.yaml");
  writeFileSync(file, stringify(site));
  return { file, dir };
}
