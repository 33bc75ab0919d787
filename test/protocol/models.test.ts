/** The CLI's --model argument: model names in any case (DESIGN.md §2's model list: QS1, QS1A, YC600, YC1000, DS3). */
import { describe, expect, it } from "vitest";
import { resolveModel } from "../../src/protocol/models.ts";

describe("resolveModel", () => {
  it.each([
    ["QS1A", "QS1A"],
    ["qs1a", "QS1A"],
    ["qs1", "QS1"],
    ["yc600", "YC600"],
    ["DS3", "DS3"],
  ])("%s → %s", (arg, model) => {
    expect(resolveModel(arg)?.model).toBe(model);
  });

  it.each([["QT2"], ["qs"], [""]])("%j is no model", (arg) => {
    expect(resolveModel(arg)).toBeUndefined();
  });
});
