/**
 * The benchmark's site: N QS1 inverters × 4 panels, written as site.yaml text and read through the real
 * config path (parseConfig: schema, hardware checks, defaults), so the controller is configured exactly as
 * an installer's file would configure it. One 400 Wp module type, a south roof, a 60 s poll interval.
 */
import { parseConfig, type SiteConfig } from "../../src/site/config/index.ts";

export const POLL_INTERVAL_S = 60;
export const BASE_TOPIC = "localecu";

/** QS1 serials (801 prefix) numbered from 1: 801000100001, 801000100002, … */
export function serialOf(index: number): string {
  return `8010001${String(index + 1).padStart(5, "0")}`;
}

/** Topic-safe names (no spaces), so the observer can map a topic back to its inverter by hand. */
export function nameOf(index: number): string {
  return `inv${String(index + 1).padStart(4, "0")}`;
}

export function siteYaml(n: number, dataDir: string): string {
  const lines = [
    "stick:",
    "  port: tcp://127.0.0.1:9 # replaced by the in-process emulator",
    "  ecu_id: D8A3011B9780",
    "mqtt:",
    "  url: mqtt://127.0.0.1:1883 # replaced by the broker under test",
    `  base_topic: ${BASE_TOPIC}`,
    "site:",
    `  name: Scale bench ${n}`,
    "  timezone: Europe/Amsterdam",
    "  latitude: 52.37",
    "  longitude: 4.89",
    `  data_dir: ${JSON.stringify(dataDir)}`,
    "poll:",
    `  interval_s: ${POLL_INTERVAL_S}`,
    "modules:",
    "  m400:",
    "    make: Bench",
    "    model: M400",
    "    cells: 108",
    "    wp: 400",
    "    voc_v: 41.2",
    "    vmp_v: 34.2",
    "    imp_a: 11.7",
    "    isc_a: 12.28",
    "    temp_coeff_voc_pct_per_c: -0.25",
    "panels:",
  ];
  for (let i = 0; i < n * 4; i++) lines.push(`  P${i + 1}: m400`);
  lines.push("inverters:");
  for (let i = 0; i < n; i++) {
    const p = (k: number) => `P${i * 4 + k}`;
    lines.push(
      `  - serial: "${serialOf(i)}"`,
      `    name: ${nameOf(i)}`,
      `    channels: { A: ${p(1)}, B: ${p(2)}, C: ${p(3)}, D: ${p(4)} }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export function siteConfig(n: number, dataDir: string): SiteConfig {
  return parseConfig(siteYaml(n, dataDir), `scale-bench-${n}.yaml`);
}
