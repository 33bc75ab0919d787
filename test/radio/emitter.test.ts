import { describe, expect, it } from "vitest";
import { TypedEmitter } from "../../src/radio/emitter.ts";

describe("TypedEmitter", () => {
  it("delivers to subscribers until they unsubscribe", () => {
    const e = new TypedEmitter<{ n: number }>();
    const got: number[] = [];
    const off = e.on("n", (v) => got.push(v));
    e.emit("n", 1);
    off();
    e.emit("n", 2);
    expect(got).toEqual([1]);
  });

  it("logs a throwing handler as radio/<event> and still calls the others", () => {
    const logged: string[] = [];
    const log = (_o: unknown, m?: string) => logged.push(m ?? String(_o));
    const e = new TypedEmitter<{ reading: string }>({ debug: log, info: log, warn: log, error: log });
    const got: string[] = [];
    e.on("reading", () => {
      throw new Error("boom");
    });
    e.on("reading", (v) => got.push(v));
    expect(() => e.emit("reading", "x")).not.toThrow();
    expect(got).toEqual(["x"]);
    expect(logged[0]).toMatch(/^radio\/reading: handler failed: boom/);
  });
});
