import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["engine/**/*.test.ts", "shared/**/*.test.ts"],
    // Worker-process tests spawn Node with tsx and load tfjs: give them room on 2-core machines.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
