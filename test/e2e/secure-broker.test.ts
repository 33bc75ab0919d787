/**
 * The controller against a broker that wants TLS, a client certificate and a password (mosquitto with a CA
 * made at test time): it comes up and publishes over MQTT 3.1.1 and 5; the wrong password or a CA the
 * broker's certificate does not come from stop the start with one line naming the setting; and in a whole
 * run neither the MQTT password nor the Home Assistant token appears in any log line or any payload.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { StartupError } from "../../src/controller/run.ts";
import { loadConfig } from "../../src/site/config/index.ts";
import { makeSecretRef } from "../../src/site/config/secret.ts";
import type { SiteConfig } from "../../src/site/config/types.ts";
import { type Mosquitto, startMosquitto } from "../helpers/brokers.ts";
import { startEmulatedController } from "../helpers/emulated-controller.ts";
import { HaTestServer } from "../helpers/ha-server.ts";
import { captureLogger } from "../helpers/log-capture.ts";
import { killAll, spawnCli } from "../helpers/process.ts";
import { writeSiteFile } from "../helpers/site-file.ts";
import { makeTestCa, type TestCa } from "../helpers/tls.ts";
import { waitFor } from "../helpers/wait.ts";

let ca: TestCa;
let broker: Mosquitto;
let scratch: string;
const PASSWORD = `mqtt-pw-${randomUUID()}`;

beforeAll(async () => {
  ca = makeTestCa();
  scratch = mkdtempSync(join(tmpdir(), "localecu-secure-"));
  broker = await startMosquitto({
    tls: { ca: ca.ca, ...ca.server, requireCertificate: true },
    users: { "site-a": PASSWORD, watcher: "watcher-pw" },
  });
});
afterEach(() => killAll());
afterAll(async () => {
  await broker?.stop();
  ca?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** examples/site.yaml pointed at the secure broker, with the password in a file as docs/fleet.md says. */
async function secureConfig(password: string, caFile = ca.ca): Promise<SiteConfig> {
  const config = await loadConfig(new URL("../../examples/site.yaml", import.meta.url).pathname);
  const dir = mkdtempSync(join(scratch, "site-"));
  const pwFile = join(dir, "mqtt-password");
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  const client = ca.client("site-a");
  config.site.dataDir = join(dir, "data");
  config.mqtt = {
    ...config.mqtt,
    url: broker.url,
    username: "site-a",
    password: makeSecretRef(pwFile),
    clientId: "localecu-site-a",
    tls: { ca: caFile, cert: client.cert, key: client.key, rejectUnauthorized: true },
  };
  return config;
}

/** Everything the broker carries, as a client with its own certificate sees it. */
async function watchAll(): Promise<{ seen: { topic: string; payload: string }[]; stop(): Promise<void> }> {
  const { readFileSync } = await import("node:fs");
  const cert = ca.client("watcher");
  const c = await mqtt.connectAsync(broker.url, {
    ca: readFileSync(ca.ca),
    cert: readFileSync(cert.cert),
    key: readFileSync(cert.key),
    username: "watcher",
    password: "watcher-pw",
  });
  const seen: { topic: string; payload: string }[] = [];
  c.on("message", (topic, payload) => seen.push({ topic, payload: payload.toString("utf8") }));
  await c.subscribeAsync("#");
  return { seen, stop: () => c.endAsync() };
}

