import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkCommand } from "../../src/cli/check.ts";
import { runCommand } from "../helpers/command.ts";
import { EXAMPLE_PATH, FIXTURES } from "../site/config/fixtures.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Runs `localecu check …args` through the Command object, capturing output and the exit code. */
const check = (...args: string[]) => runCommand(checkCommand(), args);

// The example reads its Home Assistant token from LOCALECU_HA_TOKEN: unset here, whatever the shell has.
beforeEach(() => {
  vi.stubEnv("LOCALECU_HA_TOKEN", "");
});

afterEach(() => {
  process.exitCode = undefined;
  vi.unstubAllEnvs();
});

describe("localecu check", () => {
  it("stops quietly with its exit code when the reader closes the pipe (check … | head)", async () => {
    const child = spawn(process.execPath, [join(ROOT, "bin/localecu.js"), "check", EXAMPLE_PATH], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy(); // the reader is gone before the first line: every write meets EPIPE
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });

  it("exits 0 on the demo site and prints each finding with its datasheet line", async () => {
    const r = await check(EXAMPLE_PATH);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("4 inverters (4 × QS1), 16 panels, 2 map arrays, 2 branch circuits");
    // examples/site.yaml line 51 is `    isc_a: 12.28`: the value starts at column 12.
    expect(r.stdout).toContain(
      `warning  ${EXAMPLE_PATH}:51:12: modules.trina-400.isc_a: Isc 12.28 A is above the 12 A input rating`,
    );
    expect(r.stdout).toContain(
      "source: QS1-EU installation manual, section 8 (technical data): max input current 12 A per input",
    );
    // An unreadable HA token is a warning: the controller would start without the link.
    expect(r.stdout).toContain(
      `warning  ${EXAMPLE_PATH}:28:14: homeassistant.token_env: homeassistant.token_env (LOCALECU_HA_TOKEN): environment variable LOCALECU_HA_TOKEN is not set`,
    );
    expect(r.stdout.trim().split("\n").at(-1)).toBe("0 errors, 2 warnings, 1 info — OK");
  });

  it("exits 1 when the design breaks the datasheet", async () => {
    const file = join(FIXTURES, "design-errors.yaml");
    const r = await check(file);
    expect(r.code).toBe(1);
    // Line 22 `    inverters: ["8010…` (the list starts at column 16); line 9 `    voc_v: 53.0` (value at 12).
    expect(r.stdout).toContain(
      `error    ${file}:22:16: branches[0].inverters: 4 QS1 units on a 20 A breaker; at most 3 allowed — split the branch`,
    );
    expect(r.stdout).toContain(
      `error    ${file}:9:12: modules.big-72.voc_v: Voc at -20 °C is 60.2 V, above the 60 V maximum`,
    );
    expect(r.stdout.trim().split("\n").at(-1)).toBe(
      "2 errors, 1 warning, 1 info — fix the errors before installing",
    );
  });

  it.each([
    [
      // Line 7 is `  - serial: 80100008507`: the value starts at column 13.
      "schema-errors.yaml",
      'schema-errors.yaml:7:13: inverters[1].serial: expected 12 digits, got "80100008507" — copy the serial from the inverter label',
    ],
    [
      "bad-references.yaml",
      "bad-references.yaml:16:42: map.arrays[0].cells[0].inverter: unknown inverter 801000012346 — did you mean 801000012345?",
    ],
    [
      "syntax-error.yaml.txt",
      "syntax-error.yaml.txt:7:1: YAML syntax: Flow sequence in block collection must be sufficiently indented",
    ],
    ["missing.yaml", "missing.yaml: cannot read the file (no such file) — check the path"],
  ])("exits 2 when %s cannot be used, saying what and where", async (name, line) => {
    const r = await check(join(FIXTURES, name));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(line);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  });

  it("--json prints findings and the exit code as JSON", async () => {
    const ok = await check(EXAMPLE_PATH, "--json");
    const j = JSON.parse(ok.stdout);
    expect(j).toMatchObject({ ok: true, exit_code: 0, summary: { errors: 0, warnings: 2, info: 1 } });
    expect(j.findings[0]).toMatchObject({
      severity: "warning",
      rule: "isc",
      path: "modules.trina-400.isc_a",
      line: 51,
      col: 12,
    });
    const bad = await check(join(FIXTURES, "schema-errors.yaml"), "--json");
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).config_errors[0]).toMatchObject({ path: "site.history_days", line: 4 });
  });

  it.each([
    [EXAMPLE_PATH, 0],
    [join(FIXTURES, "design-errors.yaml"), 1],
    [join(FIXTURES, "schema-errors.yaml"), 2],
  ])("a real process exits with the same code (%s → %i)", async (file, expected) => {
    const script = `const { checkCommand } = await import("./src/cli/check.ts");
await checkCommand().parseAsync(process.argv.slice(1), { from: "user" });`;
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, file], {
        cwd: ROOT,
        stdio: "ignore",
      });
      child.on("error", reject);
      child.on("close", resolve);
    });
    expect(code).toBe(expected);
  });
});
