import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoSite } from "../../src/sim/demo-site.ts";
import { type EmulatorServer, serveEmulator } from "../../src/sim/emulator/server.ts";
import { SIM_VDE_AR_N_4105 } from "../../src/sim/grid-profile.ts";
import type { SimSite } from "../../src/sim/site.ts";
import { runCli } from "../helpers/cli.ts";

// A June noon under a clear sky: every demo panel produces.
const NOON = Date.parse("2026-06-21T12:00:00+02:00");
const SERIALS = ["801000012345", "801000012346", "801000012347", "801000012348"];

describe("localecu commission against the emulated demo site", () => {
  let site: SimSite;
  let emu: EmulatorServer;
  let dir: string;
  let config: string;

  beforeAll(async () => {
    site = createDemoSite({ seed: 5, clearSky: true });
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

  it("passes the demo site (emulated inverters on APsystems' EN50549-1 profile) and writes the PDF report", async () => {
    const pdf = join(dir, "demo.pdf");
    const r = await runCli(["commission", config, "--json", "--installer", "Jan Jansen", "--report", pdf], {
      timeoutMs: 90_000,
    });
    const report = JSON.parse(r.stdout);
    expect(report.findings).toEqual([]);
    expect(r.code).toBe(0);
    expect(report).toMatchObject({
      exitCode: 0,
      pass: true,
      installer: "Jan Jansen",
      site: { name: "Demo house" },
    });
    expect(report.gridCode.id).toBe("en50549-1");
    for (const [i, inv] of report.inverters.entries()) {
      expect(inv.serial).toBe(SERIALS[i]);
      // Answered from the short address the emulator gave it at pairing.
      const short = emu.core.air.shortFor(SERIALS[i]!)!;
      expect(inv.shortAddress).toBe(`0x${short.toString(16).toUpperCase().padStart(4, "0")}`);
      expect(inv.expectedShort).toBe(inv.shortAddress);
      expect(inv.linkOk).toBe(true);
      expect(inv.info.model).toBe("QS1");
      expect(inv.protection.pages).toEqual(["A", "B", "C"]);
      // The emulator's truth: AC 196 V (APsystems EN50549-1), BD not on a QS1's pages.
      const ac = inv.protection.settings.find((s: { code: string }) => s.code === "AC");
      expect(ac).toMatchObject({ status: "pass", read: { kind: "value", value: 196, unit: "V" } });
      const bd = inv.protection.settings.find((s: { code: string }) => s.code === "BD");
      expect(bd.status).toBe("not-readable");
      expect(inv.production.map((p: { status: string }) => p.status)).toEqual([
        "pass",
        "pass",
        "pass",
        "pass",
      ]);
    }
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(
      Number(/\/Type \/Pages[^>]*?\/Count (\d+)/s.exec(bytes.toString("latin1"))?.[1]),
    ).toBeGreaterThanOrEqual(2);
  });

  it("fails with exit 1 naming the settings when one inverter carries the VDE-AR-N 4105 profile", async () => {
    site.inverter("801000012347")!.setGridSettings(SIM_VDE_AR_N_4105);
    const html = join(dir, "deviation.html");
    const r = await runCli(["commission", config, "--report", html], { timeoutMs: 90_000 });
    expect(r.code).toBe(1);
    const findings = r.stdout.split("\n").filter((l) => l.startsWith("  protection "));
    // What differs between APsystems' EN50549-1 and VDE-AR-N-4105 profiles (reference §6.1) among the
    // settings a QS1's pages carry: AC 196→184 V, AJ 47→47.5 Hz, AF 52→51.5 Hz, AK 52→50.5 Hz,
    // BK 0.3→0.1 s, BP 49.5→47.5 Hz, AG 60→80 s. Each against the code and against its three siblings.
    expect(findings).toHaveLength(14);
    expect(new Set(findings.map((l) => /801000012347: (\w\w) /.exec(l)?.[1]))).toEqual(
      new Set(["AC", "AJ", "AF", "AK", "BK", "BP", "AG"]),
    );
    expect(r.stdout).toContain(
      "  protection 801000012347: AC (under-voltage stage 1 (U<), trips after BD) reads 184 V, expected 196 V (tolerance ±1 V) — grid code en50549-1: EN50549-1 profile (vendor type 36)",
    );
    expect(r.stdout).toContain(
      "  protection 801000012347: AG (wait before reconnecting (grid recovery time)) reads 80 s, expected 60 s (tolerance ±0.01 s) — siblings: 3 of 4 QS1 inverters read 60 s (801000012345, 801000012346, 801000012348)",
    );
    expect(r.stdout).toMatch(/14 findings — not ready to hand over; report written to .*deviation\.html\n$/);
    expect(readFileSync(html, "utf8")).toContain(
      "801000012347: AF (over-frequency stage 1, trips after BK) reads 51.5 Hz, expected 52 Hz",
    );
  });

  it("names inverters that do not answer from the short address pairing.json holds for them", async () => {
    const file = join(dir, "data", "pairing.json");
    const book = JSON.parse(readFileSync(file, "utf8"));
    const byS = (s: string) => book.inverters.find((i: { serial: string }) => i.serial === s);
    const [a, b] = [byS("801000012345"), byS("801000012346")];
    [a.shortAddress, b.shortAddress] = [b.shortAddress, a.shortAddress];
    writeFileSync(file, JSON.stringify(book));
    const r = await runCli(["commission", config, "--json"], { timeoutMs: 90_000 });
    expect(r.code).toBe(1);
    const radio = JSON.parse(r.stdout).findings.filter((f: { kind: string }) => f.kind === "radio");
    const hex = (n: number) => `0x${n.toString(16).toUpperCase().padStart(4, "0")}`;
    // 801000012345's polls now go to 801000012346's address: the answer carries the other serial.
    expect(radio.map((f: { message: string }) => f.message)).toEqual([
      `801000012345: no answer of its own at ${hex(a.shortAddress)}: the reply from ${hex(a.shortAddress)} carries serial 801000012346, not 801000012345: the stored short address is stale — pair 801000012345 again`,
      `801000012346: no answer of its own at ${hex(b.shortAddress)}: the reply from ${hex(b.shortAddress)} carries serial 801000012345, not 801000012346: the stored short address is stale — pair 801000012346 again`,
    ]);
  });
});

describe("localecu commission: usage and configuration errors exit 2 before the radio", () => {
  let dir: string;
  let example: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "localecu-commission-usage-"));
    example = readFileSync(new URL("../../examples/site.yaml", import.meta.url), "utf8").replace(
      /^( {2}data_dir:).*$/m,
      `$1 ${join(dir, "data")}`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it("asks for site.grid_code and lists the codes", async () => {
    const file = write("no-code.yaml", example);
    const r = await runCli(["commission", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `localecu: ${file}: site.grid_code is missing — name the grid code the network operator requires (en50549-1, vde-ar-n-4105, g98, g99, as4777-a, cei-0-21)\n`,
    );
  });

  it("refuses a report that is neither .pdf nor .html", async () => {
    const file = write("ok.yaml", example.replace(/^( {2}history_days:.*)$/m, "$1\n  grid_code: g98"));
    const r = await runCli(["commission", file, "--report", "report.docx"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("localecu: --report report.docx: name a .pdf or .html file\n");
  });

  it("prints the configuration's problems with their lines", async () => {
    const file = write("bad.yaml", example.replace(/^( {2}history_days:.*)$/m, "$1\n  grid_code: en50549"));
    const r = await runCli(["commission", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${file}:40:14: site.grid_code: expected one of en50549-1, vde-ar-n-4105, g98, g99, as4777-a, cei-0-21, got "en50549" — did you mean "en50549-1"?`,
    );
    expect(r.stderr).toContain(
      `localecu: ${file}: fix the configuration (localecu check ${file}) and run commission again`,
    );
  });

  it("says clearly when the stick cannot be reached", async () => {
    const file = write(
      "nostick.yaml",
      example
        .replace(/^( {2}port:).*$/m, "$1 tcp://127.0.0.1:1")
        .replace(/^( {2}history_days:.*)$/m, "$1\n  grid_code: en50549-1"),
    );
    const r = await runCli(["commission", file, "--timeout", "2"], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^localecu: cannot use the stick on tcp:\/\/127\.0\.0\.1:1: /m);
  });
});
