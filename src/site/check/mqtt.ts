/**
 * The MQTT TLS files of site.yaml, checked before a start needs them: a missing CA or client certificate
 * would otherwise surface as a TLS handshake error on the broker's side, far from the setting at fault.
 */
import { readFileSync } from "node:fs";
import type { SiteConfig } from "../config/types.ts";
import type { Finding } from "./types.ts";

const SOURCE = "localecu: MQTT over TLS (docs/fleet.md)";

export function checkMqttTls(config: SiteConfig): Finding[] {
  const { tls, url } = config.mqtt;
  if (!tls) return [];
  const out: Finding[] = [];
  for (const key of ["ca", "cert", "key"] as const) {
    const file = tls[key];
    if (file === undefined) continue;
    const problem = unreadablePem(file);
    if (problem)
      out.push({
        severity: "error",
        rule: "tls-file",
        path: `mqtt.tls.${key}`,
        message: `${file} ${problem} — point mqtt.tls.${key} at the ${WHAT[key]} (PEM)`,
        source: SOURCE,
      });
  }
  // mqtt.js uses the TLS options only for mqtts:// and wss://: over mqtt:// they would be silently unused.
  if (url !== undefined && !/^(mqtts|wss):/.test(url))
    out.push({
      severity: "warning",
      rule: "tls-unused",
      path: "mqtt.tls",
      message: `the url ${url.replace(/\/\/[^@/]*@/, "//")} is not encrypted, so mqtt.tls is not used — use mqtts:// (or wss://)`,
      source: SOURCE,
    });
  return out;
}

const WHAT = { ca: "CA certificate", cert: "client certificate", key: "client's private key" } as const;

/** Why `file` cannot serve as a PEM file, or undefined when it can. */
function unreadablePem(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    return `cannot be read (${(e as NodeJS.ErrnoException).code ?? "unreadable"})`;
  }
  return text.includes("-----BEGIN ") ? undefined : "is not a PEM file (no -----BEGIN line)";
}
