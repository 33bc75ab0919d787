import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { replaceCommand } from "../../src/cli/replace.ts";
import type { ReplaceResult } from "../../src/site/replace.ts";
import { runCommand } from "../helpers/command.ts";
import { EXAMPLE, EXAMPLE_PATH, FIXTURES } from "../site/config/fixtures.ts";

function siteCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "localecu-replace-"));
  const file = join(dir, "site.yaml");
  copyFileSync(EXAMPLE_PATH, file);
  return file;
}

const replace = (args: string[], onReplaced?: (r: ReplaceResult, file: string) => void) =>
  runCommand(replaceCommand(onReplaced ? { onReplaced } : {}), args);

afterEach(() => {
  process.exitCode = undefined;
});

describe("localecu replace", () => {
  it("a broken site.yaml: each problem at file:line:col, nothing written, exit 2", async () => {
    const file = join(FIXTURES, "schema-errors.yaml");
    const before = readFileSync(file, "utf8");
    const r = await replace(["801000012345", "801000012399", "--config", file]);
    expect(r.code).toBe(2);
    // history_days: ninety is on line 4, column 17 (counted in test/fixtures/site/schema-errors.yaml)
    expect(r.stderr).toContain(`${file}:4:17: site.history_days:`);
    expect(r.stderr).toMatch(/fix the configuration first/);
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it("rewrites the file in place, prints the changes and the manual's section-7 steps, calls the hook", async () => {
    const file = siteCopy();
    const seen: [string, string, string][] = [];
    const r = await replace(["801000012345", "801000012399", "--config", file], (res, f) =>
      seen.push([res.oldSerial, res.newSerial, f]),
    );
    expect(r.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text.replaceAll("801000012399", "801000012345")).toBe(EXAMPLE);
    expect(readdirSync(join(file, ".."))).toEqual(["site.yaml"]); // no temp file left behind
    expect(r.stdout).toContain(`  map.arrays[0].cells[0].inverter: 801000012345 → 801000012399\n`);
    expect(r.stdout).toContain(`Wrote ${file}.`);
    const steps = r.stdout.slice(r.stdout.indexOf("On the roof")).split("\n");
    expect(steps.slice(0, 7)).toEqual([
      "On the roof (QS1 manual, section 7):",
      '  1. Switch the breaker of "Circuit 1 (south)" OFF (AC off).',
      "  2. Unplug the AC cable of 801000012345 (South top left).",
      "  3. Unplug the DC cables of its panels (A → S1, B → S2, C → S7, D → S8).",
      "  4. Swap: mount 801000012399 in the same place (south, row 1, column 1).",
      "  5. Reconnect: DC cables to the same inputs (A → S1, B → S2, C → S7, D → S8), then the AC cable; switch the breaker ON.",
      "  6. Verify: the LED must not stay steady red (ground fault), and 801000012399 must report in localecu once paired.",
    ]);
    expect(seen).toEqual([["801000012345", "801000012399", file]]);
  });

  it("--dry-run leaves the file alone and does not call the hook", async () => {
    const file = siteCopy();
    let called = false;
    const r = await replace(["801000012345", "801000012399", "--config", file, "--dry-run"], () => {
      called = true;
    });
    expect(r.code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(EXAMPLE);
    expect(r.stdout).toContain(`Dry run: ${file} was not changed.`);
    expect(called).toBe(false);
  });

  it.each([
    [["801000099999", "801000012399"], 1, "localecu replace: 801000099999 is not in"],
    [["801000012345", "801000012346"], 1, "801000012346 is already in"],
    [
      ["801000012345", "801000012399", "--config", "/nonexistent/site.yaml"],
      2,
      "/nonexistent/site.yaml: cannot read the file (ENOENT)",
    ],
  ])("refuses %j with exit %i", async (args, code, message) => {
    const file = siteCopy();
    const r = await replace(args.includes("--config") ? args : [...args, "--config", file]);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
    expect(readFileSync(file, "utf8")).toBe(EXAMPLE);
  });
});
