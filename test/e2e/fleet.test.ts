/**
 * The installer's fleet as docs/fleet.md sets it up: two controllers, each on its own site mosquitto with
 * its own emulated inverters, each site broker bridged over TLS (client certificate and password, only the
 * localecu topics) to a central mosquitto, with the bridge configuration taken from the fenced block in
 * docs/fleet.md. `localecu fleet` (child process) reads both sites there; what it shows must be what each
 * site published on its own broker. Site A's controller speaks MQTT 3.1.1, site B's MQTT 5.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningController } from "../../src/controller/run.ts";
import { loadConfig } from "../../src/site/config/index.ts";
import { type Mosquitto, startMosquitto } from "../helpers/brokers.ts";
import { BIN } from "../helpers/cli.ts";
import { startEmulatedController } from "../helpers/emulated-controller.ts";
import { killAll, spawnCli } from "../helpers/process.ts";
import { makeTestCa, type TestCa } from "../helpers/tls.ts";
import { waitFor } from "../helpers/wait.ts";

const DOC = new URL("../../docs/fleet.md", import.meta.url).pathname;

/** The fenced block after docs/fleet.md's bridge-template marker, with every {{…}} filled in. */
function bridgeConfig(values: Record<string, string>): string {
  const doc = readFileSync(DOC, "utf8");
  const block = /<!-- bridge-template[^>]*-->\n```conf\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error("docs/fleet.md lost its bridge-template block");
  const filled = block.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`docs/fleet.md uses {{${name}}}, which the test does not fill`);
    return v;
  });
  return filled;
}

interface Site {
  key: string;
  name: string;
  base: string;
  broker: Mosquitto;
  controller: RunningController;
  /** Every `<base>/site` payload the site's own broker carried, in order. */
  totals: Record<string, unknown>[];
  stopWatch(): Promise<void>;
  stopped?: boolean;
}

let ca: TestCa;
let central: Mosquitto;
let scratch: string;
let installerPw: string;
const sites: Site[] = [];

async function startSite(
  key: string,
  name: string,
  base: string,
  password: string,
  start: string,
): Promise<Site> {
  const cert = ca.client(key);
  const broker = await startMosquitto({
    extra: bridgeConfig({
      SITE: key,
      BASE_TOPIC: base,
      CENTRAL_HOST: "127.0.0.1",
      CENTRAL_PORT: String(central.port),
      REMOTE_PASSWORD: password,
      CA_FILE: ca.ca,
      CERT_FILE: cert.cert,
      KEY_FILE: cert.key,
    }),
  });
  const watcher = await mqtt.connectAsync(broker.url);
  const totals: Record<string, unknown>[] = [];
  watcher.on("message", (topic, payload) => {
    if (topic === `${base}/site`) totals.push(JSON.parse(payload.toString()) as Record<string, unknown>);
  });
  await watcher.subscribeAsync(`${base}/site`);
  const config = await loadConfig(new URL("../../examples/site.yaml", import.meta.url).pathname);
  config.site.name = name;
  config.site.dataDir = mkdtempSync(join(scratch, `data-${key}-`));
  delete config.homeassistant;
  config.mqtt = { ...config.mqtt, url: broker.url, baseTopic: base, clientId: `localecu-${key}` };
  // Site B's controller speaks MQTT 5 to its broker, site A's 3.1.1: the bridge and the view do not care.
  if (key === "site-b") config.mqtt.protocolVersion = 5;
  delete config.mqtt.username;
  delete config.mqtt.password;
  delete config.mqtt.tls;
  const controller = await startEmulatedController(config, {
    start: Date.parse(start),
    speed: 30,
    ecuId: key === "site-a" ? "D8A3011B9780" : "D8A3011B9781",
  });
  return { key, name, base, broker, controller, totals, stopWatch: () => watcher.endAsync() };
}

beforeAll(async () => {
  ca = makeTestCa();
  scratch = mkdtempSync(join(tmpdir(), "localecu-fleet-"));
  installerPw = `installer-${randomUUID()}`;
  const pw = { a: `bridge-a-${randomUUID()}`, b: `bridge-b-${randomUUID()}` };
  central = await startMosquitto({
    tls: { ca: ca.ca, ...ca.server, requireCertificate: true },
    users: { installer: installerPw, "site-a": pw.a, "site-b": pw.b },
  });
  // Midday and early morning: two clearly different sites. Site B's base has two levels.
  sites.push(await startSite("site-a", "Site A", "localecu-a", pw.a, "2026-06-21T12:00:00+02:00"));
  sites.push(await startSite("site-b", "Site B", "installer/site-b", pw.b, "2026-06-21T08:00:00+02:00"));
}, 60_000);

afterEach(() => killAll());
afterAll(async () => {
  for (const s of sites) {
    if (!s.stopped) await s.controller.stop();
    await s.stopWatch();
    await s.broker.stop();
  }
  await central?.stop();
  ca?.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** The installer's side: a client certificate of its own and the password in a file. */
function fleetArgs(): string[] {
  const cert = ca.client("installer");
  const pwFile = join(scratch, "central-password");
  writeFileSync(pwFile, installerPw, { mode: 0o600 });
  return [
    "fleet",
    "--mqtt",
    central.url,
    "--ca",
    ca.ca,
    "--cert",
    cert.cert,
    "--key",
    cert.key,
    "--username",
    "installer",
    "--password-file",
    pwFile,
  ];
}

describe("localecu fleet over bridged mosquittos (docs/fleet.md)", () => {
  it("--json lists both sites from the central broker with the values each site published", async () => {
    for (const s of sites)
      await waitFor(`${s.name} producing`, () => s.totals.some((t) => Number(t.power) > 0), 60_000);
    const p = spawnCli([...fleetArgs(), "--json", "--wait-s", "2"]);
    const { code } = await p.exited;
    expect(code, p.stderr()).toBe(0);
    const out = JSON.parse(p.stdout()) as { broker: string; sites: Record<string, unknown>[] };
    expect(out.broker).toBe(central.url);
    expect(out.sites.map((s) => [s.base_topic, s.site, s.state, s.bridge_link])).toEqual([
      ["installer/site-b", "Site B", "online", true],
      ["localecu-a", "Site A", "online", true],
    ]);
    for (const s of sites) {
      const row = out.sites.find((r) => r.base_topic === s.base)!;
      // One of the payloads the site's own broker carried, whole: power, energy and limiter together.
      const own = s.totals.map((t) => ({
        power_w: t.power,
        energy_today_kwh: t.energy_today,
        faults_open: t.faults_open,
        limiter: t.export_limit_state,
      }));
      expect(own, `${s.name}: ${JSON.stringify(row)}`).toContainEqual({
        power_w: row.power_w,
        energy_today_kwh: row.energy_today_kwh,
        faults_open: row.faults_open,
        limiter: row.limiter,
      });
      expect(Number(row.power_w)).toBeGreaterThan(0);
    }
    // Two different sites, not one read twice.
    expect(out.sites[0]!.power_w).not.toBe(out.sites[1]!.power_w);
  });

  it("the central broker carries only the localecu topics: no discovery, nothing else from the site brokers", async () => {
    const cert = ca.client("installer");
    const c = await mqtt.connectAsync(central.url, {
      ca: readFileSync(ca.ca),
      cert: readFileSync(cert.cert),
      key: readFileSync(cert.key),
      username: "installer",
      password: installerPw,
    });
    const topics = new Set<string>();
    c.on("message", (topic) => topics.add(topic));
    await c.subscribeAsync("#");
    // Each controller publishes Home Assistant discovery on its site broker: it must stay there.
    const local = await mqtt.connectAsync(sites[0]!.broker.url);
    let discovery = 0;
    local.on("message", () => discovery++);
    await local.subscribeAsync("homeassistant/#");
    await waitFor("discovery on site A's broker", () => discovery > 0);
    await local.endAsync();
    await waitFor(
      "both sites' totals",
      () => topics.has("localecu-a/site") && topics.has("installer/site-b/site"),
    );
    await c.endAsync();
    const foreign = [...topics].filter(
      (t) => !t.startsWith("localecu-a/") && !t.startsWith("installer/site-b/"),
    );
    expect(foreign).toEqual([]);
  });

  it("without --json and without a terminal, prints one line per site (MQTT 5 to the central broker)", async () => {
    const p = spawnCli([...fleetArgs(), "--protocol", "5"]);
    await p.waitForOutput(/ localecu-a "Site A" online power \d+ W today [\d.]+ kWh faults \d+ limiter \w+/);
    await p.waitForOutput(/ installer\/site-b "Site B" online power \d+ W/);
    p.child.kill("SIGINT");
    expect((await p.exited).code).toBe(0);
    // mosquitto logs the protocol as its own enum: p5 = MQTT 5, p2 = MQTT 3.1.1.
    expect(central.log()).toMatch(/as localecu-fleet-[0-9a-f]+ \(p5, .*u'installer'\)/);
    expect(sites[0]!.broker.log()).toMatch(/as localecu-site-a \(p2,/);
    expect(sites[1]!.broker.log()).toMatch(/as localecu-site-b \(p5,/);
  });

  it("on a terminal, redraws the table in place with both sites", async () => {
    // util-linux `script` gives the view a pseudo-terminal, as an installer's shell would.
    // `exec`: script runs the command through $SHELL, and dash (CI has no SHELL set) forks instead of
    // exec'ing, so Ctrl-C would kill the shell (exit 130) rather than reach the fleet view.
    const cmd = ["exec", process.execPath, BIN, ...fleetArgs()].join(" ");
    const child = spawn("script", ["-qfec", cmd, "/dev/null"], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, SHELL: "/bin/sh" },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await waitFor("a table with both sites", () => {
        const frames = out.split("\x1b[H\x1b[2J");
        const last = frames.length > 2 ? frames[frames.length - 2]! : "";
        return (
          /SITE +BASE TOPIC +STATUS +POWER +TODAY +FAULTS +LAST SEEN +LIMITER/.test(last) &&
          /Site A +localecu-a +online +\d+ W +[\d.]+ kWh/.test(last) &&
          /Site B +installer\/site-b +online +\d+ W/.test(last)
        );
      });
      child.stdin.write("\x03"); // Ctrl-C
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("a wrong installer password is one line naming --password-file, without the password", async () => {
    const args = fleetArgs();
    const pwFile = join(scratch, "wrong-password");
    writeFileSync(pwFile, "not-the-password");
    args[args.indexOf("--password-file") + 1] = pwFile;
    const p = spawnCli([...args, "--json"]);
    expect((await p.exited).code).toBe(2);
    const lines = p.stderr().split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^localecu: cannot connect to the MQTT broker at mqtts:\/\/127\.0\.0\.1:\d+: .*Not authori[sz]ed — check --username and --password-file \(.*wrong-password\)$/,
    );
    expect(p.stderr()).not.toContain("not-the-password");
  });

  // Last: it takes site B's link away.
  it("a site whose bridge dropped shows as link down (the bridge's will on <base>/bridge/link)", async () => {
    await sites[1]!.broker.down();
    const p = spawnCli([...fleetArgs(), "--json", "--wait-s", "1"]);
    expect((await p.exited).code, p.stderr()).toBe(0);
    const out = JSON.parse(p.stdout()) as { sites: Record<string, unknown>[] };
    expect(out.sites.map((s) => [s.base_topic, s.bridge_link])).toEqual([
      ["installer/site-b", false],
      ["localecu-a", true],
    ]);
    // A controller asked to stop while its broker is away still stops (and says nothing to nobody).
    await sites[1]!.controller.stop();
    sites[1]!.stopped = true;
    await sites[1]!.broker.up();
  });

  it("a site whose controller died shows offline: its last will, carried over the bridge", async () => {
    // A forced end drops the connection without DISCONNECT, as a crash or a power cut would.
    await sites[0]!.controller.client.endAsync(true);
    await waitFor("the will on site A's broker", () =>
      /Client localecu-site-a closed its connection/.test(sites[0]!.broker.log()),
    );
    const p = spawnCli([...fleetArgs(), "--json", "--wait-s", "1"]);
    expect((await p.exited).code, p.stderr()).toBe(0);
    const out = JSON.parse(p.stdout()) as { sites: Record<string, unknown>[] };
    expect(out.sites.find((s) => s.base_topic === "localecu-a")).toMatchObject({
      state: "offline",
      bridge_link: true,
    });
  });
});
