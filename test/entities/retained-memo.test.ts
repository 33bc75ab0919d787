import { describe, expect, it } from "vitest";
import { payloadDigest, RetainedMemo } from "../../src/entities/retained-memo.ts";

describe("RetainedMemo (what was last published on a retained topic)", () => {
  it("knows a small payload again and tells a changed one apart", () => {
    const memo = new RetainedMemo();
    expect(memo.same("localecu/Roof east 1", '{"power":212}')).toBe(false);
    memo.remember("localecu/Roof east 1", '{"power":212}');
    expect(memo.same("localecu/Roof east 1", '{"power":212}')).toBe(true);
    expect(memo.same("localecu/Roof east 1", '{"power":213}')).toBe(false);
    expect(memo.same("localecu/Roof east 2", '{"power":212}')).toBe(false);
  });

  it("knows a 20 KB discovery again by its digest, and sees a one-character change in its middle", () => {
    const memo = new RetainedMemo();
    const topic = "homeassistant/device/localecu_801000085070/config";
    const big = `{"cmps":{${Array.from({ length: 400 }, (_, i) => `"k${i}":"value ${i}"`).join(",")}}}`;
    expect(big.length).toBeGreaterThan(5000);
    memo.remember(topic, big);
    expect(memo.same(topic, `${big}`)).toBe(true);
    const changed = big.replace('"value 200"', '"value 20O"');
    expect(changed.length).toBe(big.length);
    expect(memo.same(topic, changed)).toBe(false);
    // A short payload that spells the digest is not the large payload.
    expect(memo.same(topic, payloadDigest(big))).toBe(false);
    memo.clear();
    expect(memo.same(topic, big)).toBe(false);
  });
});
