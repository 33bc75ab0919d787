import { defineConfig } from "vitest/config";

/**
 * The tests Stryker runs against each mutant: the codec, converter and energy unit tests. The end-to-end
 * and transport suites are left out on purpose: they hold real sockets and brokers, and a mutant that hangs
 * one of them costs a timeout instead of a verdict. So are the fuzz tests (see exclude).
 */
export default defineConfig({
  test: {
    include: [
      "test/protocol/**/*.test.ts",
      "test/converters/**/*.test.ts",
      "test/site/energy*.test.ts",
      "test/sim/wire*.test.ts",
    ],
    exclude: [
      // 100 000 fuzz cases per mutant would cost minutes and say nothing about values.
      "test/protocol/fuzz.test.ts",
      // Builds and imports the esbuild bundle on every run; host.test.ts and decode.test.ts run the same
      // definitions from source.
      "test/converters/receive.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
