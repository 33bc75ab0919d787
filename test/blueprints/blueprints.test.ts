/**
 * Every blueprint in blueprints/automation/localecu parses with the `!input` tag, declares every input it
 * uses and uses every input it declares, passes HA's blueprint metadata rules, and uses the 2024.10+
 * automation syntax (triggers / conditions / actions, `trigger:` and `action:` keys).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { blobUrl } from "../helpers/repository.ts";
import { BLUEPRINT_DIR, blueprintFiles, readBlueprint } from "./blueprint-file.ts";
import { checkBlueprintMeta } from "./blueprint-schema.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/** Keys anywhere in the body (triggers, actions, nested sequences). */
function keysDeep(node: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(node)) for (const n of node) keysDeep(n, out);
  else if (node && typeof node === "object")
    for (const [k, v] of Object.entries(node)) {
      out.add(k);
      keysDeep(v, out);
    }
  return out;
}

describe("blueprints", () => {
  it("are the three the project ships", () => {
    expect(blueprintFiles(ROOT)).toEqual([
      `${BLUEPRINT_DIR}/export-limit.yaml`,
      `${BLUEPRINT_DIR}/fault-notify.yaml`,
      `${BLUEPRINT_DIR}/shutdown.yaml`,
    ]);
  });

  describe.each(blueprintFiles(ROOT))("%s", (file) => {
    it("uses exactly the inputs it declares", () => {
      const bp = readBlueprint(ROOT, file);
      const declared = [...bp.inputs.keys()].sort();
      const used = [...new Set(bp.refs)].sort();
      expect(
        used.filter((n) => !declared.includes(n)),
        "!input without a declaration",
      ).toEqual([]);
      expect(
        declared.filter((n) => !used.includes(n)),
        "declared but never used",
      ).toEqual([]);
    });

    it("passes HA's blueprint schema, with a selector on every input", () => {
      const bp = readBlueprint(ROOT, file);
      expect(checkBlueprintMeta(bp)).toEqual([]);
      expect(bp.meta.domain).toBe("automation");
      for (const [name, input] of bp.inputs) expect(input.selector, `input ${name}`).toBeTypeOf("object");
      expect(bp.meta.source_url).toBe(blobUrl(file));
    });

    it("is written in the 2024.10+ syntax and says so in min_version", () => {
      const bp = readBlueprint(ROOT, file);
      const [major, minor] = String((bp.meta.homeassistant as { min_version: string }).min_version)
        .split(".")
        .map(Number);
      expect(major! * 100 + minor!, "2024.10 or newer").toBeGreaterThanOrEqual(202410);
      for (const k of ["triggers", "actions"]) expect(bp.doc, k).toHaveProperty(k);
      for (const old of ["trigger", "condition", "action"]) expect(bp.doc, old).not.toHaveProperty(old);
      for (const t of bp.doc.triggers as Record<string, unknown>[]) {
        expect(t, "trigger:").toHaveProperty("trigger");
        expect(t, "platform:").not.toHaveProperty("platform");
      }
      const body = keysDeep({
        triggers: bp.doc.triggers,
        conditions: bp.doc.conditions,
        actions: bp.doc.actions,
      });
      expect(body.has("service"), "service: is the old name of action:").toBe(false);
    });
  });

  it("the checks catch a broken blueprint", () => {
    const dir = mkdtempSync(join(tmpdir(), "localecu-bp-"));
    try {
      mkdirSync(join(dir, BLUEPRINT_DIR), { recursive: true });
      const file = `${BLUEPRINT_DIR}/broken.yaml`;
      writeFileSync(
        join(dir, file),
        [
          "blueprint:",
          "  name: broken",
          "  domain: automation",
          "  homeassistant: { min_version: '2024.11' }",
          "  input:",
          "    a: { selector: { entity: { filter: [{ domain: sensor, area: x }] } } }",
          "    s: { input: { a: { selector: { boolean: {} } }, b: { selector: { colour: {} } } } }",
          "triggers:",
          "  - trigger: state",
          "    entity_id: !input a",
          "actions:",
          "  - action: notify.x",
          "    data: { message: !input c }",
        ].join("\n"),
      );
      const bp = readBlueprint(dir, file);
      expect(bp.refs).toEqual(["a", "c"]);
      expect(checkBlueprintMeta(bp)).toEqual([
        `${file}: blueprint.homeassistant.min_version: must be a string {major}.{minor}.{patch} of integers`,
        `${file}: input a: entity filter has no area`,
        `${file}: blueprint.input.a: duplicate input key`,
        `${file}: input b: selector type colour is not one this check knows`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