describe("controller on mosquitto with TLS, client certificate and password", () => {
  it.each([4, 5] as const)(
    "MQTT %i: comes up, publishes, and no secret reaches a log line or a payload",
    async (protocolVersion) => {
      const token = `ha-token-${randomUUID()}`;
      const ha = await HaTestServer.start({ token });
      const tokenFile = join(scratch, `ha-token-${protocolVersion}`);
      writeFileSync(tokenFile, token, { mode: 0o600 });
      const config = await secureConfig(PASSWORD);
      config.mqtt.protocolVersion = protocolVersion;
      config.mqtt.baseTopic = `secure-v${protocolVersion}`;
      config.homeassistant = { url: ha.httpUrl, token: makeSecretRef(tokenFile) };
      const watcher = await watchAll();
      const log = captureLogger("debug");
      const running = await startEmulatedController(config, { logger: log.logger });
      try {
        const site = await waitFor("the site producing", () => {
          const m = watcher.seen.findLast((s) => s.topic === `secure-v${protocolVersion}/site`);
          const s = m && (JSON.parse(m.payload) as Record<string, unknown>);
          return s && Number(s.power) > 0 ? s : undefined;
        });
        expect(Number(site.energy_today)).toBeGreaterThan(0);
        expect(watcher.seen.find((s) => s.topic === `secure-v${protocolVersion}/bridge/state`)?.payload).toBe(
          '{"state":"online"}',
        );
        // The token was used: the Home Assistant link is up.
        await waitFor("the HA link up", () => running.ha?.linkState.state === "up");
        // mosquitto logs the protocol as its own enum: p2 = MQTT 3.1.1, p5 = MQTT 5.
        const logged = protocolVersion === 4 ? "p2" : "p5";
        expect(broker.log()).toMatch(new RegExp(`as localecu-site-a \\(${logged}, .*u'site-a'\\)`));
      } finally {
        await running.stop();
        await watcher.stop();
        await ha.close();
      }
      // Every record, every payload of the whole run: discovery, states, bridge topics, results.
      expect(log.records.length).toBeGreaterThan(5);
      expect(watcher.seen.some((s) => s.topic.startsWith("homeassistant/device/"))).toBe(true);
      for (const secret of [PASSWORD, token]) {
        expect(log.text()).not.toContain(secret);
        for (const s of watcher.seen) expect(s.payload, s.topic).not.toContain(secret);
      }
    },
  );

  it("the wrong password stops the start with one line naming mqtt.password_file, without the password", async () => {
    const wrong = `wrong-${randomUUID()}`;
    const config = await secureConfig(wrong);
    const err = await startEmulatedController(config).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(StartupError);
    expect(err!.message).not.toContain("\n");
    expect(err!.message).toMatch(
      /Not authori[sz]ed — check mqtt\.username and mqtt\.password_file \(.*mqtt-password\)/,
    );
    expect(err!.message).not.toContain(wrong);
    expect(err!.message).not.toContain(PASSWORD);
  });

  it("localecu start with the wrong password: exit 2 and one line on stderr naming the setting", async () => {
    const wrong = `wrong-${randomUUID()}`;
    // A dead stick address: MQTT is checked before the stick is opened.
    const site = writeSiteFile({ stick: "tcp://127.0.0.1:1", mqttUrl: broker.url, baseTopic: "secure-cli" });
    try {
      const yaml = parse(readFileSync(site.file, "utf8")) as { mqtt: Record<string, unknown> };
      const cert = ca.client("site-a");
      writeFileSync(join(site.dir, "mqtt-password"), wrong, { mode: 0o600 });
      yaml.mqtt = {
        ...yaml.mqtt,
        username: "site-a",
        password_file: "mqtt-password",
        tls: { ca: ca.ca, cert: cert.cert, key: cert.key },
      };
      writeFileSync(site.file, stringify(yaml));
      const p = spawnCli(["start", "--config", site.file]);
      expect((await p.exited).code).toBe(2);
      const lines = p.stderr().split("\n").filter(Boolean);
      expect(lines, p.stderr()).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^localecu: cannot connect to the MQTT broker at mqtts:\/\/127\.0\.0\.1:\d+: .*Not authori[sz]ed — check mqtt\.username and mqtt\.password_file \(.*mqtt-password\) in .*site\.yaml$/,
      );
      expect(p.stdout() + p.stderr()).not.toContain(wrong);
    } finally {
      rmSync(site.dir, { recursive: true, force: true });
    }
  });

  it("a broker certificate from another CA stops the start: set mqtt.tls.ca", async () => {
    const other = makeTestCa("some other CA");
    try {
      const config = await secureConfig(PASSWORD, other.ca);
      const err = await startEmulatedController(config).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(StartupError);
      expect(err!.message).not.toContain("\n");
      expect(err!.message).toMatch(
        /cannot connect to the MQTT broker at mqtts:\/\/127\.0\.0\.1:\d+: .*— the broker's certificate is not signed by the CA in mqtt\.tls\.ca \(.*ca\.pem\)/,
      );
    } finally {
      other.remove();
    }
  });

  it("without a client certificate the broker refuses: set mqtt.tls.cert and mqtt.tls.key", async () => {
    const config = await secureConfig(PASSWORD);
    config.mqtt.tls = { ca: ca.ca, rejectUnauthorized: true };
    const err = await startEmulatedController(config).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(StartupError);
    expect(err!.message).toMatch(
      /the broker wants a client certificate: set mqtt\.tls\.cert and mqtt\.tls\.key/,
    );
  });
});
