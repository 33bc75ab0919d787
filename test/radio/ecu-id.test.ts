import { describe, expect, it } from "vitest";
import { coordinatorIeee, panFromEcuId, toHex } from "../../src/protocol/index.ts";
import { deriveEcuId, formatEcuId, resolveEcuId } from "../../src/radio/ecu-id.ts";

describe("ECU id", () => {
  it("uses a configured id as is", () => {
    expect(formatEcuId(resolveEcuId({ ecuId: "d8a3011b9780" }))).toBe("D8A3011B9780");
  });

  it("rejects a malformed id with the expected form", () => {
    expect(() => resolveEcuId({ ecuId: "D8A3011B97" })).toThrow(/12 hex digits/);
  });

  it.each(["my-roof", "raspberrypi", "site 42"])("derives a stable vendor-shaped id from %s", (stable) => {
    const id = deriveEcuId(stable);
    expect(toHex(id)).toBe(toHex(deriveEcuId(stable)));
    // ECU id = reversed MAC 80:97:1B:xx:yy:zz, so it ends 1B 97 80.
    expect(toHex(id.slice(3))).toBe("1b9780");
    const pan = panFromEcuId(id);
    expect(pan).toBeGreaterThan(0);
    expect(pan).toBeLessThan(0xfffe);
    expect(coordinatorIeee(id)).toMatch(/^0x[0-9a-f]{6}1b9780ffff$/);
  });

  it("gives different sites different ids", () => {
    expect(toHex(deriveEcuId("a"))).not.toBe(toHex(deriveEcuId("b")));
  });

  it("falls back to the hostname", () => {
    expect(resolveEcuId()).toHaveLength(6);
  });
});
