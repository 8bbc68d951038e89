import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Model files import "tandem"; in tests it is the engine's API, as in the worker.
  resolve: { alias: { tandem: fileURLToPath(new URL("./engine/api/index.ts", import.meta.url)) } },
  test: {
    include: ["engine/**/*.test.ts", "shared/**/*.test.ts", "electron/**/*.test.ts", "renderer/test/**/*.test.ts", "e2e/**/*.test.ts"],
    // Worker-process tests spawn Node with tsx and load tfjs: give them room on 2-core machines.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Worker tests start dist/worker.mjs: build it first (runtime code does not build).
    globalSetup: ["engine/test/global-setup.ts"],
  },
});
