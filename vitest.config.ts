import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The Node-RED nodes are bundled from src/nodered/ into nodes/lib/ (CommonJS) before any test runs.
    globalSetup: ["test/nodered/build.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // The slowest files (controller + emulator + broker end to end) mostly wait on the radio's real-time
    // round trips and scaled clocks: with three the 2 cores sat half idle; four ran the suite in 11.7 min
    // instead of 13.8 on a clean clone, every test passing.
    maxWorkers: 4,
    // Every controller a test starts would open its local page on port 8099: off unless a test asks.
    env: { LOCALECU_WEB_PORT: "0" },
  },
});
