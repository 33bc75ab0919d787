/**
 * The demo's options: where it keeps its data, and where its broker listens. Listening beyond this
 * machine is allowed but said loudly (child process: the warning is what a user sees).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDemoOptions } from "../../src/cli/demo.ts";
import { defaultDemoDataDir } from "../../src/cli/demo-data.ts";
import { CliError } from "../../src/cli/errors.ts";
import { killAll, spawnCli } from "../helpers/process.ts";

describe("demo data folder", () => {
  it.each([
    [{ XDG_DATA_HOME: "/srv/data" }, "/srv/data/localecu/demo"],
    [{}, "/home/ann/.local/share/localecu/demo"],
    // The XDG spec: a relative XDG_DATA_HOME is invalid and ignored.
    [{ XDG_DATA_HOME: "data" }, "/home/ann/.local/share/localecu/demo"],
  ])("%o → %s", (env, dir) => {
    expect(defaultDemoDataDir(env, "/home/ann")).toBe(dir);
  });

  it("--data wins over LOCALECU_DATA, which wins over the default; relative paths start at the working folder", () => {
    expect(parseDemoOptions({ data: "/a" }, { LOCALECU_DATA: "/b" }).data).toBe("/a");
    expect(parseDemoOptions({}, { LOCALECU_DATA: "/b", XDG_DATA_HOME: "/x" }).data).toBe("/b");
    expect(parseDemoOptions({}, { XDG_DATA_HOME: "/x" }).data).toBe("/x/localecu/demo");
    expect(parseDemoOptions({ data: "rel" }, {}).data).toBe(join(process.cwd(), "rel"));
    expect(() => parseDemoOptions({}, { LOCALECU_DATA: " " })).toThrow(CliError);
  });
});

describe("demo --power-log", () => {
  it("takes a file (relative to the working folder), never stdout, which carries the banner", () => {
    expect(parseDemoOptions({ powerLog: "p.jsonl" }, {}).powerLog).toBe(join(process.cwd(), "p.jsonl"));
    expect(parseDemoOptions({}, {}).powerLog).toBeUndefined();
    expect(() => parseDemoOptions({ powerLog: "-" }, {})).toThrow(
      /--power-log needs a file name \(stdout carries the demo's banner\)/,
    );
  });
});

describe("demo source", () => {
  it("defaults to the stick; --source beats LOCALECU_SOURCE; anything else names both choices", () => {
    expect(parseDemoOptions({}, {}).source).toBe("stick");
    expect(parseDemoOptions({}, { LOCALECU_SOURCE: "ecu" }).source).toBe("ecu");
    expect(parseDemoOptions({ source: "stick" }, { LOCALECU_SOURCE: "ecu" }).source).toBe("stick");
    expect(() => parseDemoOptions({ source: "ECU-R" }, {})).toThrow(
      "--source / LOCALECU_SOURCE must be stick (localecu talks ZigBee to the inverters) or ecu (it reads an emulated vendor ECU on port 8899), got 'ECU-R'",
    );
  });
});

describe("demo broker address", () => {
  it("defaults to 127.0.0.1; --mqtt-host beats LOCALECU_MQTT_HOST; nonsense is refused", () => {
    expect(parseDemoOptions({}, {}).mqttHost).toBe("127.0.0.1");
    expect(parseDemoOptions({}, { LOCALECU_MQTT_HOST: "0.0.0.0" }).mqttHost).toBe("0.0.0.0");
    expect(parseDemoOptions({ mqttHost: "192.168.1.5" }, { LOCALECU_MQTT_HOST: "0.0.0.0" }).mqttHost).toBe(
      "192.168.1.5",
    );
    expect(() => parseDemoOptions({ mqttHost: "" }, {})).toThrow(/--mqtt-host \/ LOCALECU_MQTT_HOST must be/);
    expect(() => parseDemoOptions({ mqttHost: "mqtt://x" }, {})).toThrow(
      /must be an address of this machine/,
    );
  });

  const scratch = mkdtempSync(join(tmpdir(), "localecu-demo-host-"));
  afterAll(() => {
    killAll();
    rmSync(scratch, { recursive: true, force: true });
  });

  const lan = Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === "IPv4" && !a.internal)?.address;
  const reachable = (host: string, port: number) =>
    new Promise<boolean>((resolve) => {
      const s = connect(port, host);
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });

  it("LOCALECU_MQTT_HOST=0.0.0.0 listens on every network and warns that anyone there can read and command", async () => {
    const demo = spawnCli(["demo", "--mqtt-port", "0", "--data", join(scratch, "open")], {
      LOCALECU_MQTT_HOST: "0.0.0.0",
    });
    const [, port] = await demo.waitForOutput(/MQTT broker: +mqtt:\/\/0\.0\.0\.0:(\d+)/);
    const out = demo.stdout();
    expect(out).toMatch(
      /WARN .*listens on 0\.0\.0\.0, beyond this machine, with no password: anyone on the network/,
    );
    expect(out).toMatch(/use a broker with a password/);
    expect(out).toMatch(/NO PASSWORD, reachable from the network/);
    expect(await reachable("127.0.0.1", Number(port))).toBe(true);
    if (lan) expect(await reachable(lan, Number(port))).toBe(true);
    demo.child.kill("SIGTERM");
    expect(await demo.exited).toEqual({ code: 0, signal: null });
  });

  it("by default listens on this machine only, says so, and gives no warning", async () => {
    const demo = spawnCli(["demo", "--mqtt-port", "0", "--data", join(scratch, "local")]);
    const [, port] = await demo.waitForOutput(/MQTT broker: +mqtt:\/\/127\.0\.0\.1:(\d+)/);
    expect(demo.stdout()).toMatch(/listening on this machine only/);
    expect(demo.stdout()).toMatch(
      /HA on another host or in a container: restart with --mqtt-host 0\.0\.0\.0/,
    );
    expect(demo.stdout()).not.toMatch(/WARN .*beyond this machine/);
    if (lan) expect(await reachable(lan, Number(port))).toBe(false);
    demo.child.kill("SIGTERM");
    expect(await demo.exited).toEqual({ code: 0, signal: null });
  });
});
