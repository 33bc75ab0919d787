import { defineConfig } from "vitest/config";

/**
 * The tests Stryker runs against each mutant: the codec, converter and energy unit tests. The end-to-end
 * and transport suites are left out on purpose: they hold real sockets and brokers, and a mutant that hangs
 * one of them costs a timeout instead of a verdict. So are the fuzz tests and the bundle test (see exclude).
 * MUTATE_TESTS narrows the set for a folder's run (comma-separated globs), e.g.
 * `MUTATE_TESTS='test/protocol/**' npm run mutate -- --mutate 'src/protocol/**' ` (docs/BENCHMARKS.md).
 */
const all = [
  "test/protocol/**/*.test.ts",
  "test/converters/**/*.test.ts",
  "test/site/energy/*.test.ts",
  "test/sim/wire*.test.ts",
];

export default defineConfig({
  test: {
    include: process.env.MUTATE_TESTS ? process.env.MUTATE_TESTS.split(",") : all,
    exclude: [
      // 100 000 fuzz cases, and thousands of encoder round trips, per mutant would cost minutes; neither
      // proves a value right. The score counts what example tests with worked/stated values kill.
      "test/protocol/fuzz.test.ts",
      "test/protocol/ecu/fuzz.test.ts",
      "test/protocol/property.test.ts",
      // Builds and imports the esbuild bundle on every run; host.test.ts and decode.test.ts run the same
      // definitions from source.
      "test/converters/receive.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
