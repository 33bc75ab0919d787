/**
 * examples/site.yaml through the real config loader, as the end-to-end tests run it: pointed at the
 * test's broker (no login, no TLS), with a data folder of its own, and a Home Assistant link to the
 * test's HA protocol server or none. The caller removes `dataDir`.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/site/config/index.ts";
import { makeSecretRef } from "../../src/site/config/secret.ts";
import type { SiteConfig } from "../../src/site/config/types.ts";

export interface ExampleConfigOptions {
  brokerUrl: string;
  /** Names the data folder: localecu-<prefix>-XXXXXX in the temp folder. */
  prefix: string;
  /** The HA protocol server's URL and the env variable the token is read from. */
  ha?: { url: string; tokenEnv: string };
}

export async function exampleConfig(
  o: ExampleConfigOptions,
): Promise<{ config: SiteConfig; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), `localecu-${o.prefix}-`));
  const config = await loadConfig(new URL("../../examples/site.yaml", import.meta.url).pathname);
  config.site.dataDir = dataDir;
  Object.assign(config.mqtt, { url: o.brokerUrl, username: undefined, password: undefined, tls: undefined });
  config.homeassistant = o.ha ? { url: o.ha.url, token: makeSecretRef(undefined, o.ha.tokenEnv) } : undefined;
  return { config, dataDir };
}
