// Mutation testing: `npm run mutate` (all three folders) or a subset, e.g.
// `npm run mutate -- --mutate 'src/protocol/**/*.ts'`. Not part of `npm test`: a full run takes long.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.stryker.config.ts", related: false },
  mutate: [
    "src/protocol/**/*.ts",
    "converters/lib/**/*.ts",
    "src/site/energy/*.ts",
    // Re-exports and type-only files have nothing to mutate.
    "!src/protocol/index.ts",
    "!src/protocol/types.ts",
  ],
  coverageAnalysis: "perTest",
  concurrency: 2,
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  reporters: ["clear-text", "progress-append-only", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 85, low: 70, break: null },
  // Module-level tables (models, status bits, scales) are "static" mutants: each one reruns every test.
  // They cost 92 % of a run here; the scale constants are checked by scripts/scale-mutants.ts instead.
  ignoreStatic: true,
  timeoutMS: 10_000,
  cleanTempDir: "always",
};
