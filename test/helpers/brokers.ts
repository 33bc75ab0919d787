/**
 * MQTT brokers for end-to-end tests: the embedded aedes broker always, and Debian's mosquitto when it is
 * installed — and always under CI=true, where its absence is a failure, not a skip (.ci/run installs it).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { startEmbeddedBroker } from "../../src/mqtt/broker.ts";

export interface TestBroker {
  url: string;
  port: number;
  /** Stop the broker and start a fresh one on the same port (retained messages are lost). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface BrokerKind {
  name: string;
  start(): Promise<TestBroker>;
}

export function mosquittoPath(): string | undefined {
  for (const p of ["/usr/sbin/mosquitto", "/usr/bin/mosquitto"]) if (existsSync(p)) return p;
  const r = spawnSync("sh", ["-c", "command -v mosquitto"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const aedes: BrokerKind = {
  name: "aedes (embedded)",
  async start() {
    let b = await startEmbeddedBroker({ port: 0 });
    const port = b.port;
    return {
      url: b.url,
      port,
      async restart() {
        await b.close();
        b = await startEmbeddedBroker({ port });
      },
      stop: () => b.close(),
    };
  },
};

function mosquitto(bin: string): BrokerKind {
  return { name: "mosquitto", start: () => startMosquitto({}, bin) };
}

export interface MosquittoOptions {
  /** A TLS listener (mqtts://) with this server certificate; requireCertificate asks clients for one. */
  tls?: { ca: string; cert: string; key: string; requireCertificate?: boolean };
  /** user → password: with it, clients without valid credentials are refused. */
  users?: Record<string, string>;
  /** More mosquitto.conf lines (bridges). */
  extra?: string;
}

export interface Mosquitto extends TestBroker {
  /** Its folder (config, password file, log), removed by stop(). */
  dir: string;
  /** What mosquitto logged so far, for failure messages. */
  log(): string;
  /** Stops the process, keeping its folder, until up(): an outage. */
  down(): Promise<void>;
  up(): Promise<void>;
}

/** A mosquitto of its own (plain and anonymous by default), on a free port of 127.0.0.1. */
export async function startMosquitto(o: MosquittoOptions = {}, bin = mosquittoPath()): Promise<Mosquitto> {
  if (!bin) throw new Error("mosquitto is not installed (apt-get install mosquitto)");
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "localecu-mosq-"));
  const conf = join(dir, "mosquitto.conf");
  const logFile = join(dir, "mosquitto.log");
  const lines = [`listener ${port} 127.0.0.1`, "persistence false", `log_dest file ${logFile}`];
  // Started as root, mosquitto becomes user "mosquitto", who cannot read our 0700 temp folders.
  if (process.getuid?.() === 0) lines.push("user root");
  if (o.tls) {
    lines.push(`cafile ${o.tls.ca}`, `certfile ${o.tls.cert}`, `keyfile ${o.tls.key}`);
    lines.push(`require_certificate ${o.tls.requireCertificate ? "true" : "false"}`);
  }
  if (o.users) {
    const file = join(dir, "passwords");
    writeFileSync(file, "");
    for (const [user, password] of Object.entries(o.users)) {
      const r = spawnSync(
        join(dirname(bin).replace(/sbin$/, "bin"), "mosquitto_passwd"),
        ["-b", file, user, password],
        {
          encoding: "utf8",
        },
      );
      if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
    }
    lines.push(`password_file ${file}`, "allow_anonymous false");
  } else lines.push("allow_anonymous true");
  if (o.extra) lines.push(o.extra);
  writeFileSync(conf, `${lines.join("\n")}\n`);
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(bin, ["-c", conf], { stdio: "ignore" });
    await waitForPort(port);
  };
  const kill = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  await launch();
  return {
    url: `${o.tls ? "mqtts" : "mqtt"}://127.0.0.1:${port}`,
    port,
    dir,
    log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""),
    down: () => kill(),
    up: () => launch(),
    async restart() {
      await kill();
      await launch();
    },
    // The config folder goes with the broker: a test run must not leave one per start in /tmp.
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const { connect } = await import("node:net");
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let warned = false;

/**
 * aedes, plus mosquitto when present. Under CI=true a missing mosquitto throws (it must run there);
 * elsewhere its absence is said once per test file, so a shorter run is never mistaken for a full one.
 */
export function brokerKinds(
  env: NodeJS.ProcessEnv = process.env,
  find: () => string | undefined = mosquittoPath,
  warn: (line: string) => void = (line) => console.warn(line),
): BrokerKind[] {
  const bin = find();
  if (!bin && env.CI === "true") {
    throw new Error("CI=true but mosquitto is not installed: .ci/run must apt-get install mosquitto");
  }
  if (!bin && !warned) {
    warned = true;
    warn(
      "⚠ mosquitto is not installed: the end-to-end tests run on aedes only, the mosquitto variant is SKIPPED " +
        "(apt-get install mosquitto to run it; under CI=true its absence fails the run)",
    );
  }
  return bin ? [aedes, mosquitto(bin)] : [aedes];
}
