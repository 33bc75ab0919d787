import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoSite } from "../../src/sim/demo-site.ts";
import { type EmulatorServer, serveEmulator } from "../../src/sim/emulator/server.ts";
import { runCli } from "../helpers/cli.ts";

// A June noon under a clear sky: every demo panel produces.
const NOON = Date.parse("2026-06-21T12:00:00+02:00");

describe("localecu commission against the emulated demo site", () => {
  let emu: EmulatorServer;
  let dir: string;
  let config: string;

  beforeAll(async () => {
    const site = createDemoSite({ seed: 5, clearSky: true });
    emu = await serveEmulator({ port: 0, inverters: site.inverters, seed: 5, now: () => NOON });
    dir = mkdtempSync(join(tmpdir(), "localecu-commission-"));
    config = join(dir, "site.yaml");
    const example = readFileSync(new URL("../../examples/site.yaml", import.meta.url), "utf8");
    writeFileSync(
      config,
      example
        .replace(/^( {2}port:).*$/m, `$1 ${emu.url}`)
        .replace(/^( {2}data_dir:).*$/m, `$1 ${join(dir, "data")}\n  grid_code: en50549-1`),
    );
    const paired = await runCli(["pair", "--config", config, "--step-ms", "20"], { timeoutMs: 60_000 });
    expect(paired.code, paired.stdout + paired.stderr).toBe(0);
  });

  afterAll(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("passes the demo site and writes the PDF report", async () => {
    const pdf = join(dir, "demo.pdf");
    const r = await runCli(["commission", config, "--json", "--installer", "Jan Jansen", "--report", pdf], {
      timeoutMs: 60_000,
    });
    const report = JSON.parse(r.stdout);
    writeFileSync("/tmp/commission-debug.json", r.stdout);
    expect(report.findings).toEqual([]);
    expect(r.code).toBe(0);
  });
});
