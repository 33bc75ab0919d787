/** docs/ecu.md's decode examples run as pasted, and the JSON it shows is what decode prints. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatEcuAnswer } from "../../src/cli/format-ecu.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { decodeEcuAnswer } from "../../src/protocol/ecu/decode.ts";
import { fromEcuText, isEcuText } from "../../src/protocol/ecu/text.ts";
import { parseConfig } from "../../src/site/config/index.ts";

const page = () => readFileSync(new URL("../../docs/ecu.md", import.meta.url), "utf8");

describe("docs/ecu.md", () => {
  it("walks an owner from setting it up to moving to a stick", () => {
    expect(page().match(/^## .*/gm)).toEqual([
      "## Setting it up",
      "## What each ECU model gives",
      "## Commands through the ECU",
      "## What you get, and what you do not",
      "## Moving to a stick later, keeping each panel's history",
      "## Reading an ECU answer",
      "## Trying it without an ECU: the emulated ECU",
    ]);
  });

  it("its site.yaml section loads as written", () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(page())![1]!;
    const c = parseConfig(
      `${yaml}site:\n  timezone: Europe/Amsterdam\ninverters:\n  - serial: "801000012345"\n`,
      "site.yaml",
    );
    expect(c.ecu).toEqual({ host: "192.168.1.40", port: 8899, pollS: 300 });
  });

  it("its decode commands decode, and the first one prints the JSON shown", () => {
    const text = page();
    const commands = [...text.matchAll(/^npx localecu decode (\S+)$/gm)].map((m) => m[1]!);
    expect(commands).toHaveLength(2);
    const out = commands.map((arg) =>
      JSON.stringify(formatEcuAnswer(decodeEcuAnswer(isEcuText(arg) ? fromEcuText(arg) : fromHex(arg)))),
    );
    const shown = /```json\n(.*)\n```/.exec(text)![1]!;
    expect(out[0]).toBe(shown);
    expect(JSON.parse(out[1]!)).toMatchObject({ kind: "ecu-clock", time: "2023-08-01T17:30:37" });
  });
});
