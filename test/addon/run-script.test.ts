/**
 * addon/run.sh run the way the supervisor starts it (bashio runs the script), with a bashio shim on PATH
 * that answers the MQTT service's values and a stand-in `localecu` that records how it was started. The
 * site.yaml it writes goes through the real config loader; the password only through the file it names.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { resolveHaCredentials } from "../../src/ha/credentials.ts";
import { parseConfig, resolveSecret } from "../../src/site/config/index.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const RUN = join(ROOT, "addon/run.sh");
const PASSWORD = "s3cret-Pa55word";

// What `bashio` does for a script: load its functions, then run the script. Only the ones run.sh uses.
const BASHIO = `#!/usr/bin/env bash
bashio::services.available() { [[ -n "\${FAKE_MQTT_HOST:-}" ]]; }
bashio::services() { local v="FAKE_MQTT_\${2^^}"; printf '%s' "\${!v:-}"; }
bashio::log.info() { echo "[INFO] $*" >&2; }
bashio::log.warning() { echo "[WARNING] $*" >&2; }
bashio::exit.nok() { echo "[FATAL] $*" >&2; exit 1; }
source "$1"
`;
// Records its arguments and the environment it got, one per line.
const LOCALECU = `#!/usr/bin/env bash
{ printf 'arg=%s\\n' "$@"; echo "LOCALECU_LOG_LEVEL=$LOCALECU_LOG_LEVEL"; } >"$FAKE_RAN"
`;

let dir: string;
const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  output: string;
  site?: string;
  ran?: string;
}

function runAddon(
  options: Record<string, unknown>,
  mqtt: Record<string, string> | null,
  files: Record<string, string> = {},
): Run {
  dir = mkdtempSync(join(tmpdir(), "localecu-addon-"));
  made.push(dir);
  const bin = join(dir, "bin");
  const data = join(dir, "data");
  const config = join(dir, "config");
  for (const d of [bin, data, config]) mkdirSync(d);
  writeFileSync(join(bin, "bashio"), BASHIO);
  writeFileSync(join(bin, "localecu"), LOCALECU);
  chmodSync(join(bin, "bashio"), 0o755);
  chmodSync(join(bin, "localecu"), 0o755);
  writeFileSync(join(data, "options.json"), JSON.stringify(options));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(config, name), text);
  const fake = Object.fromEntries(
    Object.entries(mqtt ?? {}).map(([k, v]) => [`FAKE_MQTT_${k.toUpperCase()}`, v]),
  );
  const r = spawnSync("bashio", [RUN], {
    encoding: "utf8",
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      LOCALECU_ADDON_DATA: data,
      LOCALECU_ADDON_CONFIG: config,
      TZ: "Europe/Berlin",
      FAKE_RAN: join(dir, "ran"),
      ...fake,
    },
  });
  const read = (p: string) => {
    try {
      return readFileSync(p, "utf8");
    } catch {
      return undefined;
    }
  };
  return {
    status: r.status,
    output: r.stdout + r.stderr,
    site: read(join(data, "site.yaml")),
    ran: read(join(dir, "ran")),
  };
}

const MOSQUITTO = {
  host: "core-mosquitto",
  port: "1883",
  username: "addons",
  password: PASSWORD,
  ssl: "false",
};
const defaults = () =>
  parse(readFileSync(join(ROOT, "addon/config.yaml"), "utf8")).options as Record<string, unknown>;

describe("addon/run.sh", () => {
  it("is valid bash", () => {
    const r = spawnSync("bash", ["-n", RUN], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("with the default options writes a site.yaml the controller accepts, and asks for the stick", () => {
    const r = runAddon(defaults(), MOSQUITTO);
    expect(r.status).toBe(1);
    expect(r.output).toContain("stick_port: choose the ZigBee stick in the add-on's Configuration tab");
    expect(r.ran).toBeUndefined();
    const c = parseConfig(r.site!, join(dir, "data/site.yaml"));
    expect(c.mqtt.url).toBe("mqtt://core-mosquitto:1883");
    expect(c.mqtt.username).toBe("addons");
    expect(resolveSecret(c.mqtt.password!, "mqtt password", {})).toBe(PASSWORD);
    expect(statSync(join(dir, "data/mqtt-password")).mode & 0o777).toBe(0o600);
    expect(c.site).toMatchObject({
      name: "Solar",
      timezone: "Europe/Berlin",
      dataDir: join(dir, "data/localecu"),
    });
    expect(c.inverters).toEqual([]);
    expect(c.automations.exportLimit).toBeUndefined();
    expect(c.automations.faults).toBeDefined();
    expect(c.poll.intervalS).toBe(300);
    // No url: the link goes through the supervisor with the token it gives the add-on.
    expect(resolveHaCredentials(c.homeassistant, { SUPERVISOR_TOKEN: "t" })?.wsUrl).toBe(
      "ws://supervisor/core/websocket",
    );
    expect(r.output).not.toContain(PASSWORD);
    expect(r.site).not.toContain(PASSWORD);
    // The page where ingress looks for it: config.yaml's ingress_port, on the container's addresses.
    const ingressPort = parse(readFileSync(join(ROOT, "addon/config.yaml"), "utf8")).ingress_port;
    expect(parse(r.site!).web).toEqual({ port: ingressPort, bind: "0.0.0.0" });
    expect(c.web).toMatchObject({ port: ingressPort, bind: "0.0.0.0" });
  });

  it("maps every option to its site.yaml key and starts localecu on that file (worked example)", () => {
    const options = {
      site_name: "Garage roof",
      timezone: "Europe/Amsterdam",
      latitude: 52.37,
      longitude: 4.89,
      stick_port: "/dev/serial/by-id/usb-TI_CC2531-if00",
      ecu_id: "D8A3011B9780",
      inverters: [{ serial: "801000012345", name: "East 1" }, { serial: "408000158215" }],
      export_limit_meter: "sensor.grid_power",
      export_limit_target_w: 600,
      faults: true,
      fault_notify: ["notify.mobile_app_phone"],
      base_topic: "solar",
      discovery_prefix: "ha",
      poll_interval_s: 120,
      log_level: "debug",
      site_file: "",
    };
    // Every option in config.yaml's schema is in this example, so a new option needs a line here.
    const schema = parse(readFileSync(join(ROOT, "addon/config.yaml"), "utf8")).schema as Record<
      string,
      unknown
    >;
    expect(Object.keys(options).sort()).toEqual(Object.keys(schema).sort());
    const r = runAddon(options, { ...MOSQUITTO, ssl: "true", port: "8883" });
    expect(r.output).not.toContain(PASSWORD);
    expect(r.status).toBe(0);
    const site = join(dir, "data/site.yaml");
    expect(r.ran).toBe(`arg=start\narg=--config\narg=${site}\nLOCALECU_LOG_LEVEL=debug\n`);
    const c = parseConfig(r.site!, site);
    expect(c.site).toMatchObject({
      name: "Garage roof",
      timezone: "Europe/Amsterdam",
      latitude: 52.37,
      longitude: 4.89,
    });
    expect(c.stick).toMatchObject({ port: "/dev/serial/by-id/usb-TI_CC2531-if00", ecuId: "D8A3011B9780" });
    expect(c.inverters.map((i) => [i.serial, i.name])).toEqual([
      ["801000012345", "East 1"],
      ["408000158215", undefined],
    ]);
    expect(c.automations.exportLimit).toMatchObject({ targetW: 600, meter: { entity: "sensor.grid_power" } });
    expect(c.automations.faults?.notify).toEqual(["notify.mobile_app_phone"]);
    expect(c.mqtt).toMatchObject({
      url: "mqtts://core-mosquitto:8883",
      baseTopic: "solar",
      discoveryPrefix: "ha",
    });
    expect(c.poll.intervalS).toBe(120);
  });

  it("takes the user's own site.yaml from the add-on config folder and adds the broker", () => {
    const own = [
      "site: { name: Mine, timezone: Europe/Paris, data_dir: ./mine }",
      "stick: { port: /dev/ttyACM0 }",
      "inverters: [{ serial: '703000021300', name: DS3 south }]",
      "",
    ].join("\n");
    const r = runAddon({ ...defaults(), site_file: "site.yaml" }, MOSQUITTO, { "site.yaml": own });
    expect(r.status).toBe(0);
    const c = parseConfig(r.site!, join(dir, "data/site.yaml"));
    expect(c.site.name).toBe("Mine");
    expect(c.inverters[0]?.serial).toBe("703000021300");
    expect(c.mqtt.url).toBe("mqtt://core-mosquitto:1883");
    expect(resolveSecret(c.mqtt.password!, "mqtt password", {})).toBe(PASSWORD);
    expect(parse(r.site!).web).toEqual({ port: 8099, bind: "0.0.0.0" });
  });

  it("keeps a web: section the user's own site.yaml has, and says what ingress needs", () => {
    const own = "site: { timezone: UTC }\ninverters: []\nweb: { port: 8123 }\n";
    const r = runAddon({ ...defaults(), site_file: "site.yaml" }, MOSQUITTO, { "site.yaml": own });
    expect(r.status).toBe(0);
    expect(parse(r.site!).web).toEqual({ port: 8123 });
    expect(r.output).toContain("the page in Home Assistant needs web: {port: 8099, bind: 0.0.0.0}");
  });

  it("refuses a site_file with its own mqtt: section, and a missing one, saying what to do", () => {
    const withMqtt = "site: { timezone: UTC }\ninverters: []\nmqtt: { url: 'mqtt://x:1883' }\n";
    let r = runAddon({ ...defaults(), site_file: "site.yaml" }, MOSQUITTO, { "site.yaml": withMqtt });
    expect(r.status).toBe(1);
    expect(r.output).toContain(
      "has an mqtt: section — remove it: the add-on takes the broker from the MQTT service",
    );
    r = runAddon({ ...defaults(), site_file: "nope.yaml" }, MOSQUITTO);
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/site_file: .*\/config\/nope\.yaml does not exist/);
  });

  it("without an MQTT service stops with what to install", () => {
    const r = runAddon(defaults(), null);
    expect(r.status).toBe(1);
    expect(r.output).toContain("No MQTT broker: install and start the Mosquitto broker add-on");
    expect(r.site).toBeUndefined();
  });

  it("with a broker that has no password writes no password file", () => {
    const r = runAddon(
      { ...defaults(), stick_port: "/dev/ttyUSB0" },
      { ...MOSQUITTO, username: "", password: "" },
    );
    expect(r.status).toBe(0);
    const c = parseConfig(r.site!, join(dir, "data/site.yaml"));
    expect(c.mqtt.password).toBeUndefined();
    expect(c.mqtt.username).toBeUndefined();
  });
});
