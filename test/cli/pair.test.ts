import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoSite } from "../../src/sim/demo-site.ts";
import { type EmulatorServer, serveEmulator } from "../../src/sim/emulator/server.ts";
import { runCli } from "../helpers/cli.ts";

// A June noon: the simulated inverters are awake and answer pairing.
const NOON = Date.parse("2026-06-21T12:00:00+02:00");

describe("localecu pair", () => {
  let emu: EmulatorServer;
  let dir: string;
  let config: string;

  beforeAll(async () => {
    const site = createDemoSite({ seed: 3, clearSky: true });
    emu = await serveEmulator({ port: 0, inverters: site.inverters, seed: 3, now: () => NOON });
    dir = mkdtempSync(join(tmpdir(), "localecu-pair-"));
    config = join(dir, "site.yaml");
    const example = readFileSync(new URL("../../examples/site.yaml", import.meta.url), "utf8");
    writeFileSync(
      config,
      example
        .replace(/^( {2}port:).*$/m, `$1 ${emu.url}`)
        .replace(/^( {2}data_dir:).*$/m, `$1 ${join(dir, "data")}`),
    );
  });

  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("pairs two inverters over TCP, records their short addresses and skips them next time", async () => {
    const r = await runCli(["pair", "801000012345", "801000012348", "--config", config, "--step-ms", "20"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/broadcast 1\/4 sent/);
    const book = JSON.parse(readFileSync(join(dir, "data", "pairing.json"), "utf8"));
    const shorts = Object.fromEntries(
      book.inverters.map((i: { serial: string; shortAddress: number }) => [i.serial, i.shortAddress]),
    );
    expect(Object.keys(shorts).sort()).toEqual(["801000012345", "801000012348"]);
    expect(shorts["801000012345"]).toBe(emu.core.air.shortFor("801000012345"));
    expect(r.stdout).toContain(
      `paired 801000012345 → short address 0x${shorts["801000012345"].toString(16).toUpperCase().padStart(4, "0")}`,
    );

    const again = await runCli(["pair", "801000012345", "801000012348", "--config", config]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/paired already/);
  });

  it("refuses a bad serial with exit 2 before touching the stick", async () => {
    const r = await runCli(["pair", "80100001234", "--config", config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a 12-digit serial/);
  });

  it("refuses an unknown serial prefix unless site.yaml gives that inverter a model", async () => {
    const r = await runCli(["pair", "803000012345", "--config", config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /prefix 803 is not a known APsystems model; add it to .*site\.yaml with its model/,
    );
  });

  it("says clearly when the stick cannot be reached", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, readFileSync(config, "utf8").replace(emu.url, "tcp://127.0.0.1:1"));
    const r = await runCli(["pair", "801000012346", "--config", bad], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot use the stick on tcp:\/\/127\.0\.0\.1:1/);
  });
});
