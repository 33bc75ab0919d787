/** Small site.yaml texts for the config, map, check and replace tests. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { ConfigError, parseConfig, type SiteConfig } from "../../../src/site/config/index.ts";

export const EXAMPLE_PATH = fileURLToPath(new URL("../../../examples/site.yaml", import.meta.url));
export const EXAMPLE = readFileSync(EXAMPLE_PATH, "utf8");
export const FIXTURES = fileURLToPath(new URL("../../fixtures/site/", import.meta.url));

/** The smallest valid file: one QS1, nothing else. */
export const MINIMAL = `site:
  timezone: Europe/Amsterdam
inverters:
  - serial: "801000012345"
`;

/** Formatted issue lines of a text that must fail to load. */
export function issuesOf(text: string, file = "site.yaml"): string[] {
  try {
    parseConfig(text, file);
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split("\n");
    throw e;
  }
  throw new Error("expected the configuration to be rejected");
}

/** Same, for a config written as a JS object (snake_case keys as in YAML). */
export function issuesOfObject(obj: unknown): string[] {
  return issuesOf(stringify(obj));
}

export function configOf(obj: unknown): SiteConfig {
  return parseConfig(stringify(obj), "site.yaml");
}

export const MODULE_400 = {
  wp: 400,
  voc_v: 41.2,
  vmp_v: 34.2,
  imp_a: 11.7,
  isc_a: 12.28,
  temp_coeff_voc_pct_per_c: -0.25,
};
