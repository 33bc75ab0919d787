/**
 * An installed package (the add-on installs localecu from npm) has no esbuild to bundle the local page,
 * so the built card and page script must ship in it: `npm pack` builds them (prepack) and lists them.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

describe("the npm package", () => {
  it("ships the card file hacs.json names and the local page's script, built at pack time", () => {
    const r = spawnSync("npm", ["pack", "--dry-run"], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
    expect(r.status).toBe(0);
    const listed = `${r.stdout}\n${r.stderr}`;
    const hacs = JSON.parse(readFileSync(`${ROOT}/hacs.json`, "utf8")) as { filename: string };
    expect(listed).toMatch(new RegExp(`npm notice [\\d.]+k?B dist/${hacs.filename.replace(".", "\\.")}\\n`));
    expect(listed).toMatch(/npm notice [\d.]+k?B dist\/localecu-page\.js\n/);
  });
});
