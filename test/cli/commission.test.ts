import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";

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
