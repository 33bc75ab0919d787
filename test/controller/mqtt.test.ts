import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { Aedes } from "aedes";
import type { MqttClient } from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectMqtt } from "../../src/controller/mqtt.ts";
import { createLogger } from "../../src/log.ts";
import type { MqttConfig } from "../../src/site/config/types.ts";

const BASE: MqttConfig = { baseTopic: "localecu", discoveryPrefix: "homeassistant" };

async function broker(opts: { tls?: { key: Buffer; cert: Buffer } } = {}) {
  const aedes = await Aedes.createBroker();
  aedes.authenticate = (_c, user, pass, done) =>
    done(null, user === "localecu" && pass?.toString() === "s3cret");
  const server: Server = opts.tls ? createTlsServer(opts.tls, aedes.handle) : createServer(aedes.handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${opts.tls ? "mqtts" : "mqtt"}://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => aedes.close(() => r()))),
  };
}

function connect(url: string, config: MqttConfig, env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ client: MqttClient; result: string }>((resolve) => {
    const client = connectMqtt({
      url,
      config,
      env,
      onConnect: () => resolve({ client, result: "connected" }),
      onStatus: (s) => {
        if (s.state === "error") resolve({ client, result: `error: ${s.detail}` });
      },
    });
  });
}

describe("MQTT connection", () => {
  let dir: string;
  const clients: MqttClient[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "localecu-mqtt-"));
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.endAsync(true);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("logs in with a password from the environment, and is refused with a wrong one", async () => {
    const b = await broker();
    const ok = await connect(
      b.url,
      { ...BASE, username: "localecu", password: { env: "PW" } },
      { PW: "s3cret" },
    );
    clients.push(ok.client);
    expect(ok.result).toBe("connected");
    const bad = await connect(
      b.url,
      { ...BASE, username: "localecu", password: { env: "PW" } },
      { PW: "nope" },
    );
    clients.push(bad.client);
    expect(bad.result).toMatch(/error: .*(Not authorized|Bad username or password)/i);
    for (const c of clients.splice(0)) await c.endAsync(true);
    await b.close();
  });

  it("reads the password from a file and connects over TLS with the site's CA", async () => {
    const key = join(dir, "key.pem");
    const cert = join(dir, "cert.pem");
    const made = spawnSync("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ]);
    expect(made.status, made.stderr.toString()).toBe(0);
    writeFileSync(join(dir, "pw"), "s3cret\n");
    const b = await broker({ tls: { key: readFileSync(key), cert: readFileSync(cert) } });
    const config: MqttConfig = {
      ...BASE,
      username: "localecu",
      password: { file: join(dir, "pw") },
      tls: { ca: cert, rejectUnauthorized: true },
    };
    const ok = await connect(b.url, config);
    clients.push(ok.client);
    expect(ok.result).toBe("connected");
    // Without the CA the self-signed certificate is refused.
    const untrusted = await connect(b.url, { ...config, tls: { rejectUnauthorized: true } });
    clients.push(untrusted.client);
    expect(untrusted.result).toMatch(/error: .*(self.signed|certificate)/i);
    for (const c of clients.splice(0)) await c.endAsync(true);
    await b.close();
  });
});

describe("logging", () => {
  it("never writes secrets: password and token keys are redacted, URLs lose their password", async () => {
    const lines: string[] = [];
    const { Writable } = await import("node:stream");
    const sink = new Writable({
      write(chunk, _e, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = createLogger({ destination: sink });
    log.info(
      { password: "s3cret", mqtt: { token: "abc.def" }, config: { mqtt: { password: "s3cret" } } },
      "connecting",
    );
    const { safeUrl } = await import("../../src/log.ts");
    log.info({ url: safeUrl("mqtt://localecu:s3cret@broker:1883") }, "url");
    await new Promise((r) => setTimeout(r, 20));
    const all = lines.join("");
    expect(all).toContain("connecting");
    expect(all).toContain("mqtt://localecu@broker:1883");
    expect(all).not.toContain("s3cret");
    expect(all).not.toContain("abc.def");
  });
});
