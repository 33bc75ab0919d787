/**
 * The compiled CLI (scripts/build-cli.mjs, what bin/localecu.js runs when built) behaves as the sources do:
 * it finds the files it reads beside its modules (the site schema, package.json) from dist/, and answers
 * `check` on the example site exactly as the TypeScript sources through tsx answer it.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { buildCli, CLI_INPUTS, CLI_MAIN } from "../../scripts/build-cli.mjs";
import { runCli } from "../helpers/cli.ts";
import { EXAMPLE_PATH } from "../site/config/fixtures.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
// Inside the checkout, so the compiled modules resolve node_modules as dist/cli/ does.
const OUT = join(ROOT, ".tmp", `build-cli-test-${process.pid}`);

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

// The example reads its Home Assistant token from LOCALECU_HA_TOKEN: unset, whatever the shell has.
const NO_TOKEN = { LOCALECU_HA_TOKEN: "" };

describe("the compiled CLI", () => {
  it("checks the example site as the sources do, and lists the sources it was built from", async () => {
    const { outdir, inputs } = await buildCli({ outdir: OUT });
    expect(inputs).toContain("src/cli/main.ts");
    expect(inputs).toContain("src/site/config/schema.ts");
    expect(JSON.parse(readFileSync(join(outdir, CLI_INPUTS), "utf8"))).toEqual(inputs);

    const built = await runCli(["check", EXAMPLE_PATH], {
      cwd: ROOT,
      env: NO_TOKEN,
      entry: join(outdir, CLI_MAIN),
      timeoutMs: 30_000,
    });
    const source = await runCli(["check", EXAMPLE_PATH], {
      cwd: ROOT,
      env: { ...NO_TOKEN, LOCALECU_FROM_SOURCE: "1" },
      timeoutMs: 30_000,
    });
    // examples/site.yaml lists 4 QS1s with 16 panels.
    expect(built.stdout).toContain("4 inverters (4 × QS1), 16 panels");
    expect(built).toEqual(source);
  }, 60_000);
});
