/**
 * The README's "import blueprint" buttons: each my.home-assistant.io link decodes to the raw URL of a
 * blueprint file that exists, and every blueprint has one.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rawUrl } from "../helpers/repository.ts";
import { blueprintFiles } from "./blueprint-file.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const REDIRECT = "https://my.home-assistant.io/redirect/blueprint_import/";

function importLinks(markdown: string): URL[] {
  return [
    ...markdown.matchAll(/\]\((https:\/\/my\.home-assistant\.io\/redirect\/blueprint_import\/[^)\s]*)\)/g),
  ].map((m) => new URL(m[1]!));
}

describe("README import buttons", () => {
  it("finds links written the way my.home-assistant.io expects (worked example)", () => {
    const md =
      "[![x](b.svg)](https://my.home-assistant.io/redirect/blueprint_import/?blueprint_url=https%3A%2F%2Fraw.githubusercontent.com%2Fo%2Fr%2Fmain%2Fa%20b.yaml)";
    const [link] = importLinks(md);
    expect(link!.searchParams.get("blueprint_url")).toBe(
      "https://raw.githubusercontent.com/o/r/main/a b.yaml",
    );
  });

  it("point at the raw file of an existing blueprint, one per blueprint", () => {
    const links = importLinks(readFileSync(join(ROOT, "README.md"), "utf8"));
    const targets = links.map((u) => {
      expect(`${u.origin}${u.pathname}`).toBe(REDIRECT);
      expect([...u.searchParams.keys()]).toEqual(["blueprint_url"]);
      return u.searchParams.get("blueprint_url")!;
    });
    const files = blueprintFiles(ROOT);
    expect(targets.sort()).toEqual(files.map(rawUrl).sort());
    for (const f of files) expect(existsSync(join(ROOT, f)), f).toBe(true);
  });
});
