/** `localecu check` on the MQTT TLS settings: files that cannot serve, and TLS settings an mqtt:// url ignores. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkSite } from "../../../src/site/check/index.ts";
import { configOf, issuesOfObject, MINIMAL } from "../config/fixtures.ts";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const base = parse(MINIMAL) as Record<string, unknown>;

describe("check: mqtt.tls", () => {
  it("errors on a missing or non-PEM file, naming the setting and the file", () => {
    dir = mkdtempSync(join(tmpdir(), "localecu-check-tls-"));
    const ca = join(dir, "ca.pem");
    writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const cert = join(dir, "client.pem");
    writeFileSync(cert, "not a certificate");
    const key = join(dir, "missing.key");
    const config = configOf({ ...base, mqtt: { url: "mqtts://broker:8883", tls: { ca, cert, key } } });
    const found = checkSite(config, {}).filter((f) => f.rule === "tls-file");
    expect(found.map((f) => [f.severity, f.path, f.message])).toEqual([
      [
        "error",
        "mqtt.tls.cert",
        `${cert} is not a PEM file (no -----BEGIN line) — point mqtt.tls.cert at the client certificate (PEM)`,
      ],
      [
        "error",
        "mqtt.tls.key",
        `${key} cannot be read (ENOENT) — point mqtt.tls.key at the client's private key (PEM)`,
      ],
    ]);
  });

  it("warns that an mqtt:// url leaves the TLS settings unused, without the url's credentials", () => {
    const config = configOf({
      ...base,
      mqtt: { url: "mqtt://user:pw@broker:1883", tls: { reject_unauthorized: true } },
    });
    const found = checkSite(config, {}).filter((f) => f.rule === "tls-unused");
    expect(found.map((f) => [f.severity, f.path, f.message])).toEqual([
      [
        "warning",
        "mqtt.tls",
        "the url mqtt://broker:1883 is not encrypted, so mqtt.tls is not used — use mqtts:// (or wss://)",
      ],
    ]);
  });

  it.each([
    [
      { cert: "c.pem" },
      "site.yaml: mqtt.tls.key: missing: mqtt.tls.cert is set, and a client certificate needs both its cert and its key — set mqtt.tls.key to the client's private key file (PEM), or remove mqtt.tls.cert",
    ],
    [
      { key: "c.key" },
      "site.yaml: mqtt.tls.cert: missing: mqtt.tls.key is set, and a client certificate needs both its cert and its key — set mqtt.tls.cert to the client's certificate file (PEM), or remove mqtt.tls.key",
    ],
  ])("a client certificate without its other half is a config error: %j", (tls, line) => {
    expect(issuesOfObject({ ...base, mqtt: { url: "mqtts://b:8883", tls } })).toContain(line);
  });

  it("protocol_version takes 4 or 5, and says so", () => {
    expect(configOf({ ...base, mqtt: { protocol_version: 5 } }).mqtt.protocolVersion).toBe(5);
    expect(issuesOfObject({ ...base, mqtt: { protocol_version: 3 } })).toContain(
      "site.yaml: mqtt.protocol_version: expected one of 4, 5, got 3",
    );
  });
});
