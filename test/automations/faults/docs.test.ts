/**
 * docs/faults.md stays true: every FindingKind in types.ts (read from the source, not a second list) has
 * its section, no section names a kind the code does not know, and the worked example's notification
 * texts are what the diagnosis core and notice.ts produce for that example today.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  clearedNotice,
  type Notice,
  openNotice,
  repeatNotice,
} from "../../../src/automations/faults/notice.ts";
import { at, BL, BR, Drive, groundFaulted, healthy, southRoof, TL, TR, TZ } from "./helpers.ts";

const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), "utf8");

/** The members of `export type FindingKind = | "a" | "b" …;` in types.ts. */
function findingKinds(): string[] {
  const src = read("../../../src/automations/faults/types.ts");
  const union = /export type FindingKind =([^;]+);/.exec(src)?.[1];
  if (!union) throw new Error("types.ts: no `export type FindingKind = …;` found");
  return [...union.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]!);
}

/** A notice as the page shows it: a text block with the title, a blank line and the message. */
const block = (n: Notice) => `\`\`\`text\n${n.title}\n\n${n.message}\n\`\`\``;

describe("docs/faults.md", () => {
  it("has one section per finding kind in types.ts, and none for a kind the code does not know", () => {
    const doc = read("../../../docs/faults.md");
    const kinds = findingKinds();
    expect(kinds.length).toBeGreaterThanOrEqual(17);
    const sections = [...doc.matchAll(/^### `([a-z_]+)`$/gm)].map((m) => m[1]!);
    expect(kinds.filter((k) => !sections.includes(k))).toEqual([]);
    expect(sections.filter((s) => !kinds.includes(s))).toEqual([]);
    expect(new Set(sections).size).toBe(sections.length);
    // Each section says what it rests on, in the page's words.
    for (const k of kinds) {
      const body = doc.split(`### \`${k}\``)[1]!.split("\n### ")[0]!;
      expect(body, k).toMatch(/verified/);
      expect(body, k).toContain("**When**");
      expect(body, k).toContain("**You see**");
      expect(body, k).toContain("**Check**");
    }
  });

  it("the worked example's texts are what localecu sends for it", () => {
    const doc = read("../../../docs/faults.md");
    // The page's story: four QS1 on a south roof, 15 June; South top left reports GFDI at 10:42, South
    // top right goes silent after 10:42, the ground fault is repeated at 11:45 and repaired by 14:00.
    const d = new Drive(southRoof(), { repeatHours: 1 });
    const gfdi = () => groundFaulted(TL);
    const ground = d.round(at("10:42"), 50, [gfdi(), healthy(TR), healthy(BL), healthy(BR)]).opened;
    const silent = ["10:47", "10:48", "10:49", "10:50"].flatMap(
      (t) => d.round(at(t), 51, [gfdi(), TR, healthy(BL), healthy(BR)]).opened,
    );
    const repeated = d.round(at("11:45"), 55, [gfdi(), healthy(TR), healthy(BL), healthy(BR)]).repeated;
    const cleared = d.round(at("14:00"), 45, [healthy(TL), healthy(TR), healthy(BL), healthy(BR)]).cleared;
    expect([ground, silent, repeated, cleared].map((fs) => fs.map((f) => f.key))).toEqual([
      ["ground_fault:801000000001"],
      ["no_data:801000000002"],
      ["ground_fault:801000000001"],
      ["ground_fault:801000000001"],
    ]);
    expect(doc).toContain(block(openNotice(ground[0]!)));
    expect(doc).toContain(block(openNotice(silent[0]!)));
    expect(doc).toContain(block(repeatNotice(repeated[0]!, TZ)));
    expect(doc).toContain(block(clearedNotice(cleared[0]!, TZ)));
    // The page quotes the unverified caveat and the severity words as the code writes them.
    expect(doc).toContain("(Status-bit meaning not confirmed on hardware.)");
    for (const [severity, word] of [
      ["info", "Solar note"],
      ["warning", "Solar warning"],
      ["fault", "Solar fault"],
      ["danger", "Solar DANGER"],
    ])
      expect(doc).toContain(`| \`${severity}\` | ${word} |`);
  });

  it("is linked from the README and the Home Assistant page", () => {
    expect(read("../../../README.md")).toContain("(docs/faults.md)");
    expect(read("../../../docs/home-assistant.md")).toContain("(faults.md)");
  });
});
