/**
 * Fuzzing site.yaml: arbitrary YAML documents and structured mutations of examples/site.yaml.
 * The loader must answer with a SiteConfig or a ConfigError whose every issue says where (a path or a
 * line) and what is wrong in words — never a TypeError, a RangeError or a message showing JavaScript's
 * insides ("[object Object]", "undefined", "NaN"). `localecu check` must end with exit 0, 1 or 2.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { checkCommand } from "../../src/cli/check.ts";
import { ConfigError, type ConfigIssue, parseConfig } from "../../src/site/config/index.ts";
import { runCli } from "../helpers/cli.ts";
import { runCommand } from "../helpers/command.ts";
import { EXAMPLE } from "../site/config/fixtures.ts";
import { exampleObject, garbageValue, mutatedExample, numericLeaves } from "./config-arbitraries.ts";

/** What a user reads must be words: JavaScript's own renderings of odd values mean a missed case. */
const LEAKS = /\[object Object\]|\bundefined\b|\bfunction\b|TypeError|RangeError|ReferenceError/;

function expectUsableIssue(issue: ConfigIssue): void {
  expect(issue.file).not.toBe("");
  // Where: a path inside the file, or a line (syntax errors and whole-file problems carry the position).
  const where = issue.path !== "" || issue.line !== undefined || /empty/.test(issue.message);
  expect(where, `no position in ${JSON.stringify(issue)}`).toBe(true);
  expect(issue.message.trim()).not.toBe("");
  expect(issue.message, JSON.stringify(issue)).not.toMatch(LEAKS);
  if (issue.hint !== undefined) expect(issue.hint, JSON.stringify(issue)).not.toMatch(LEAKS);
}

/** parseConfig's contract: a config, or a ConfigError naming each problem. Anything else fails the run. */
function loadOrIssues(text: string): ConfigIssue[] {
  try {
    parseConfig(text, "site.yaml");
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.issues.length).toBeGreaterThan(0);
    for (const issue of e.issues) expectUsableIssue(issue);
    return [...e.issues];
  }
}

describe("fuzz: site.yaml", () => {
  beforeAll(() => {
    // check reads the example's HA token from the environment: unset, whatever the shell has.
    vi.stubEnv("LOCALECU_HA_TOKEN", "");
    vi.stubEnv("LOCALECU_MQTT_PASSWORD", "");
  });
  afterAll(() => vi.unstubAllEnvs());

  it("the unmutated example loads (sanity of the harness)", () => {
    expect(loadOrIssues(EXAMPLE)).toEqual([]);
    expect(parseConfig(stringify(exampleObject()), "site.yaml").inverters).toHaveLength(4);
  });

  it("arbitrary text and arbitrary YAML values: a config or typed issues, nothing else", () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => stringify(v) ?? ""),
      fc.anything({ maxDepth: 3, withNullPrototype: true }).map((v) => {
        try {
          return stringify(v) ?? "";
        } catch {
          return String(v);
        }
      }),
      // Lines of the example shuffled and cut: mostly-valid YAML with broken structure.
      fc.shuffledSubarray(EXAMPLE.split("\n"), { minLength: 1 }).map((lines) => lines.join("\n")),
    );
    fc.assert(
      fc.property(text, (t) => void loadOrIssues(t)),
      { numRuns: 400 },
    );
  });

  it("mutations of the example (wrong types, NaN, huge, deep, unknown keys, duplicates): typed issues", () => {
    fc.assert(
      fc.property(mutatedExample(), (obj) => {
        let text: string;
        try {
          text = stringify(obj);
        } catch {
          return; // the YAML writer could not render it: nothing a user could have typed
        }
        loadOrIssues(text);
      }),
      { numRuns: 200 },
    );
  });

  it(".nan, .inf or -.inf in any number of the example is refused at that number's path", () => {
    const leaves = numericLeaves(exampleObject());
    expect(leaves.length).toBeGreaterThan(30);
    fc.assert(
      fc.property(
        fc.constantFrom(...leaves),
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        (leaf, bad) => {
          const obj = exampleObject();
          let parent: Record<string | number, unknown> = obj;
          for (const seg of leaf.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
          parent[leaf[leaf.length - 1]!] = bad;
          const issues = loadOrIssues(stringify(obj)); // .nan / .inf / -.inf in the text
          const path = leaf
            .map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`))
            .join("")
            .slice(1);
          expect(issues.map((i) => i.path)).toContain(path);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a duplicate serial is refused by the loader with its path", async () => {
    const obj = exampleObject();
    (obj.inverters as { serial: string }[])[2]!.serial = "801000012345";
    const issues = loadOrIssues(stringify(obj));
    expect(issues.map((i) => i.path)).toContain("inverters[2].serial");
  });

  it("`localecu check` on mutated files ends with exit 0, 1 or 2 and never throws", async () => {
    const dir = mkdtempSync(join(tmpdir(), "localecu-fuzz-check-"));
    try {
      await fc.assert(
        fc.asyncProperty(mutatedExample(), async (obj) => {
          let text: string;
          try {
            text = stringify(obj);
          } catch {
            return;
          }
          const file = join(dir, "site.yaml");
          writeFileSync(file, text);
          const r = await runCommand(checkCommand(), [file]);
          expect([0, 1, 2]).toContain(r.code);
          expect(r.stdout + r.stderr).not.toMatch(/\[object Object\]|TypeError|RangeError|at .*\.ts:\d+/);
        }),
        { numRuns: 80 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("garbage values render as YAML a user could write (sanity of the generator)", () => {
    fc.assert(
      fc.property(garbageValue(), (v) => {
        expect(() => stringify({ v })).not.toThrow();
      }),
      { numRuns: 100 },
    );
  });

  it("`localecu check` as a real process: broken files exit 2 with the position, no stack trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "localecu-fuzz-cli-"));
    try {
      const cases: [string, string, RegExp][] = [
        ["alias.yaml", "site:\n  name: *roof\n", /alias\.yaml:2:9: YAML syntax: \*roof refers to no anchor/],
        [
          "nan.yaml",
          EXAMPLE.replace("latitude: 52.37", "latitude: .nan"),
          /nan\.yaml:34:13: site\.latitude: /,
        ],
      ];
      for (const [name, text, expected] of cases) {
        const file = join(dir, name);
        writeFileSync(file, text);
        const r = await runCli(["check", file], { env: { LOCALECU_HA_TOKEN: "" } });
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(expected);
        expect(r.stderr).not.toMatch(/^\s+at /m);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
