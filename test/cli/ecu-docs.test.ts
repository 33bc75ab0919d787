/** docs/ecu.md's decode examples run as pasted, and the JSON it shows is what decode prints. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatEcuAnswer } from "../../src/cli/format-ecu.ts";
import { fromHex } from "../../src/protocol/bytes.ts";
import { decodeEcuAnswer } from "../../src/protocol/ecu/decode.ts";
import { fromEcuText, isEcuText } from "../../src/protocol/ecu/text.ts";

const page = () => readFileSync(new URL("../../docs/ecu.md", import.meta.url), "utf8");

describe("docs/ecu.md", () => {
  it("starts with 'Reading an ECU answer' and says which parts come later", () => {
    const text = page();
    expect(text.match(/^## .*/gm)![0]).toBe("## Reading an ECU answer");
    expect(text).toMatch(/Not yet on this page, coming with the next parts of issue 15/);
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
