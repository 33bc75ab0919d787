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
    // round trips: three at once finish in half the time on a 2-core machine without starving the rest.
    maxWorkers: 3,
    // Every controller a test starts would open its local page on port 8099: off unless a test asks.
    env: { LOCALECU_WEB_PORT: "0" },
  },
});
